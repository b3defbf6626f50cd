"""What the school takes out of the téléservices: CSV files for the spreadsheet and the académie's
tools, and a printable summary per class (PDF, like the activation letters).

GET /api/school/teleservices/exports/bourses.csv                 granted bourses of the school year
GET /api/school/teleservices/exports/orientation.csv?class_id=   orientation results, by class
GET /api/school/teleservices/classes/{class_id}/summary.pdf      every student of a class and their requests

A request the family has not sent (a draft) is in none of them, nor the wishes a family saved and never
sent (visibility.py). The orientation file has a line for every student of a final phase's level: those
whose family sent no wishes read "Aucun vœu transmis", as in the school's list (orientation_proposal.py).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from uuid import UUID

from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery

from api.auth.principal import Principal, principal_with_roles
from api.dates import french, school_today, school_zone
from api.errors import ApiError
from api.openapi import errors
from api.pdf import a4_document, latin1, pdf_response
from api.people import StudentCard, people, student_cards
from api.school_years import current_year
from api.teleservices import orientation_proposal
from api.teleservices.campaigns import title, year_campaigns
from api.teleservices.catalogue import (
    BOURSE_SERVICES,
    MAX_WISHES,
    NO_WISHES_LABEL,
    OPINIONS,
    ORIENTATION_SERVICES,
    STATE_LABELS,
    wish_label,
)
from api.teleservices.scale import euros
from api.teleservices.visibility import school_bourses, school_forms
from api.timetable.school_service import students_of
from db.core.tables import School, SchoolClass
from db.teleservices.tables import BourseRequest, OrientationForm, OrientationWish

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ORIENTATION_HEADER = [
    "Classe",
    "Nom",
    "Prénom",
    "Phase",
    "État",
    *(f"{column} {rank}" for rank in range(1, MAX_WISHES + 1) for column in ("Vœu", "Avis sur le vœu")),
    "Proposition du conseil",
    "Réponse de",
    "Répondu le",
    "Rendez-vous demandé",
]


def _cell(value) -> str:
    """A spreadsheet cell that can never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header: list[str], rows: list[list], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_cell(value) for value in row] for row in rows])
    return Response(
        "\ufeff" + buffer.getvalue(),  # the BOM lets French spreadsheets read UTF-8
        media_type="text/csv",  # Litestar adds `; charset=utf-8`
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _year_requests(school_id: UUID, services: tuple[str, ...], table, student_ids=None) -> tuple[dict, list]:
    """(campaigns by id, requests) of the current school year for these services."""
    year = await current_year(school_id)
    chosen = {c["id"]: c for c in await year_campaigns(school_id, year["id"]) if c["service"] in services}
    if not chosen or student_ids == []:
        return chosen, []
    where = (table.school_id == school_id) & table.campaign_id.is_in(list(chosen))
    if student_ids is not None:
        where = where & table.student_id.is_in(student_ids)
    return chosen, await table.select().where(where)


def _by_student(cards: dict[UUID, StudentCard], rows: list[dict]) -> list[dict]:
    shown = [row for row in rows if row["student_id"] in cards]
    return sorted(shown, key=lambda r: (cards[r["student_id"]].class_name, cards[r["student_id"]].last_name))


async def _wishes_of(school_id: UUID, form_ids: list[UUID]) -> dict[UUID, list[dict]]:
    found: dict[UUID, list[dict]] = {form_id: [] for form_id in form_ids}
    if form_ids:
        rows = await OrientationWish.select().where(
            (OrientationWish.school_id == school_id)
            & OrientationWish.form_id.is_in(form_ids)
            & (OrientationWish.origin != "unsent")  # saved, never sent: the family's own
        )
        for row in sorted(rows, key=lambda r: (r["origin"], r["rank"])):
            found[row["form_id"]].append(row)
    return found


def _label(wish: dict) -> str:
    return wish_label(wish["track"], wish["detail"], wish["specialities"] or [])


class TeleserviceExportsController(Controller):
    path = "/api/school/teleservices"
    tags = ["téléservices (établissement)"]
    dependencies = {"principal": Provide(principal_with_roles("staff", "admin"))}

    @get(
        "/exports/bourses.csv",
        summary="Granted bourses of the school year (CSV)",
        responses=errors(404),
        media_type="text/csv",
    )
    async def bourses_csv(self, principal: NamedDependency[Principal]) -> Response:
        sid = principal.school_id
        chosen, rows = await _year_requests(sid, BOURSE_SERVICES, BourseRequest)
        granted = [row for row in rows if row["state"] == "granted"]
        cards = await student_cards(sid, [row["student_id"] for row in granted])
        filers = await people(sid, [row["filed_by_id"] for row in granted])
        zone = await school_zone(sid)
        lines = [
            [
                cards[r["student_id"]].class_name,
                cards[r["student_id"]].last_name,
                cards[r["student_id"]].first_name,
                title(chosen[r["campaign_id"]]),
                r["echelon"],
                f"{(r['yearly_amount_cents'] or 0) / 100:.2f}".replace(".", ","),
                r["updated_at"].astimezone(zone).strftime("%d/%m/%Y"),
                filers[r["filed_by_id"]].name if r["filed_by_id"] in filers else "",
            ]
            for r in _by_student(cards, granted)
        ]
        header = ["Classe", "Nom", "Prénom", "Bourse", "Échelon", "Montant annuel (€)", "Accordée le", "Demandeur"]
        return _csv(header, lines, "bourses-accordees.csv")

    @get(
        "/exports/orientation.csv",
        summary="Orientation results by class (CSV)",
        responses=errors(404),
        media_type="text/csv",
    )
    async def orientation_csv(
        self, principal: NamedDependency[Principal], class_id: FromQuery[UUID | None] = None
    ) -> Response:
        sid = principal.school_id
        chosen, rows = await _year_requests(sid, ORIENTATION_SERVICES, OrientationForm)
        rows = school_forms(rows)  # wishes not sent yet are the family's
        zone, today = await school_zone(sid), await school_today(sid)
        missing = await orientation_proposal.students_without_wishes(sid, list(chosen.values()), today)
        cards = await student_cards(sid, [row["student_id"] for row in rows] + [student for _, student in missing])
        cards = {k: v for k, v in cards.items() if class_id in (None, v.class_id)}
        wishes = await _wishes_of(sid, [row["id"] for row in rows])
        responders = await people(sid, [row["responded_by_id"] for row in rows])
        lines = []
        for r in (row for row in rows if row["student_id"] in cards):
            family = [w for w in wishes[r["id"]] if w["origin"] == "family"]
            proposal = next((_label(w) for w in wishes[r["id"]] if w["origin"] == "council"), "")
            cells = []
            for rank in range(MAX_WISHES):
                wish = family[rank] if rank < len(family) else None
                cells += [_label(wish), OPINIONS.get(wish["opinion"], "")] if wish else ["", ""]
            card = cards[r["student_id"]]
            responder = responders.get(r["responded_by_id"])
            lines.append(
                [card.class_name, card.last_name, card.first_name, title(chosen[r["campaign_id"]])]
                + [STATE_LABELS["orientation"][r["state"]], *cells, proposal]
                + [
                    responder.name if responder else "",
                    r["responded_at"].astimezone(zone).strftime("%d/%m/%Y") if r["responded_at"] else "",
                    "Oui" if r["meeting_requested"] else "",
                ]
            )
        for campaign, student in missing:
            if student in cards:
                card = cards[student]
                no_wishes = [card.class_name, card.last_name, card.first_name, title(campaign), NO_WISHES_LABEL]
                lines.append(no_wishes + [""] * (len(ORIENTATION_HEADER) - len(no_wishes)))
        lines.sort(key=lambda line: line[:3])  # class, last name, first name
        return _csv(ORIENTATION_HEADER, lines, "orientation.csv")

    @get(
        "/classes/{class_id:uuid}/summary.pdf",
        summary="Printable summary of a class's téléservices (PDF)",
        responses=errors(404),
        media_type="application/pdf",
    )
    async def class_summary(self, principal: NamedDependency[Principal], class_id: FromPath[UUID]) -> Response:
        sid = principal.school_id
        school_class = (
            await SchoolClass.select(SchoolClass.name)
            .where((SchoolClass.school_id == sid) & (SchoolClass.id == class_id))
            .first()
        )
        if school_class is None:
            raise ApiError(404, "not_found", "Classe introuvable.")
        student_ids = [s["id"] for s in await students_of(sid, class_id, None)]
        cards = await student_cards(sid, student_ids)
        bourse_campaigns, bourses = await _year_requests(sid, BOURSE_SERVICES, BourseRequest, student_ids)
        form_campaigns, forms = await _year_requests(sid, ORIENTATION_SERVICES, OrientationForm, student_ids)
        bourses, forms = await school_bourses(sid, bourses), school_forms(forms)  # not the families' drafts
        wishes = await _wishes_of(sid, [row["id"] for row in forms])
        school = await School.select(School.name).where(School.id == sid).first()
        year = await current_year(sid)
        pdf = class_summary_pdf(
            f"{school['name']} — {school_class['name']} — {year['label']}",
            sorted(cards.values(), key=lambda c: (c.last_name, c.first_name)),
            {**bourse_campaigns, **form_campaigns},
            bourses + forms,
            wishes,
            await school_today(sid),
        )
        return pdf_response(pdf, f"teleservices-{class_id}.pdf")


def _request_text(campaign: dict, row: dict, wishes: list[dict]) -> str:
    kind = "bourse" if campaign["service"] in BOURSE_SERVICES else "orientation"
    text = f"{title(campaign)} : {STATE_LABELS[kind][row['state']]}"
    if kind == "bourse" and row["state"] == "granted":
        text += f", échelon {row['echelon']} ({euros(row['yearly_amount_cents'] or 0)} par an)"
    if kind == "orientation":
        for wish in wishes:
            prefix = "proposition du conseil" if wish["origin"] == "council" else f"vœu {wish['rank']}"
            opinion = f" ({OPINIONS[wish['opinion']].lower()})" if wish["opinion"] else ""
            text += f"\n    {prefix} : {_label(wish)}{opinion}"
    return text


def class_summary_pdf(
    heading: str, students: list[StudentCard], campaigns: dict, requests: list[dict], wishes: dict, printed_on: date
) -> bytes:
    pdf = a4_document()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, latin1(f"Téléservices — {heading}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 6, latin1("Document interne à l'établissement."), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    by_student: dict[UUID, list[dict]] = {}
    for row in sorted(requests, key=lambda r: campaigns[r["campaign_id"]]["opens_on"]):
        by_student.setdefault(row["student_id"], []).append(row)
    for student in students:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, latin1(f"{student.last_name} {student.first_name}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        rows = by_student.get(student.id, [])
        if not rows:
            pdf.cell(0, 6, latin1("  Aucune demande."), new_x="LMARGIN", new_y="NEXT")
        for row in rows:
            text = _request_text(campaigns[row["campaign_id"]], row, wishes.get(row["id"], []))
            pdf.multi_cell(0, 5, latin1("  " + text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.set_font("Helvetica", "I", 8)
    pdf.cell(0, 6, latin1(f"Édité le {french(printed_on)}"))
    return bytes(pdf.output())


ROUTES = [TeleserviceExportsController]
