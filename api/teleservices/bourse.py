"""Bourse requests: brouillon → déposée → incomplète → complétée → accordée | refusée, or retirée.

One request per child and campaign, owned by the legal guardian who opened it; the child's other
guardians read it. The school asks for a piece, grants (the échelon's amount comes from the
year's scale) or refuses; the family is told through `notify_guardians`.
"""

from __future__ import annotations

from uuid import UUID

from api.auth.principal import Principal
from api.clock import now
from api.dates import school_today
from api.errors import ApiError
from api.notifications.notify import Notice, notify_guardians
from api.people import people, student_card
from api.teleservices import campaigns
from api.teleservices.campaigns import campaign_by_id, shown_campaign
from api.teleservices.catalogue import BOURSE_STATES, FAMILY_PAGE, SCALE_OF
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
from db.teleservices.tables import BoursePiece, BourseRequest, TeleserviceEvent

MOVES = {
    "file": Move(("draft",), "filed"),
    "complete": Move(("incomplete",), "completed"),
    "withdraw": Move(("draft", "filed", "incomplete", "completed"), "withdrawn"),
    "reopen": Move(("withdrawn",), "draft"),
    "request_piece": Move(("filed", "completed"), "incomplete"),
    "grant": Move(("filed", "completed"), "granted"),
    "refuse": Move(("filed", "completed"), "refused"),
}
PIECE_KINDS = {"tax_notice": "Avis d'imposition", "additional": "Pièce complémentaire"}
READ_ONLY = ApiError(
    403, "read_only", "Cette demande a été faite par un autre responsable légal : vous pouvez seulement la consulter."
)


def decision_text(row: dict) -> str:
    """The school's decision in a line: "Échelon 2 — 324 € par an", the reason of a refusal, or ""."""
    if row["state"] == "granted":
        return f"Échelon {row['echelon']} — {euros(row['yearly_amount_cents'] or 0)} par an"
    return row["decision_reason"] if row["state"] == "refused" else ""


async def request_row(school_id: UUID, request_id: UUID) -> dict:
    return await find(BOURSE, school_id, request_id)


async def family_request(principal: Principal, request_id: UUID, *, owner: bool = False) -> dict:
    """The request, if the principal is a guardian of its student (and, with `owner`, the one who filed it)."""
    row = await find_for_family(BOURSE, principal, request_id)
    if owner and row["filed_by_id"] != principal.user_id:
        raise READ_ONLY
    return row


async def open_request(principal: Principal, data: OpenRequest) -> UUID:
    """The child's request for this campaign: the existing one, or a new draft owned by the principal."""
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
            & (BourseRequest.state == "draft")  # in the same statement: a request filed meanwhile stays as filed
        )
        .returning(BourseRequest.id)
    )
    if not changed:
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
    row = await family_request(principal, request_id, owner=True)
    campaign = await campaign_by_id(principal.school_id, row["campaign_id"])
    today = await school_today(principal.school_id)
    sid = principal.school_id

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

    checks = {"file": ready_to_file, "complete": piece_sent, "reopen": still_open}
    await move(
        BOURSE,
        principal,
        request_id,
        data.action,
        MOVES[data.action],
        message=data.message.strip(),
        client_id=data.client_id,
        within=checks.get(data.action),
    )


NOTICES = {
    "request_piece": "L'établissement demande une pièce pour la demande de bourse de {name}.",
    "grant": "La demande de bourse de {name} a reçu une réponse de l'établissement.",
    "refuse": "La demande de bourse de {name} a reçu une réponse de l'établissement.",
}


async def school_action(principal: Principal, request_id: UUID, data: SchoolBourseAction) -> None:
    row = await request_row(principal.school_id, request_id)
    action = type(data).__struct_config__.tag  # request_piece | grant | refuse
    message = (data.reason if isinstance(data, Refuse) else data.message).strip()
    values: dict = {}
    if isinstance(data, Grant):
        campaign = await campaign_by_id(principal.school_id, row["campaign_id"])
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
    )
    if changed:
        card = await student_card(principal.school_id, row["student_id"])
        text = NOTICES[action].format(name=card.first_name)
        await notify_guardians(
            Notice(
                principal.school_id,
                "Téléservices : demande de bourse",
                text + " Connectez-vous à Cartable, rubrique Téléservices, pour la consulter.",
                FAMILY_PAGE,
            ),
            card.id,
        )


def _actions(row: dict, viewer: Principal, window_open: bool, replies_open: bool) -> list[str]:
    state = row["state"]
    if viewer.role in ("staff", "admin"):
        return ["request_piece", "grant", "refuse"] if state in ("filed", "completed") else []
    if row["filed_by_id"] != viewer.user_id:
        return []
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
