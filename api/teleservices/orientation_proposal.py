"""The class council's proposal for the students whose family sent no wishes (final phase).

At the class council of the 3rd trimester the council gives its orientation proposal for every
student of the level (3e → 2de, 2de → 1re), whether or not the family sent the fiche dialogue. The
school's list shows each student of the final campaign's level whose family sent no wishes as
"Aucun vœu transmis" (no fiche, or a draft: the school cannot tell them apart, a draft being the
family's own, visibility.py); the council records its proposal and general comment for such a student:

GET /api/school/teleservices/orientation/campaigns/{campaign_id}/students/{student_id}
PUT /api/school/teleservices/orientation/campaigns/{campaign_id}/students/{student_id}/proposal

When: only once the families' window to send wishes has closed (after `closes_on`), and while the
family may still reply (`replies_until`, as for any answer of the council). While the window is open
the family may still send its wishes: a proposal then would take the fiche out of the family's hands
(an answered fiche is no longer edited) a few days before the family sends it, and the council would
answer a fiche without its wishes. After the close, the students without wishes are a settled list,
the one the council meets about. Before the close the line says until when the family may send.

What: the student's fiche is created if there is none (one per student and campaign), moved to
"answered" through `requests.move` with the proposal as the council's wish (event "propose": who, when,
the comment), and the guardians are told as for any answer of the council (push in the move's
transaction, e-mail after the commit). The family then accepts it, or declines it and asks for a
meeting with the head of school, exactly as an answered fiche, until `replies_until`.

A draft the family left is not lost: its saved wishes are kept as "unsent" (`origin`), shown to the
family under "Vœux enregistrés mais non transmis" with the proposal, never to the school, and never
counted as wishes (the council answered none). A retried request acts once: the same `client_id`, or
the same proposal and comment again, answer with the fiche as it is.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from litestar import Controller, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from api.auth.principal import Principal, principal_with_roles
from api.clock import now
from api.dates import french, school_today
from api.errors import ApiError
from api.openapi import errors
from api.people import StudentCard, student_card
from api.teleservices import campaigns
from api.teleservices.campaigns import campaign_by_id, campaign_out, title, window, year_label
from api.teleservices.catalogue import NO_WISHES, NO_WISHES_LABEL, ORIENTATION_STATES
from api.teleservices.notices import email_guardians, push_guardians
from api.teleservices.orientation import checked_wish, form_row, orientation_out, replace_proposal, wishes_of
from api.teleservices.requests import ORIENTATION, Move, move
from api.teleservices.structs import NoWishesOut, OrientationOut, ProposalIn
from api.teleservices.visibility import UNSENT
from db.core.tables import User
from db.teleservices.tables import OrientationForm, OrientationWish

FINAL = "orientation_final"
PROPOSE = Move((UNSENT, "answered"), "answered")  # answered: the council corrects its proposal
SUBJECT = "Téléservices : orientation"
NOT_FINAL = ApiError(
    400, "no_proposal", "Le conseil de classe ne fait de proposition sans vœux qu'en phase définitive."
)
WISHES_SENT = ApiError(
    409,
    "wishes_sent",
    "La famille a transmis ses vœux : enregistrez la réponse du conseil sur sa fiche dialogue.",
)
TOO_LATE = (
    "la famille ne pourrait plus répondre à la proposition du conseil de classe. Demandez à l'administrateur "
    "de reporter cette date (Campagnes) avant d'enregistrer la proposition."
)

_LEVEL_STUDENTS = """
SELECT e.student_id FROM enrolment e
JOIN school_class c ON c.school_id = {} AND c.id = e.class_id
WHERE e.school_id = {} AND c.school_year_id = {} AND c.level = {}
"""


def _wishes_window(campaign: dict, today: date) -> str:
    """Why the council may not propose without wishes yet ("" once the families' window has closed)."""
    shown = window(campaign, today)
    if shown.status == "cancelled":
        return f"{title(campaign)} a été annulé : aucune fiche dialogue n'y est attendue."
    if shown.status == "upcoming":
        opens = french(campaign["opens_on"])
        return f"{title(campaign)} ouvre le {opens} : les familles n'ont pas encore pu saisir leurs vœux."
    if shown.status == "open":
        return (
            f"La famille peut transmettre ses vœux jusqu'au {french(campaign['closes_on'])} : le conseil de classe "
            "fait sa proposition sans vœux après cette date."
        )
    return ""


def line_summary(campaign: dict, today: date) -> str:
    """What a "no wishes" line of the school's list says is to be done."""
    status = window(campaign, today).status
    if status == "open":
        return f"Vœux attendus jusqu'au {french(campaign['closes_on'])}"
    if today <= campaign["replies_until"]:
        return "Proposition du conseil de classe à enregistrer"
    return f"Pas de proposition du conseil (réponses des familles closes le {french(campaign['replies_until'])})"


async def students_without_wishes(school_id: UUID, chosen: list[dict], today: date) -> list[tuple[dict, UUID]]:
    """(campaign, student id) for each student of a final campaign's level whose family sent no wishes,
    for the campaigns among `chosen` that have opened (a cancelled or coming one expects nothing yet)."""
    found: list[tuple[dict, UUID]] = []
    for campaign in chosen:
        if campaign["service"] != FINAL or window(campaign, today).status not in ("open", "closed"):
            continue
        students = await User.raw(_LEVEL_STUDENTS, school_id, school_id, campaign["school_year_id"], campaign["level"])
        sent = await OrientationForm.select(OrientationForm.student_id).where(
            (OrientationForm.school_id == school_id)
            & (OrientationForm.campaign_id == campaign["id"])
            & (OrientationForm.state != UNSENT)
        )
        done = {row["student_id"] for row in sent}
        found += [(campaign, row["student_id"]) for row in students if row["student_id"] not in done]
    return found


async def _target(school_id: UUID, campaign_id: UUID, student_id: UUID) -> tuple[dict, StudentCard, date]:
    """(the final campaign, the student of its level, today), else a 404 (not this school's) or a 400."""
    campaign = await campaign_by_id(school_id, campaign_id)
    card = await student_card(school_id, student_id)
    if campaign["service"] != FINAL:
        raise NOT_FINAL
    campaigns.require_concerned(campaign, card.level)
    return campaign, card, await school_today(school_id)


async def _form(school_id: UUID, campaign_id: UUID, student_id: UUID) -> dict | None:
    return (
        await OrientationForm.select(OrientationForm.id, OrientationForm.state)
        .where(
            (OrientationForm.school_id == school_id)
            & (OrientationForm.campaign_id == campaign_id)
            & (OrientationForm.student_id == student_id)
        )
        .first()
    )


async def _form_id(school_id: UUID, campaign_id: UUID, student_id: UUID) -> UUID:
    """The student's fiche for the campaign: the existing one (not one whose wishes were sent), else a new
    one (a draft, at once answered by the move; a request at the same moment finds the same one)."""
    existing = await _form(school_id, campaign_id, student_id)
    if existing is None:
        created = (
            await OrientationForm.insert(
                OrientationForm(school_id=school_id, campaign_id=campaign_id, student_id=student_id, updated_at=now())
            )
            .on_conflict(action="DO NOTHING")
            .returning(OrientationForm.id)
        )
        if created:
            return created[0]["id"]
        existing = await _form(school_id, campaign_id, student_id)
    if existing["state"] == "submitted":
        raise WISHES_SENT
    return existing["id"]


async def without_wishes(principal: Principal, campaign_id: UUID, student_id: UUID) -> NoWishesOut:
    sid = principal.school_id
    campaign, card, today = await _target(sid, campaign_id, student_id)
    shown = campaign_out(campaign, await year_label(sid, campaign["school_year_id"]), today)
    form = await _form(sid, campaign_id, student_id)
    if form is not None and form["state"] != UNSENT:  # sent, or answered by the council: read the fiche
        state = form["state"]
        return NoWishesOut(shown, card, state, ORIENTATION_STATES[state], form["id"], "", [])
    not_yet = _wishes_window(campaign, today)
    if not_yet:
        note, actions = not_yet, []
    elif today > campaign["replies_until"]:
        note, actions = (
            f"La date limite de réponse des familles ({french(campaign['replies_until'])}) est passée : {TOO_LATE}",
            [],
        )
    else:
        note = (
            "Aucun vœu n'a été transmis pendant la phase de saisie. Le conseil de classe fait sa proposition : "
            f"la famille pourra l'accepter ou la refuser jusqu'au {french(campaign['replies_until'])}."
        )
        actions = ["propose"]
    return NoWishesOut(shown, card, NO_WISHES, NO_WISHES_LABEL, None, note, actions)


async def propose(principal: Principal, campaign_id: UUID, student_id: UUID, data: ProposalIn) -> UUID:
    """Record the council's proposal (and general comment) for a student without wishes; the fiche's id."""
    sid = principal.school_id
    campaign, card, today = await _target(sid, campaign_id, student_id)
    proposal = checked_wish(campaign["level"], data.proposal)
    not_yet = _wishes_window(campaign, today)
    if not_yet:
        raise ApiError(409, "wishes_window_open", not_yet, details={"closes_on": campaign["closes_on"].isoformat()})
    campaigns.require_family_may_reply(campaign, today, TOO_LATE)
    comment = data.comment.strip()
    form_id = await _form_id(sid, campaign_id, student_id)
    mine = (OrientationWish.school_id == sid) & (OrientationWish.form_id == form_id)

    async def write(row: dict) -> bool:
        current = await wishes_of(sid, form_id)
        if row["state"] != UNSENT and any(w["origin"] == "family" for w in current):
            raise WISHES_SENT  # answered on the wishes the family sent: the council answers them (council)
        before = [(w["track"], w["detail"], w["specialities"]) for w in current if w["origin"] == "council"]
        if row["state"] == "answered" and before == [proposal] and row["council_comment"] == comment:
            return False  # the same proposal again
        if row["state"] == UNSENT:  # the draft's wishes were never sent: kept, as unsent, for the family
            await OrientationWish.update({OrientationWish.origin: "unsent"}).where(
                mine & (OrientationWish.origin == "family")
            )
        await replace_proposal(sid, form_id, proposal)
        return True

    changed = await move(
        ORIENTATION,
        principal,
        form_id,
        "propose",
        PROPOSE,
        message=comment,
        client_id=data.client_id,
        values={"council_comment": comment, "answered_at": now()},
        within=write,
        announce=push_guardians(SUBJECT),
    )
    if changed:
        text = (
            f"Aucun vœu d'orientation n'a été transmis pour {card.first_name} ({title(campaign)}) : le conseil de "
            "classe a fait sa proposition d'orientation. Connectez-vous à Cartable, rubrique Téléservices, pour la "
            f"lire et l'accepter ou la refuser avant le {french(campaign['replies_until'])}."
        )
        await email_guardians(sid, card.id, SUBJECT, text)
    return form_id


class OrientationProposalController(Controller):
    path = "/api/school/teleservices/orientation/campaigns/{campaign_id:uuid}/students/{student_id:uuid}"
    tags = ["téléservices (établissement)"]
    dependencies = {"principal": Provide(principal_with_roles("staff", "admin"))}

    @get(
        "/",
        summary="A student of the final phase's level whose family sent no wishes: whether the council may propose",
        responses=errors(404),
    )
    async def read(
        self, principal: NamedDependency[Principal], campaign_id: FromPath[UUID], student_id: FromPath[UUID]
    ) -> NoWishesOut:
        return await without_wishes(principal, campaign_id, student_id)

    @put(
        "/proposal",
        summary="Record the class council's proposal for a student whose family sent no wishes (window closed)",
        responses=errors(404, 409),
    )
    async def record_proposal(
        self,
        principal: NamedDependency[Principal],
        campaign_id: FromPath[UUID],
        student_id: FromPath[UUID],
        data: JSONBody[ProposalIn],
    ) -> OrientationOut:
        form_id = await propose(principal, campaign_id, student_id, data)
        return await orientation_out(principal, await form_row(principal.school_id, form_id))


ROUTES = [OrientationProposalController]
