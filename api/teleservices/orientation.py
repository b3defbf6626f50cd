"""Orientation, the "fiche dialogue" of 3e and 2de: brouillon → vœux transmis → réponse du conseil
→ acceptée | refusée (a meeting with the head of school is then requested).

Any legal guardian of the student may fill in and send the wishes (up to `MAX_WISHES`, ranked)
while the phase is open; the class council answers each wish and, in the final phase, may make its
own proposal; the first guardian to accept or decline answers for the family, and the others see
who answered and when. In the final phase the council also proposes for the students whose family
sent no wishes (`orientation_proposal.py`): such a fiche is answered with a proposal and no wishes.
"""

from __future__ import annotations

from uuid import UUID

from api.auth.principal import Principal
from api.clock import now
from api.dates import school_today
from api.errors import ApiError
from api.people import people, student_card
from api.teleservices import campaigns
from api.teleservices.campaigns import campaign_by_id, shown_campaign, title
from api.teleservices.catalogue import (
    MAX_WISHES,
    OPINIONS,
    ORIENTATION_STATES,
    SERIES,
    SPECIALITIES,
    SPECIALITY_COUNT,
    TRACKS,
    TRACKS_WITH_FIELD,
    wish_label,
)
from api.teleservices.notices import email_guardians, email_school, push_guardians
from api.teleservices.requests import ORIENTATION, Move, find, find_for_family, history, move, open_or_get, record
from api.teleservices.structs import (
    CouncilIn,
    FamilyOrientationAction,
    OpenRequest,
    OrientationOut,
    WishesIn,
    WishIn,
    WishOut,
)
from api.teleservices.visibility import school_form
from db.teleservices.tables import OrientationForm, OrientationWish
from piccolo_conf import DB

MOVES = {
    "submit": Move(("draft",), "submitted"),
    "answer": Move(("submitted", "answered"), "answered"),  # the council may correct its answer
    "accept": Move(("answered",), "accepted"),
    "decline": Move(("answered",), "declined"),
}
EDITABLE = ("draft", "submitted")
ANSWER_CHANGED = ApiError(
    409,
    "answer_changed",
    "Le conseil de classe a modifié sa réponse depuis que vous l'avez lue : relisez-la avant de répondre.",
)
TOO_LATE_TO_ANSWER = (
    "la famille ne pourrait plus répondre au conseil de classe. Demandez à l'administrateur de reporter "
    "cette date (Campagnes) avant d'enregistrer la réponse."
)


async def form_row(school_id: UUID, form_id: UUID) -> dict:
    return await find(ORIENTATION, school_id, form_id)


async def family_form(principal: Principal, form_id: UUID) -> dict:
    return await find_for_family(ORIENTATION, principal, form_id)


async def open_form(principal: Principal, data: OpenRequest) -> UUID:
    return await open_or_get(ORIENTATION, principal, data.campaign_id, data.student_id)


def checked_wish(level: str, wish: WishIn) -> tuple[str, str, list[str]]:
    """(track, detail, specialities) of a wish valid for `level`; fields a track does not use are dropped."""
    if wish.track not in TRACKS.get(level, {}):
        raise ApiError(400, "invalid_wish", f"Ce choix n'existe pas pour un élève de {level}.")
    detail = " ".join(wish.detail.split())
    if wish.track in TRACKS_WITH_FIELD:
        if not detail:
            raise ApiError(400, "invalid_wish", "Précisez la spécialité ou la famille de métiers souhaitée.")
        return wish.track, detail, []
    if wish.track == "1t":
        if detail not in SERIES:
            raise ApiError(400, "invalid_wish", "Choisissez la série de 1re technologique.")
        return wish.track, detail, []
    if wish.track == "1g":
        codes = list(dict.fromkeys(wish.specialities))
        if len(codes) != SPECIALITY_COUNT or any(code not in SPECIALITIES for code in codes):
            raise ApiError(400, "invalid_wish", f"Choisissez {SPECIALITY_COUNT} spécialités différentes.")
        return wish.track, "", codes
    return wish.track, "", []


async def wishes_of(school_id: UUID, form_id: UUID) -> list[dict]:
    return (
        await OrientationWish.select()
        .where((OrientationWish.school_id == school_id) & (OrientationWish.form_id == form_id))
        .order_by(OrientationWish.rank)
    )


