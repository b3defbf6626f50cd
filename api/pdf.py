"""The one way to print a PDF (fpdf2) and to send it as a download.

pdf = a4_document(unicode=True)      # Noto Sans embedded (subset): every name prints as written
pdf.set_font(FONT, "B", 12)
pdf.cell(0, 8, "Nguyễn Thị Łukasz")
return pdf_response(bytes(pdf.output()), "releve.pdf")

Without `unicode=True` only the PDF core fonts (Helvetica, Courier) are there: Latin-1, through `latin1()`.

The Noto Sans faces come from the `pymupdf-fonts` package (PyMuPDF's font collection, as Python
modules): fpdf2 reads a font from a file, so each face is written once to `.data/fonts/`, named by its
content's hash (a font upgrade gets a new file, concurrent processes write the same bytes).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from functools import cache
from pathlib import Path

import pymupdf_fonts
from fpdf import FPDF
from litestar import Response

from api.attachments import content_disposition

# The family `a4_document(unicode=True)` adds, in the styles printouts use (not bold italic: each face is
# read and embedded in every document).
FONT = "NotoSans"
_FACES = {"": "notos", "B": "notosbo", "I": "notosit"}
FONT_DIR = Path(__file__).resolve().parent.parent / ".data" / "fonts"

# fontTools says it drops Noto's ttfautohint table (TTFA) each time fpdf2 subsets a face: harmless.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


def latin1(text: str) -> str:
    # The PDF core fonts are Latin-1: "œ", dashes and typographic quotes are not in it.
    for wide, narrow in (("œ", "oe"), ("Œ", "OE"), ("’", "'"), ("…", "..."), ("—", "-"), ("–", "-")):
        text = text.replace(wide, narrow)
    return text.encode("latin-1", "replace").decode("latin-1")


@cache
def font_file(style: str) -> Path:
    """The TrueType file of a Noto Sans face ("", "B" or "I"), written once per font version."""
    content = pymupdf_fonts.myfont(_FACES[style])
    path = FONT_DIR / f"{FONT}-{style or 'R'}-{hashlib.sha256(content).hexdigest()[:16]}.ttf"
    if not path.is_file() or path.stat().st_size != len(content):
        FONT_DIR.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{secrets.token_hex(8)}.part")
        temporary.write_bytes(content)
        temporary.replace(path)
    return path


def a4_document(margin: float = 15, *, unicode: bool = False) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=margin)
    if unicode:
        for style in _FACES:
            pdf.add_font(FONT, style, font_file(style))
    return pdf


def pdf_response(content: bytes, filename: str) -> Response:
    return Response(
        content, media_type="application/pdf", headers={"Content-Disposition": content_disposition(filename)}
    )
