"""Activation letters: for each student who has not signed in yet, a fresh temporary password
(from `secrets`, stored only as an argon2 hash, to be changed at first sign-in) printed with the
identifier, as a PDF (one page per student) or a printable HTML page.

Issuing letters again replaces the earlier temporary passwords: a lost letter is simply reprinted.
"""

from __future__ import annotations

import html
import secrets
from uuid import UUID

import msgspec

from api.accounts.identifiers import allocate_identifier
from api.auth.passwords import hash_password
from api.pdf import a4_document, latin1
from api.timetable.school_service import students_of
from db.core.tables import LoginIdentifier, School, SchoolClass, User

# No look-alike characters (0/O, 1/l/I): the password is typed from paper.
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LENGTH = 5, 5  # 25 characters from 55: about 144 bits


class Letter(msgspec.Struct):
    first_name: str
    last_name: str
    class_name: str
    identifier: str
    temporary_password: str


def temporary_password() -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))


async def issue_letters(school_id: UUID, class_id: UUID) -> tuple[str, list[Letter]]:
    """(school name, letters) for the students of a class who have not signed in yet."""
    school = await School.select(School.name).where(School.id == school_id).first()
    class_row = (
        await SchoolClass.select(SchoolClass.name)
        .where((SchoolClass.school_id == school_id) & (SchoolClass.id == class_id))
        .first()
    )
    letters = []
    for student in await students_of(school_id, class_id, None):
        user = await User.select().where((User.school_id == school_id) & (User.id == student["id"])).first()
        if user["first_login_done_at"] is not None or user["disabled"]:
            continue
        identifier = user["identifier"]
        if not identifier or not await LoginIdentifier.exists().where(LoginIdentifier.identifier == identifier):
            identifier = await allocate_identifier(school_id, user["id"], user["first_name"], user["last_name"])
        password = temporary_password()
        await User.update({User.password_hash: hash_password(password), User.must_change_password: True}).where(
            (User.school_id == school_id) & (User.id == user["id"])
        )
        letters.append(
            Letter(
                first_name=user["first_name"],
                last_name=user["last_name"],
                class_name=class_row["name"],
                identifier=identifier,
                temporary_password=password,
            )
        )
    return school["name"], letters


INSTRUCTIONS = [
    "Voici tes codes pour te connecter à Cartable, l'espace numérique de ton collège.",
    "1. Ouvre Cartable (sur ordinateur ou sur téléphone) et choisis « Élève ».",
    "2. Saisis ton identifiant et ton mot de passe provisoire, exactement comme écrits ci-dessous.",
    "3. Choisis ton propre mot de passe : le mot de passe provisoire ne marchera plus ensuite.",
    "Ne donne jamais ton mot de passe à quelqu'un d'autre, même à un camarade.",
]


def letters_pdf(school_name: str, letters: list[Letter]) -> bytes:
    pdf = a4_document(margin=20)
    for letter in letters:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 16)
        pdf.cell(0, 10, latin1(school_name), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 12)
        pdf.cell(
            0,
            8,
            latin1(f"{letter.first_name} {letter.last_name} - {letter.class_name}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(6)
        for paragraph in INSTRUCTIONS:
            pdf.multi_cell(0, 7, latin1(paragraph), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        pdf.ln(6)
        pdf.set_font("Courier", "B", 14)
        pdf.cell(0, 10, latin1(f"Identifiant : {letter.identifier}"), border=1, new_x="LMARGIN", new_y="NEXT")
        pdf.cell(
            0,
            10,
            latin1(f"Mot de passe provisoire : {letter.temporary_password}"),
            border=1,
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if not letters:
        pdf.add_page()
        pdf.set_font("Helvetica", "", 12)
        pdf.cell(0, 10, latin1("Tous les élèves de cette classe se sont déjà connectés."))
    return bytes(pdf.output())


def letters_html(school_name: str, letters: list[Letter]) -> str:
    """A printable page (one letter per printed page through the stylesheet's page breaks)."""
    e = html.escape
    parts = [
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Lettres d\'activation</title>',
        '<link rel="stylesheet" href="/espace/enseignant.css"></head><body class="letters">',
    ]
    if not letters:
        parts.append("<p>Tous les élèves de cette classe se sont déjà connectés.</p>")
    for letter in letters:
        parts.append('<article class="letter">')
        parts.append(
            f"<h1>{e(school_name)}</h1><p><strong>{e(letter.first_name)} {e(letter.last_name)}</strong>"
            f" — {e(letter.class_name)}</p>"
        )
        parts.extend(f"<p>{e(p)}</p>" for p in INSTRUCTIONS)
        parts.append(
            f"<dl><dt>Identifiant</dt><dd><code>{e(letter.identifier)}</code></dd>"
            f"<dt>Mot de passe provisoire</dt><dd><code>{e(letter.temporary_password)}</code></dd></dl>"
        )
        parts.append("</article>")
    parts.append("</body></html>")
    return "".join(parts)
