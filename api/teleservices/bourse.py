"""Bourse requests: brouillon → déposée → incomplète → complétée → accordée | refusée, or retirée.

One request per child and campaign, held by one legal guardian (`filed_by_id`): a draft is its
author's until it is filed; while it is not filed (a draft, or a request withdrawn) another guardian
of the child may take it over (`take_over`, an event like any move): the form and pieces of the
previous holder, which describe that household, are wiped, and the draft is the new holder's. Once
filed, the filer's request is the family's: the other guardians read it, without the household's
resources. Who holds the request is checked again under the row lock of each move. The school asks
for a piece, grants (the échelon's amount comes from the year's scale) or refuses; the family is told
(`notices.py`: a push in the decision's transaction, an e-mail after it).
"""

from __future__ import annotations

from uuid import UUID

from api.attachments import remove_stored
from api.auth.principal import Principal
from api.clock import now
from api.dates import school_today
from api.errors import ApiError
from api.people import people, student_card
from api.teleservices import campaigns
from api.teleservices.campaigns import campaign_by_id, school_year, shown_campaign
from api.teleservices.catalogue import BOURSE_STATES, SCALE_OF, tax_notice
from api.teleservices.notices import email_guardians, push_guardians
from api.teleservices.requests import BOURSE, Move, find, find_for_family, history, move, open_or_get
from api.teleservices.scale import amount_of, euros, load_scale, simulate
from api.teleservices.structs import (
    BourseForm,
    BourseOut,
    FamilyBourseAction,
    Grant,
    OpenRequest,
    PieceOut,
    Refuse,
    SchoolBourseAction,
)
from api.teleservices.visibility import school_bourse
from db.teleservices.tables import BoursePiece, BourseRequest, TeleserviceEvent

MOVES = {
    "file": Move(("draft",), "filed"),
    "complete": Move(("incomplete",), "completed"),
    "withdraw": Move(("draft", "filed", "incomplete", "completed"), "withdrawn"),
    "reopen": Move(("withdrawn",), "draft"),
    "take_over": Move(("draft", "withdrawn"), "draft"),  # by another guardian than the holder
    "request_piece": Move(("filed", "completed"), "incomplete"),
    "grant": Move(("filed", "completed"), "granted"),
    # An incomplete request may be refused: the piece asked for may never come (the reply date passes).
    "refuse": Move(("filed", "incomplete", "completed"), "refused"),
}
PIECE_KINDS = {"tax_notice": "Avis d'imposition", "additional": "Pièce complémentaire"}
# A request nobody has filed yet (or withdrawn): another guardian may take it over.
NOT_FILED = ("draft", "withdrawn")


def read_only(row: dict) -> ApiError:
    """The refusal a guardian gets acting on a request another guardian holds."""
    if row["state"] in NOT_FILED:
        message = (
            "Cette demande est au nom d'un autre responsable légal et n'est pas déposée : "
            "reprenez-la à votre nom pour la compléter."
        )
    else:
        message = "Cette demande a été déposée par un autre responsable légal : vous pouvez seulement la consulter."
    return ApiError(403, "read_only", message, details={"state": row["state"]})


def require_holder(principal: Principal, row: dict) -> None:
    if row["filed_by_id"] != principal.user_id:
        raise read_only(row)


def decision_text(row: dict) -> str:
    """The school's decision in a line: "Échelon 2 — 324 € par an", the reason of a refusal, or ""."""
    if row["state"] == "granted":
        return f"Échelon {row['echelon']} — {euros(row['yearly_amount_cents'] or 0)} par an"
    return row["decision_reason"] if row["state"] == "refused" else ""


async def request_row(school_id: UUID, request_id: UUID) -> dict:
    return await find(BOURSE, school_id, request_id)


async def family_request(principal: Principal, request_id: UUID, *, owner: bool = False) -> dict:
    """The request, if the principal is a guardian of its student (and, with `owner`, the one who holds it).

    The holder check here answers early; a write checks it again under the row lock."""
    row = await find_for_family(BOURSE, principal, request_id)
    if owner:
        require_holder(principal, row)
    return row


async def lock_request(school_id: UUID, request_id: UUID) -> dict:
    """The request's row, locked until the caller's transaction ends (pieces and moves take turns)."""
    return await (
        BourseRequest.select()
        .where((BourseRequest.school_id == school_id) & (BourseRequest.id == request_id))
        .lock_rows()
        .first()
    )


async def open_request(principal: Principal, data: OpenRequest) -> UUID:
    """The child's request for this campaign: the existing one (whoever holds it), or a new draft of the principal's."""
    return await open_or_get(BOURSE, principal, data.campaign_id, data.student_id, filed_by_id=principal.user_id)


