"""What the téléservices are made of: services, states and the orientation choices of each level.

These are the structure of the national procedures (names and rules), not figures: the dates of
a campaign and the bourse scale are data, edited by the school (see `campaigns.py`, `scale.py`).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

Service = Literal["bourse_college", "bourse_lycee", "orientation_provisional", "orientation_final"]
BOURSE_SERVICES = ("bourse_college", "bourse_lycee")
ORIENTATION_SERVICES = ("orientation_provisional", "orientation_final")
ORIENTATION_LEVELS = ("3e", "2de")
# Where a family reads the school's answers (the link of the notices they are sent).
FAMILY_PAGE = "/espace/teleservices.html"
SCHOOL_PAGE = "/espace/teleservices-ecole.html"  # where the school reads them

SERVICE_TITLES = {
    "bourse_college": "Bourse de collège",
    "bourse_lycee": "Bourse de lycée",
    "orientation_provisional": "Orientation — phase provisoire",
    "orientation_final": "Orientation — phase définitive",
}
# The bourse scale each bourse service reads.
SCALE_OF = {"bourse_college": "college", "bourse_lycee": "lycee"}
# Who may ask: a collège bourse for a collégien; a lycée bourse for a lycéen, or a 3e pupil for next year.
BOURSE_LEVELS = {
    "bourse_college": ("6e", "5e", "4e", "3e"),
    "bourse_lycee": ("3e", "2de", "1re", "Tle"),
}


def tax_notice(school_year_starts_on: date) -> str:
    """The tax notice a bourse request of a school year rests on: the one sent out the year the school
    year starts, on the previous year's income (2026-2027: "avis d'impôt 2026 sur les revenus 2025")."""
    year = school_year_starts_on.year
    return f"avis d'impôt {year} sur les revenus {year - 1}"


BOURSE_STATES = {
    "draft": "Brouillon",
    "filed": "Déposée",
    "incomplete": "Incomplète",
    "completed": "Complétée",
    "granted": "Accordée",
    "refused": "Refusée",
    "withdrawn": "Retirée",
}
ORIENTATION_STATES = {
    "draft": "Brouillon",
    "submitted": "Vœux transmis",
    "answered": "Réponse du conseil de classe",
    "accepted": "Acceptée par la famille",
    "declined": "Refusée — rendez-vous demandé",
}
STATE_LABELS = {"bourse": BOURSE_STATES, "orientation": ORIENTATION_STATES}
# Not a fiche's state: a student of the level whose family sent no wishes in the final phase (no fiche, or
# a draft the school may not read), listed for the class council's proposal (orientation_proposal.py).
NO_WISHES = "no_wishes"
NO_WISHES_LABEL = "Aucun vœu transmis"
State = Literal[
    "draft",
    "filed",
    "incomplete",
    "completed",
    "granted",
    "refused",
    "withdrawn",
    "submitted",
    "answered",
    "accepted",
    "declined",
    "no_wishes",
]

# Orientation: a family ranks at most this many wishes per phase.
MAX_WISHES = 3
Track = Literal["2gt", "2pro", "cap", "1g", "1t"]
TRACKS = {
    "3e": {
        "2gt": "2de générale et technologique",
        "2pro": "2de professionnelle",
        "cap": "1re année de CAP",
    },
    "2de": {
        "1g": "1re générale",
        "1t": "1re technologique",
    },
}
TRACKS_WITH_FIELD = ("2pro", "cap")  # the family names the field (spécialité, famille de métiers)
SPECIALITY_COUNT = 3  # a 1re générale is three specialities
SPECIALITIES = {
    "AMC": "Arts",
    "BIOECO": "Biologie-écologie",
    "HGGSP": "Histoire-géographie, géopolitique et sciences politiques",
    "HLP": "Humanités, littérature et philosophie",
    "LLCER": "Langues, littératures et cultures étrangères et régionales",
    "LLCA": "Littérature, langues et cultures de l'Antiquité",
    "MATHS": "Mathématiques",
    "NSI": "Numérique et sciences informatiques",
    "PC": "Physique-chimie",
    "SVT": "Sciences de la vie et de la Terre",
    "SI": "Sciences de l'ingénieur",
    "SES": "Sciences économiques et sociales",
    "EPPCS": "Éducation physique, pratiques et culture sportives",
}
SERIES = {
    "STMG": "Sciences et technologies du management et de la gestion",
    "STI2D": "Sciences et technologies de l'industrie et du développement durable",
    "STL": "Sciences et technologies de laboratoire",
    "ST2S": "Sciences et technologies de la santé et du social",
    "STD2A": "Sciences et technologies du design et des arts appliqués",
    "STHR": "Sciences et technologies de l'hôtellerie et de la restauration",
    "S2TMD": "Sciences et techniques du théâtre, de la musique et de la danse",
    "STAV": "Sciences et technologies de l'agronomie et du vivant",
}
OPINIONS = {"favourable": "Favorable", "reserved": "Réservé", "unfavourable": "Défavorable"}


def wish_label(track: str, detail: str, specialities: list[str]) -> str:
    """A wish as a family reads it: "1re générale (Mathématiques, Physique-chimie, SVT)"."""
    name = next((tracks[track] for tracks in TRACKS.values() if track in tracks), track)
    if track == "1g" and specialities:
        return f"{name} ({', '.join(SPECIALITIES.get(code, code) for code in specialities)})"
    if track == "1t" and detail:
        return f"{name} {detail}"
    return f"{name} — {detail}" if detail else name
