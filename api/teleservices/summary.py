"""A family's "Démarches": for each child, every téléservice of the school year that concerns them,
its dates, the state of the request and what the family has to do next.

This is the one read the PWA's "Démarches" screen needs (a list, badges, the school's last word, a
pending count); the desktop page starts from it too. It answers with a weak ETag (304 when unchanged),
as the family read models do, so a phone that already has it downloads nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec

from api.auth.principal import Principal
from api.clock import now
from api.dates import french, school_today
from api.people import StudentCard, children_of
from api.school_years import current_year
from api.teleservices.bourse import decision_text
from api.teleservices.campaigns import Window, concerns, title, window, year_campaigns
from api.teleservices.catalogue import BOURSE_SERVICES, STATE_LABELS
from db.teleservices.tables import BourseRequest, OrientationForm, TeleserviceEvent

# The school's moves whose message is meant for the family (which piece, the decision, the council).
SCHOOL_ACTIONS = ("request_piece", "grant", "refuse", "answer", "propose")


class PendingAction(msgspec.Struct):
    code: str  # file | send_piece | enter_wishes | answer
    label: str
    due_on: date


class Demarche(msgspec.Struct):
    campaign_id: UUID
    service: str
    title: str
    window: Window
    kind: str  # bourse | orientation: which endpoints serve the request
    request_id: UUID | None
    state: str | None
    state_label: str
    mine: bool  # a bourse the viewer holds (another guardian's may be taken over until filed, then read only)
    outcome: str  # a bourse's decision: "Échelon 2 — 324 € par an", a refusal's reason, or ""
    school_message: str  # the school's last message on the request ("" if none)
    pending: PendingAction | None
    updated_at: datetime | None


class ChildDemarches(msgspec.Struct):
    student: StudentCard
    demarches: list[Demarche]


class FamilySummary(msgspec.Struct):
    school_year: str
    children: list[ChildDemarches]
    pending_count: int
    generated_at: datetime


def _pending(kind: str, request: dict | None, campaign: dict, shown: Window, today: date, viewer: UUID):
    state = request["state"] if request else None
    is_open, replies_open = shown.status == "open", today <= campaign["replies_until"]
    closes, replies = campaign["closes_on"], campaign["replies_until"]
    if kind == "bourse":
        mine = request is None or request["filed_by_id"] == viewer
        if state in (None, "draft") and is_open:  # a draft nobody filed is every guardian's to finish
            label = f"Faire la demande de bourse avant le {french(closes)}"
            if not mine:
                label += " (un brouillon de l'autre responsable légal n'est pas déposé : vous pouvez le reprendre)"
            return PendingAction("file", label, closes)
        if mine and state == "incomplete" and replies_open:
            return PendingAction("send_piece", f"Envoyer la pièce demandée avant le {french(replies)}", replies)
        return None
    if state in (None, "draft") and is_open:
        return PendingAction("enter_wishes", f"Saisir et transmettre les vœux avant le {french(closes)}", closes)
    if state == "answered" and replies_open:
        return PendingAction(
            "answer", f"Lire la réponse du conseil de classe et y répondre avant le {french(replies)}", replies
        )
    return None


async def _requests(table, school_id: UUID, campaign_ids: list[UUID], student_ids: list[UUID]) -> dict:
    if not campaign_ids or not student_ids:
        return {}
    rows = await table.select().where(
        (table.school_id == school_id) & table.campaign_id.is_in(campaign_ids) & table.student_id.is_in(student_ids)
    )
    return {(row["campaign_id"], row["student_id"]): row for row in rows}


_SCHOOL_MESSAGES = """
SELECT coalesce(bourse_request_id, orientation_form_id) AS request_id, message FROM teleservice_event
WHERE school_id = {} AND action = ANY({}) AND message <> ''
  AND (bourse_request_id = ANY({}) OR orientation_form_id = ANY({}))
ORDER BY created_at
"""


async def _school_messages(school_id: UUID, request_ids: list[UUID]) -> dict[UUID, str]:
    """Per request (bourse or fiche dialogue): the last message the school wrote on it."""
    if not request_ids:
        return {}
    rows = await TeleserviceEvent.raw(_SCHOOL_MESSAGES, school_id, list(SCHOOL_ACTIONS), request_ids, request_ids)
    return {row["request_id"]: row["message"] for row in rows}


async def family_summary(principal: Principal) -> FamilySummary:
    sid = principal.school_id
    year = await current_year(sid)
    today = await school_today(sid)
    children = await children_of(principal)
    campaign_rows = await year_campaigns(sid, year["id"])
    ids = [c["id"] for c in campaign_rows]
    student_ids = [child.id for child in children]
    bourses = await _requests(BourseRequest, sid, ids, student_ids)
    forms = await _requests(OrientationForm, sid, ids, student_ids)
    messages = await _school_messages(sid, [row["id"] for row in (*bourses.values(), *forms.values())])
    out, pending_count = [], 0
    for child in children:
        demarches = []
        for campaign in campaign_rows:
            if not concerns(campaign, child.level):
                continue
            kind = "bourse" if campaign["service"] in BOURSE_SERVICES else "orientation"
            request = (bourses if kind == "bourse" else forms).get((campaign["id"], child.id))
            shown = window(campaign, today)
            pending = _pending(kind, request, campaign, shown, today, principal.user_id)
            pending_count += pending is not None
            demarches.append(
                Demarche(
                    campaign_id=campaign["id"],
                    service=campaign["service"],
                    title=title(campaign),
                    window=shown,
                    kind=kind,
                    request_id=request["id"] if request else None,
                    state=request["state"] if request else None,
                    state_label=STATE_LABELS[kind][request["state"]] if request else "Aucune demande",
                    mine=bool(request) and request.get("filed_by_id") == principal.user_id,
                    outcome=decision_text(request) if request and kind == "bourse" else "",
                    school_message=messages.get(request["id"], "") if request else "",
                    pending=pending,
                    updated_at=request["updated_at"] if request else None,
                )
            )
        out.append(ChildDemarches(student=child, demarches=demarches))
    return FamilySummary(school_year=year["label"], children=out, pending_count=pending_count, generated_at=now())