async def save_wishes(principal: Principal, form_id: UUID, data: WishesIn) -> None:
    form = await family_form(principal, form_id)
    campaign = await campaign_by_id(principal.school_id, form["campaign_id"])
    campaigns.require_open(campaign, await school_today(principal.school_id))
    if len(data.wishes) > MAX_WISHES:
        raise ApiError(400, "too_many_wishes", f"{MAX_WISHES} vœux au plus.")
    wanted = [checked_wish(campaign["level"], wish) for wish in data.wishes]
    if len(set(map(repr, wanted))) != len(wanted):
        raise ApiError(400, "duplicate_wish", "Le même vœu est donné deux fois.")
    sid = principal.school_id
    where = (OrientationForm.school_id == sid) & (OrientationForm.id == form_id)
    async with DB.transaction():
        locked = await OrientationForm.select(OrientationForm.state).where(where).lock_rows().first()
        if locked["state"] not in EDITABLE:
            raise ApiError(409, "not_editable", "Le conseil de classe a répondu : les vœux ne peuvent plus changer.")
        family = [w for w in await wishes_of(sid, form_id) if w["origin"] == "family"]
        if [(w["track"], w["detail"], w["specialities"]) for w in family] == wanted:
            return  # the same wishes again: nothing to record
        await OrientationWish.delete().where(
            (OrientationWish.school_id == sid)
            & (OrientationWish.form_id == form_id)
            & (OrientationWish.origin == "family")
        )
        await OrientationWish.insert(
            *[
                OrientationWish(school_id=sid, form_id=form_id, rank=rank, track=t, detail=d, specialities=s)
                for rank, (t, d, s) in enumerate(wanted, 1)
            ]
        )
        await OrientationForm.update({OrientationForm.updated_at: now()}).where(where)
        await record(ORIENTATION, principal, form_id, "wishes", (locked["state"], locked["state"]))


async def family_action(principal: Principal, form_id: UUID, data: FamilyOrientationAction) -> None:
    if data.action != "submit" and data.answered_at is None:
        raise ApiError(
            400,
            "answer_version_missing",
            "Rechargez la fiche : la réponse du conseil de classe à laquelle vous répondez n'est pas indiquée.",
            details={"answered_at": "required"},
        )
    form = await family_form(principal, form_id)
    campaign = await campaign_by_id(principal.school_id, form["campaign_id"])
    today = await school_today(principal.school_id)
    values: dict = {}

    async def has_wishes(_: dict) -> None:
        campaigns.require_open(campaign, today)
        if not [w for w in await wishes_of(principal.school_id, form_id) if w["origin"] == "family"]:
            raise ApiError(400, "no_wish", "Indiquez au moins un vœu avant de transmettre la fiche.")

    async def in_time(current: dict) -> None:
        campaigns.require_replies_open(campaign, today)
        if data.answered_at != current["answered_at"]:  # the council changed its answer since it was read
            raise ANSWER_CHANGED

    if data.action != "submit":
        values = {
            "responded_by_id": principal.user_id,
            "responded_at": now(),
            "response_comment": data.comment.strip(),
            "meeting_requested": data.action == "decline",
        }
    changed = await move(
        ORIENTATION,
        principal,
        form_id,
        data.action,
        MOVES[data.action],
        message=data.comment.strip(),
        client_id=data.client_id,
        values=values,
        within=has_wishes if data.action == "submit" else in_time,
    )
    if changed and data.action == "decline":  # the meeting is asked of the school: tell it
        card = await student_card(principal.school_id, form["student_id"])
        where = card.class_name or "l'établissement"
        text = (
            f"Une famille de {where} a refusé la réponse du conseil de classe "
            f"({title(campaign)}) et demande un rendez-vous avec le chef d'établissement. Connectez-vous à "
            "Cartable, rubrique Téléservices, filtre « Rendez-vous demandé », pour lire la fiche."
        )
        await email_school(principal.school_id, "Téléservices : rendez-vous demandé (orientation)", text)


async def replace_proposal(school_id: UUID, form_id: UUID, proposal: tuple[str, str, list[str]] | None) -> None:
    """The council's own proposal on a fiche becomes `proposal` (a checked wish), or none."""
    await OrientationWish.delete().where(
        (OrientationWish.school_id == school_id)
        & (OrientationWish.form_id == form_id)
        & (OrientationWish.origin == "council")
    )
    if proposal:
        track, detail, specialities = proposal
        await OrientationWish.insert(
            OrientationWish(
                school_id=school_id,
                form_id=form_id,
                origin="council",
                rank=1,
                track=track,
                detail=detail,
                specialities=specialities,
            )
        )


