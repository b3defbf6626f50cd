"""Lock-screen texts: short, French, with no more personal data than needed (a subject and a first name,
never a grade, a reason, a message's content or which téléservice: a bourse is means-tested); or one
generic line when the profile asks for it."""

from __future__ import annotations

from datetime import date

GENERIC = "Du nouveau dans Cartable."
TITLE = "Cartable"
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")  # fmt: skip


def french_day(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def _lower(subject: str) -> str:
    return subject[:1].lower() + subject[1:] if subject[1:2].islower() else subject


_VOWELS = "aeiouâàäéèêëîïôöûùüœæ"
_ASPIRATED_H = ("handball", "hockey", "hongrois")  # "cours de hongrois", not "d'hongrois"


def de(word: str) -> str:
    """The word "de" before `word`, elided before a vowel or a mute h: "de mathématiques", "d'EPS", "d'anglais",
    "d'histoire-géographie", "d'Emma"; an acronym is read letter by letter ("de SVT", "de HGGSP")."""
    first = word[:1].lower()
    acronym = word[:2].isupper()
    mute_h = first == "h" and not acronym and not word.lower().startswith(_ASPIRATED_H)
    return f"d'{word}" if first and (first in _VOWELS or mute_h) else f"de {word}"


def text(kind: str, params: dict, child: str) -> str:
    """The one line a lock screen shows for an event about `child` (a first name)."""
    subject = _lower(params.get("subject", ""))
    if kind == "homework":
        start = "Travail modifié" if params.get("change") == "changed" else "Nouveau travail"
        return f"{start} en {subject} pour {child}"
    if kind == "lesson":
        what = {"cancelled": "annulé", "normal": "rétabli"}.get(params.get("status"), "déplacé")
        return f"Cours {de(subject)} {what} le {french_day(params['day'])} pour {child}"
    if kind == "evaluation":
        return f"Nouvelle évaluation en {subject} pour {child}"
    if kind == "vie_scolaire":
        what = "Retard" if params.get("what") == "lateness" else "Absence"
        return f"{what} {de(child)} enregistré{'' if what == 'Retard' else 'e'} le {french_day(params['day'])}"
    if kind == "message":
        return f"Nouveau message au sujet {de(child)}"
    if kind == "information":
        return f"{'Nouveau sondage' if params.get('survey') else 'Nouvelle information'} de l'établissement"
    if kind == "teleservice":
        return f"Démarche mise à jour pour {child}"  # never which one (a bourse is means-tested)
    if kind == "reminder":
        count = params.get("count", 0)
        works = "1 travail non fait" if count == 1 else f"{count} travaux non faits"
        return f"Pour demain, {child} a encore {works}"
    return GENERIC


def digest(count: int, children: list[str]) -> str:
    """The morning line for what quiet hours held back."""
    news = "1 nouveauté" if count == 1 else f"{count} nouveautés"
    names = ", ".join(dict.fromkeys(children))
    return f"Pendant la nuit : {news} pour {names}"
