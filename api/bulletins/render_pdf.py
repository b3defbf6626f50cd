"""A bulletin printed by the server (fpdf2): one A4 page per student, as families keep it."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from fpdf.fonts import FontFace
from litestar import Response

from api.attachments import content_disposition
from api.bulletins.structs import Bulletin
from api.dates import french, school_today
from api.pdf import FONT, a4_document
from api.read_models import ConditionalResponse, etag_of

HEADER = ("Matière", "Moyenne", "Moy. classe", "Positionnement", "Appréciation du professeur")
WIDTHS = (38, 18, 18, 30, 86)


async def bulletin_download(school_id: UUID, bulletin: Bulletin) -> Response:
    """The bulletin as a download (printed today, the school's day, if not published). Its ETag is made
    from what it prints (the bulletin and that day): a 304 prints nothing."""
    filename = f"bulletin-{bulletin.period.name}-{bulletin.student}.pdf".replace(" ", "-")
    day = await school_today(school_id)
    return ConditionalResponse(
        lambda: bulletin_pdf(bulletin, day),
        etag=etag_of(msgspec.json.encode((bulletin, day))),
        media_type="application/pdf",
        headers={"Content-Disposition": content_disposition(filename)},
    )


def count(n: int, singular: str, plural: str) -> str:
    """A French count: 0 and 1 take the singular ("0 demi-journée", "1 retard"), 2 and more the plural."""
    return f"{n} {singular if n < 2 else plural}"


def attendance_line(seen) -> str:
    return (
        f"Absences : {count(seen.absent_half_days, 'demi-journée', 'demi-journées')}, dont "
        f"{count(seen.unjustified_half_days, 'non justifiée', 'non justifiées')} — "
        f"{count(seen.late, 'retard', 'retards')}"
    )


def _mark(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def bulletin_pdf(bulletin: Bulletin, printed_on: date) -> bytes:
    pdf = a4_document(unicode=True)  # names and appreciations in any Latin script, as written
    pdf.set_margins(10, 12, 10)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, bulletin.school, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.cell(0, 6, f"Bulletin — {bulletin.period.name} — année {bulletin.school_year}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, f"{bulletin.student} — {bulletin.class_name}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 9)
    heading = FontFace(emphasis="BOLD", fill_color=(226, 232, 240))
    with pdf.table(col_widths=WIDTHS, headings_style=heading, line_height=4.5, padding=1.2) as table:
        table.row(list(HEADER))
        for line in bulletin.subjects:
            teachers = f"\n{', '.join(line.teachers)}" if line.teachers else ""
            table.row(
                [
                    line.subject + teachers,
                    _mark(line.average),
                    _mark(line.class_average),
                    line.positioning_label or "",
                    line.appreciation,
                ]
            )
        table.row(["Moyenne générale", _mark(bulletin.general_average), _mark(bulletin.class_general_average), "", ""])
    pdf.ln(3)
    pdf.cell(0, 6, attendance_line(bulletin.attendance), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, "Appréciation générale du conseil de classe", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, bulletin.council_appreciation or "—", new_x="LMARGIN", new_y="NEXT")
    if bulletin.mention_label:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 7, f"Mention : {bulletin.mention_label}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "I", 8)
    # Published, it is the same document whenever it is printed (api/bulletins/frozen.py).
    when = f"Publié le {french(bulletin.visible_from)}" if bulletin.visible_from else f"Édité le {french(printed_on)}"
    pdf.cell(0, 5, f"{when} par Cartable.")
    return bytes(pdf.output())
