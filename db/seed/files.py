"""Files the demo shows (a tax notice, a handed-in copy): small generated PDFs written to the
attachment store under each row's key, the same bytes on every run, so they can be downloaded."""

from __future__ import annotations

from fpdf import FPDF

from api.attachments import STORE
from db.seed import plan as p


def demo_pdf(title: str, text: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 12, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 7, text)
    return bytes(pdf.output())


def stored_pdf(plan: p.Plan, filename: str, content: bytes) -> dict:
    """The file columns of an upload row (api/attachments.StoredFile), the file written to the store."""
    key = f"demo-{plan.new_id().hex}"
    target = STORE / str(plan.school_id) / key
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return {"filename": filename, "content_type": "application/pdf", "size_bytes": len(content), "storage_key": key}
