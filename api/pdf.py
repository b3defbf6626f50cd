"""The one way to print a PDF (fpdf2, core fonts) and to send it as a download.

pdf = a4_document()
pdf.cell(0, 8, latin1("Relevé"))
return pdf_response(bytes(pdf.output()), "releve.pdf")
"""

from __future__ import annotations

from fpdf import FPDF
from litestar import Response

from api.attachments import content_disposition


def latin1(text: str) -> str:
    # The PDF core fonts are Latin-1: "œ", dashes and typographic quotes are not in it.
    for wide, narrow in (("œ", "oe"), ("Œ", "OE"), ("’", "'"), ("…", "..."), ("—", "-"), ("–", "-")):
        text = text.replace(wide, narrow)
    return text.encode("latin-1", "replace").decode("latin-1")


def a4_document(margin: float = 15) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=margin)
    return pdf


def pdf_response(content: bytes, filename: str) -> Response:
    return Response(
        content, media_type="application/pdf", headers={"Content-Disposition": content_disposition(filename)}
    )
