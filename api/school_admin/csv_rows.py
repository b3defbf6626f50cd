"""Reading the CSV files a French school exports (SIECLE / ONDE / PRONOTE style) into checked rows.

Exports come with ';' (sometimes ',') separators, UTF-8 with a BOM or Windows-1252, dates as
JJ/MM/AAAA, and headers such as "Nom", "Prénom", "Date de naissance", "Classe", "Nom resp. légal 1",
"Tél. portable resp. légal 1", "Courriel resp. légal 1". Headers are matched loosely (accents, case,
punctuation ignored). Each data line becomes either a row or a rejection with a French reason.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from datetime import date, datetime

import msgspec

from api.accounts.phones import normalise_phone
from api.errors import ApiError

MAX_LINES = 5000
CLASS_NAME_MAX = 30  # SchoolClass.name


class Guardian(msgspec.Struct):
    last_name: str
    first_name: str
    phone: str | None
    email: str | None


class StudentRow(msgspec.Struct):
    line: int
    last_name: str
    first_name: str
    birth_date: date
    class_name: str
    guardians: list[Guardian]


class TeacherRow(msgspec.Struct):
    line: int
    last_name: str
    first_name: str
    email: str | None
    phone: str | None
    subject: str
    class_names: list[str]


class Rejection(msgspec.Struct):
    line: int
    reason: str


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def _field(header: str) -> str | None:
    """Canonical name of a header: last_name, g1_phone, birth_date… or None if unknown."""
    words = fold(header)
    number = re.search(r"([12])\b", words)
    if ("resp" in words or "legal" in words or "parent" in words) and number:
        prefix = f"g{number.group(1)}_"
        if "prenom" in words:
            return prefix + "first_name"
        if "nom" in words:
            return prefix + "last_name"
        if re.search(r"\b(tel|telephone|portable|mobile)\b", words):
            return prefix + "phone"
        if re.search(r"\b(courriel|mail|email|e mail)\b", words):
            return prefix + "email"
        return None
    if "prenom" in words:
        return "first_name"
    if "naissance" in words or words.startswith("ne "):
        return "birth_date"
    if words in ("classes", "classes enseignees") or words.startswith("classes "):
        return "classes"
    if "classe" in words or "division" in words:
        return "class_name"
    if re.search(r"\b(discipline|matiere)\b", words):
        return "subject"
    if re.search(r"\b(courriel|mail|email|e mail)\b", words):
        return "email"
    if re.search(r"\b(tel|telephone|portable|mobile)\b", words):
        return "phone"
    if "nom" in words:
        return "last_name"
    return None


NOT_CSV = ApiError(
    400, "not_csv", "Ce fichier n'est pas un fichier CSV : enregistrez-le au format CSV depuis votre tableur."
)


def decode(raw: bytes) -> str:
    """The file's text (UTF-16 after its mark, UTF-8, else Windows-1252 as Excel writes it); a binary
    file (a spreadsheet's .xlsx or .ods, an image) is refused: no text holds a NUL character."""
    try:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise NOT_CSV
    return text


def _records(text: str) -> tuple[list[tuple[int, dict[str, str]]], set[str]]:
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ApiError(400, "empty_file", "Le fichier est vide.")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records = []
    try:
        header = [_field(h) for h in next(reader)]
        for values in reader:
            if reader.line_num > MAX_LINES + 1:
                raise ApiError(400, "too_many_lines", f"Le fichier dépasse {MAX_LINES} lignes : découpez-le.")
            if not any(v.strip() for v in values):
                continue
            record = {name: value.strip() for name, value in zip(header, values) if name}
            records.append((reader.line_num, record))
    except csv.Error:  # e.g. a field larger than the csv module accepts
        raise NOT_CSV from None
    return records, set(filter(None, header))


def _require_columns(found: set[str], needed: dict[str, str]) -> None:
    missing = [label for name, label in needed.items() if name not in found]
    if missing:
        raise ApiError(
            400, "missing_columns", "Colonnes manquantes : " + ", ".join(missing) + ".", details={"missing": missing}
        )


def parse_date(text: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _phone(text: str) -> str | None:
    if not text:
        return None
    digits = normalise_phone(text)
    if not re.fullmatch(r"0[1-9]\d{8}", digits):
        raise ValueError(f"numéro de téléphone invalide « {text} »")
    return digits


def _email(text: str) -> str | None:
    if not text:
        return None
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) or len(text) > 200:
        raise ValueError(f"adresse électronique invalide « {text} »")
    return text.lower()


def _name(record: dict, key: str, label: str, limit: int = 80) -> str:
    value = " ".join(record.get(key, "").split())
    if not value:
        raise ValueError(f"{label} manquant")
    if len(value) > limit:
        raise ValueError(f"{label} trop long")
    return value


def student_rows(text: str, today: date) -> tuple[list[StudentRow], list[Rejection]]:
    """The students of a CSV import (`today`: the school's day, which birth dates are checked against)."""
    records, found = _records(text)
    _require_columns(
        found, {"last_name": "Nom", "first_name": "Prénom", "birth_date": "Date de naissance", "class_name": "Classe"}
    )
    rows, rejected, seen = [], [], set()
    for line, record in records:
        try:
            last, first = _name(record, "last_name", "nom"), _name(record, "first_name", "prénom")
            try:
                birth = parse_date(record.get("birth_date", ""))
            except ValueError:
                raise ValueError(f"date de naissance invalide « {record.get('birth_date', '')} » (attendu JJ/MM/AAAA)")
            if not (1990 <= birth.year <= today.year - 5):
                raise ValueError(f"date de naissance improbable « {record['birth_date']} »")
            class_name = _name(record, "class_name", "classe", CLASS_NAME_MAX)
            guardians = []
            for n in ("1", "2"):
                g_last = " ".join(record.get(f"g{n}_last_name", "").split())
                if not g_last:
                    continue
                g_first = _name(record, f"g{n}_first_name", f"prénom du responsable {n}")
                # A guardian without phone or e-mail is kept (a legal link), but cannot activate an account.
                phone, email = _phone(record.get(f"g{n}_phone", "")), _email(record.get(f"g{n}_email", ""))
                guardians.append(Guardian(last_name=g_last[:80], first_name=g_first, phone=phone, email=email))
            key = (fold(last), fold(first), birth)
            if key in seen:
                raise ValueError("élève en double dans le fichier")
            seen.add(key)
            rows.append(
                StudentRow(
                    line=line,
                    last_name=last,
                    first_name=first,
                    birth_date=birth,
                    class_name=class_name,
                    guardians=guardians,
                )
            )
        except ValueError as problem:
            rejected.append(Rejection(line=line, reason=str(problem)[:1].upper() + str(problem)[1:] + "."))
    return rows, rejected


def _class_names(text: str) -> list[str]:
    """The classes a teacher's line names ("4e A, 3e B"; "," "|" or "/" between them)."""
    names = [" ".join(name.split()) for name in re.split(r"[,|/]", text)]
    for name in names:
        if len(name) > CLASS_NAME_MAX:
            raise ValueError(f"classe « {name[:CLASS_NAME_MAX]}… » trop longue ({CLASS_NAME_MAX} caractères au plus)")
    return [name for name in names if name]


def teacher_rows(text: str) -> tuple[list[TeacherRow], list[Rejection]]:
    records, found = _records(text)
    _require_columns(found, {"last_name": "Nom", "first_name": "Prénom"})
    rows, rejected = [], []
    for line, record in records:
        try:
            rows.append(
                TeacherRow(
                    line=line,
                    last_name=_name(record, "last_name", "nom"),
                    first_name=_name(record, "first_name", "prénom"),
                    email=_email(record.get("email", "")),
                    phone=_phone(record.get("phone", "")),
                    subject=" ".join(record.get("subject", "").split())[:100],
                    class_names=_class_names(record.get("classes", "")),
                )
            )
        except ValueError as problem:
            rejected.append(Rejection(line=line, reason=str(problem)[:1].upper() + str(problem)[1:] + "."))
    return rows, rejected