async def save_form(principal: Principal, request_id: UUID, form: BourseForm) -> None:
    row = await family_request(principal, request_id, owner=True)
    campaign = await campaign_by_id(principal.school_id, row["campaign_id"])
    campaigns.require_open(campaign, await school_today(principal.school_id))
    changed = await (
        BourseRequest.update(
            {
                BourseRequest.dependent_children: form.dependent_children,
                BourseRequest.reference_income: form.reference_income,
                BourseRequest.sworn_statement: form.sworn_statement,
                BourseRequest.updated_at: now(),
            }
        )
        .where(
            (BourseRequest.school_id == principal.school_id)
            & (BourseRequest.id == request_id)
            # In the same statement: a request filed or taken over meanwhile stays as it is.
            & (BourseRequest.state == "draft")
            & (BourseRequest.filed_by_id == principal.user_id)
        )
        .returning(BourseRequest.id)
    )
    if not changed:
        require_holder(principal, await request_row(principal.school_id, request_id))
        raise ApiError(409, "not_editable", "La demande a été déposée : elle ne peut plus être modifiée.")


async def pieces(school_id: UUID, request_id: UUID) -> list[dict]:
    return (
        await BoursePiece.select()
        .where((BoursePiece.school_id == school_id) & (BoursePiece.request_id == request_id))
        .order_by(BoursePiece.created_at)
    )


async def _last_piece_request(school_id: UUID, request_id: UUID) -> dict | None:
    return (
        await TeleserviceEvent.select(TeleserviceEvent.message, TeleserviceEvent.created_at)
        .where(
            (TeleserviceEvent.school_id == school_id)
            & (TeleserviceEvent.bourse_request_id == request_id)
            & (TeleserviceEvent.action == "request_piece")
        )
        .order_by(TeleserviceEvent.created_at, ascending=False)
        .first()
    )


async def family_action(principal: Principal, request_id: UUID, data: FamilyBourseAction) -> None:
    taking_over = data.action == "take_over"
    row = await family_request(principal, request_id, owner=not taking_over)
    campaign = await campaign_by_id(principal.school_id, row["campaign_id"])
    today = await school_today(principal.school_id)
    sid = principal.school_id
    wiped: list[str] = []  # the previous holder's files, removed from disk once the take-over is committed

    async def ready_to_file(current: dict) -> None:
        campaigns.require_open(campaign, today)
        missing = [
            name
            for name, ok in (
                ("dependent_children", current["dependent_children"] is not None),
                ("reference_income", current["reference_income"] is not None),
                ("sworn_statement", current["sworn_statement"]),
                ("tax_notice", any(p["kind"] == "tax_notice" for p in await pieces(sid, request_id))),
            )
            if not ok
        ]
        if missing:
            raise ApiError(
                400,
                "incomplete_form",
                "Complétez le formulaire, cochez l'attestation sur l'honneur et joignez l'avis d'imposition.",
                details={"missing": missing},
            )

    async def piece_sent(_: dict) -> None:
        campaigns.require_replies_open(campaign, today)
        asked = await _last_piece_request(sid, request_id)
        if asked is None or not any(p["created_at"] > asked["created_at"] for p in await pieces(sid, request_id)):
            raise ApiError(400, "piece_missing", "Joignez d'abord la pièce demandée par l'établissement.")

    async def still_open(_: dict) -> None:
        campaigns.require_open(campaign, today)

    async def take_over(current: dict) -> bool:
        campaigns.require_open(campaign, today)
        if current["filed_by_id"] == principal.user_id:
            if current["state"] == "draft":
                return False  # already the principal's draft (a retry)
            raise ApiError(409, "already_yours", "Cette demande est déjà à votre nom : reprenez-la avec « Reprendre ».")
        where = (BoursePiece.school_id == sid) & (BoursePiece.request_id == request_id)
        wiped.extend(piece["storage_key"] for piece in await BoursePiece.select(BoursePiece.storage_key).where(where))
        await BoursePiece.delete().where(where)
        return True

    checks = {"file": ready_to_file, "complete": piece_sent, "reopen": still_open}

    async def as_holder(current: dict) -> None:
        require_holder(principal, current)  # again under the lock: the other guardian may have taken it over
        if data.action in checks:
            await checks[data.action](current)

    values = None
    if taking_over:  # the new holder starts from an empty form
        values = {"filed_by_id": principal.user_id, "dependent_children": None, "reference_income": None}
        values["sworn_statement"] = False
    changed = await move(
        BOURSE,
        principal,
        request_id,
        data.action,
        MOVES[data.action],
        message=data.message.strip(),
        client_id=data.client_id,
        values=values,
        within=take_over if taking_over else as_holder,
    )
    if changed:
        for key in wiped:
            remove_stored(sid, key)


NOTICES = {
    "request_piece": "L'établissement demande une pièce pour la demande de bourse de {name}.",
    "grant": "La demande de bourse de {name} a reçu une réponse de l'établissement.",
    "refuse": "La demande de bourse de {name} a reçu une réponse de l'établissement.",
}
SUBJECT = "Téléservices : demande de bourse"
READ_IT = " Connectez-vous à Cartable, rubrique Téléservices, pour la consulter."