async def council(principal: Principal, form_id: UUID, data: CouncilIn) -> None:
    """The class council's answer to each wish, and in the final phase its own proposal, while the
    family may still reply to it (`replies_until`)."""
    form = await school_form(principal.school_id, form_id)
    campaign = await campaign_by_id(principal.school_id, form["campaign_id"])
    today = await school_today(principal.school_id)
    if data.proposal is not None and campaign["service"] != "orientation_final":
        raise ApiError(400, "no_proposal", "Le conseil de classe ne fait de proposition qu'en phase définitive.")
    proposal = checked_wish(campaign["level"], data.proposal) if data.proposal else None
    sid = principal.school_id
    answers = {answer.wish_id: answer for answer in data.answers}

    async def write_answers(_: dict) -> bool:
        current = await wishes_of(sid, form_id)
        family = [w for w in current if w["origin"] == "family"]
        if set(answers) != {w["id"] for w in family} or len(answers) != len(data.answers):
            raise ApiError(400, "answers_mismatch", "Donnez un avis sur chacun des vœux de la famille, une fois.")
        if not family and proposal is None:  # answered without wishes: the proposal is the whole answer
            raise ApiError(
                400,
                "proposal_required",
                "Aucun vœu n'a été transmis par la famille : indiquez la proposition du conseil.",
            )
        before = [(w["opinion"], w["comment"]) for w in family]
        before_proposal = [(w["track"], w["detail"], w["specialities"]) for w in current if w["origin"] == "council"]
        after_proposal = [proposal] if proposal else []
        if (
            before == [(answers[w["id"]].opinion, answers[w["id"]].comment.strip()) for w in family]
            and before_proposal == after_proposal
            and form["council_comment"] == data.comment.strip()
            and form["state"] == "answered"
        ):
            return False  # the same answer again
        campaigns.require_family_may_reply(campaign, today, TOO_LATE_TO_ANSWER)
        for wish in family:
            answer = answers[wish["id"]]
            await OrientationWish.update(
                {OrientationWish.opinion: answer.opinion, OrientationWish.comment: answer.comment.strip()}
            ).where((OrientationWish.school_id == sid) & (OrientationWish.id == wish["id"]))
        await replace_proposal(sid, form_id, proposal)
        return True

    subject = "Téléservices : orientation"
    changed = await move(
        ORIENTATION,
        principal,
        form_id,
        "answer",
        MOVES["answer"],
        message=data.comment.strip(),
        client_id=data.client_id,
        values={"council_comment": data.comment.strip(), "answered_at": now()},
        within=write_answers,
        announce=push_guardians(subject),
    )
    if changed:
        card = await student_card(sid, form["student_id"])
        text = (
            f"Le conseil de classe a répondu à la fiche dialogue de {card.first_name}. Connectez-vous à "
            "Cartable, rubrique Téléservices, pour lire sa réponse et y répondre."
        )
        await email_guardians(sid, card.id, subject, text)


def _wish_out(row: dict) -> WishOut:
    return WishOut(
        id=row["id"],
        origin=row["origin"],
        rank=row["rank"],
        track=row["track"],
        detail=row["detail"],
        specialities=list(row["specialities"] or []),
        label=wish_label(row["track"], row["detail"], list(row["specialities"] or [])),
        opinion=row["opinion"],
        opinion_label=OPINIONS.get(row["opinion"], ""),
        comment=row["comment"],
    )


def _actions(row: dict, viewer: Principal, window_open: bool, replies_open: bool, has_wishes: bool) -> list[str]:
    state = row["state"]
    if viewer.role in ("staff", "admin"):
        return ["answer"] if state in MOVES["answer"].sources and replies_open else []
    actions = []
    if state in EDITABLE and window_open:
        actions.append("edit")
    if state == "draft" and window_open and has_wishes:
        actions.append("submit")
    if state == "answered" and replies_open:
        actions += ["accept", "decline"]
    return actions


async def orientation_out(viewer: Principal, row: dict) -> OrientationOut:
    sid = viewer.school_id
    campaign, shown, today = await shown_campaign(sid, row["campaign_id"])
    wishes = [_wish_out(w) for w in await wishes_of(sid, row["id"])]
    family = [w for w in wishes if w.origin == "family"]
    # Wishes never sent are the family's own: the school does not read them (visibility.py).
    unsent = [w for w in wishes if w.origin == "unsent"] if viewer.role not in ("staff", "admin") else []
    responder = (await people(sid, [row["responded_by_id"]])).get(row["responded_by_id"])
    return OrientationOut(
        id=row["id"],
        campaign=shown,
        student=await student_card(sid, row["student_id"]),
        state=row["state"],
        state_label=ORIENTATION_STATES[row["state"]],
        wishes=family,
        proposal=next((w for w in wishes if w.origin == "council"), None),
        unsent_wishes=unsent,
        council_comment=row["council_comment"],
        answered_at=row["answered_at"],
        responded_by=responder.name if responder else "",
        responded_at=row["responded_at"],
        response_comment=row["response_comment"],
        meeting_requested=row["meeting_requested"],
        history=await history(ORIENTATION, sid, row["id"]),
        actions=_actions(row, viewer, shown.window.status == "open", today <= campaign["replies_until"], bool(family)),
        updated_at=row["updated_at"],
    )
