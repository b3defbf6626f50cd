"""The ENT's "Mes applications": which tiles each profile sees."""

from __future__ import annotations

import msgspec

FAMILY = ("student", "parent")
STAFF = ("staff", "admin")


class App(msgspec.Struct, frozen=True):
    key: str
    name: str
    description: str
    url: str
    category: str  # "Vie scolaire et ressources" | "Personnel" | "Application"
    roles: tuple[str, ...]
    note: str = ""  # shown for tiles that lead outside Cartable (placeholders in this deployment)


CATALOGUE: tuple[App, ...] = (
    App(
        "cartable",
        "Cartable",
        "Cahier de textes, travail à faire, compétences, absences.",
        "/",
        "Vie scolaire et ressources",
        FAMILY,
    ),
    App(
        "application-mobile",
        "Application mobile",
        "Configurer Cartable sur votre téléphone (QR code).",
        "/espace/application-mobile.html",
        "Application",
        FAMILY,
    ),
    App(
        "agenda",
        "Agenda",
        "Emploi du temps, travail à faire et évaluations dans l'agenda de votre téléphone ou ordinateur.",
        "/espace/agenda.html",
        "Application",
        FAMILY,
    ),
    App(
        "cahier-de-textes",
        "Cahier de textes",
        "Saisir le travail à faire et le contenu des séances.",
        "/espace/enseignant.html",
        "Vie scolaire et ressources",
        ("teacher",),
    ),
    App(
        "vie-scolaire",
        "Vie scolaire",
        "Absences, retards, appel et suivi des élèves.",
        "/espace/vie-scolaire.html",
        "Vie scolaire et ressources",
        STAFF,
    ),
    App(
        "messagerie",
        "Messagerie",
        "Votre boîte aux lettres de l'ENT.",
        "#",
        "Personnel",
        ("student", "parent", "teacher", "staff", "admin"),
        note="La messagerie n'est pas encore ouverte.",
    ),
    App(
        "teleservices",
        "Téléservices",
        "Demande de bourse, fiche dialogue d'orientation : vos démarches et les réponses de l'établissement.",
        "/espace/teleservices.html",
        "Vie scolaire et ressources",
        ("parent",),
    ),
    App(
        "teleservices-gestion",
        "Téléservices",
        "Bourses et orientation : demandes des familles, décisions, exports.",
        "/espace/teleservices-ecole.html",
        "Vie scolaire et ressources",
        STAFF,
    ),
    App(
        "site-college",
        "Site du collège",
        "Actualités et informations de l'établissement.",
        "#",
        "Vie scolaire et ressources",
        ("student", "parent", "teacher", "staff", "admin"),
        note="Le site du collège est un site séparé (non relié à cette démonstration).",
    ),
)


def apps_for(role: str) -> list[App]:
    return [app for app in CATALOGUE if role in app.roles]