BLANK = {
    "request_piece": ApiError(
        400, "empty_message", "Précisez la pièce demandée à la famille.", details={"message": "required"}
    ),
    "refuse": ApiError(400, "empty_reason", "Indiquez le motif du refus.", details={"reason": "required"}),
}
TOO_LATE_TO_ASK = (
    "la famille ne pourrait plus envoyer de pièce. Accordez ou refusez la demande, ou demandez à "
    "l'administrateur de reporter cette date (Campagnes)."
)


async def school_action(principal: Principal, request_id: UUID, data: SchoolBourseAction) -> None:
    action = type(data).__struct_config__.tag  # request_piece | grant | refuse
    message = (data.reason if isinstance(data, Refuse) else data.message).strip()
    if action in BLANK and not message:
        raise BLANK[action]
    row = await school_bourse(principal.school_id, request_id)
    campaign = await campaign_by_id(principal.school_id, row["campaign_id"])
    today = await school_today(principal.school_id)
    values: dict = {}

    async def family_may_reply(_: dict) -> None:
        campaigns.require_family_may_reply(campaign, today, TOO_LATE_TO_ASK)

    if isinstance(data, Grant):
        scale = await load_scale(principal.school_id, campaign["school_year_id"], SCALE_OF[campaign["service"]])
        amount = amount_of(scale, data.echelon)
        if amount is None:
            raise ApiError(400, "unknown_echelon", f"L'échelon {data.echelon} n'existe pas dans le barème de l'année.")
        values = {"echelon": data.echelon, "yearly_amount_cents": amount, "decision_reason": ""}
    elif isinstance(data, Refuse):
        values = {"decision_reason": message}
    changed = await move(
        BOURSE,
        principal,
        request_id,
        action,
        MOVES[action],
        message=message,
        client_id=data.client_id,
        values=values,
        within=family_may_reply if action == "request_piece" else None,
        announce=push_guardians(SUBJECT),
    )
    if changed:
        card = await student_card(principal.school_id, row["student_id"])
        text = NOTICES[action].format(name=card.first_name) + READ_IT
        await email_guardians(principal.school_id, card.id, SUBJECT, text)


def _actions(row: dict, viewer: Principal, window_open: bool, replies_open: bool) -> list[str]:
    state = row["state"]
    if viewer.role in ("staff", "admin"):
        asking = ["request_piece"] if replies_open and state in MOVES["request_piece"].sources else []
        return asking + [action for action in ("grant", "refuse") if state in MOVES[action].sources]
    if row["filed_by_id"] != viewer.user_id:
        return ["take_over"] if state in NOT_FILED and window_open else []
    actions = []
    if state == "draft" and window_open:
        actions += ["edit", "upload", "file"]
    if state == "incomplete" and replies_open:
        actions += ["upload", "complete"]
    if state in MOVES["withdraw"].sources:
        actions.append("withdraw")
    if state == "withdrawn" and window_open:
        actions.append("reopen")
    return actions


async def bourse_out(viewer: Principal, row: dict) -> BourseOut:
    sid = viewer.school_id
    campaign, shown, today = await shown_campaign(sid, row["campaign_id"])
    details = viewer.role in ("staff", "admin") or row["filed_by_id"] == viewer.user_id
    simulation = None
    if details and row["dependent_children"] is not None and row["reference_income"] is not None:
        scale = await load_scale(sid, campaign["school_year_id"], SCALE_OF[campaign["service"]])
        simulation = simulate(scale, row["dependent_children"], row["reference_income"])
    asked = await _last_piece_request(sid, row["id"]) if row["state"] == "incomplete" else None
    filer = (await people(sid, [row["filed_by_id"]])).get(row["filed_by_id"])
    url = f"/api/teleservices/bourses/{row['id']}/pieces/"
    return BourseOut(
        id=row["id"],
        campaign=shown,
        student=await student_card(sid, row["student_id"]),
        state=row["state"],
        state_label=BOURSE_STATES[row["state"]],
        filed_by=filer.name if filer else "",
        mine=row["filed_by_id"] == viewer.user_id,
        details_visible=details,
        tax_notice=tax_notice((await school_year(sid, campaign["school_year_id"]))["starts_on"]),
        dependent_children=row["dependent_children"] if details else None,
        reference_income=row["reference_income"] if details else None,
        sworn_statement=row["sworn_statement"],
        simulation=simulation,
        echelon=row["echelon"],
        yearly_amount_cents=row["yearly_amount_cents"],
        decision_reason=row["decision_reason"],
        school_message=asked["message"] if asked else "",
        pieces=[
            PieceOut(
                id=p["id"],
                kind=p["kind"],
                kind_label=PIECE_KINDS[p["kind"]],
                filename=p["filename"],
                content_type=p["content_type"],
                size_bytes=p["size_bytes"],
                uploaded_at=p["created_at"],
                url=url + str(p["id"]),
            )
            for p in (await pieces(sid, row["id"]) if details else [])
        ],
        history=await history(BOURSE, sid, row["id"]),
        actions=_actions(row, viewer, shown.window.status == "open", today <= campaign["replies_until"]),
        updated_at=row["updated_at"],
    )
