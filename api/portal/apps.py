"""The ENT's "Mes applications": which tiles each profile sees.

Tiles marked `external` lead outside Cartable; their address is set per school by its administrator
(`api/portal/links.py`) and a tile with no address is not shown.
"""

from __future__ import annotations

import msgspec

FAMILY = ("student", "parent")
STAFF = ("staff", "admin")
EVERYONE = ("student", "parent", "teacher", "staff", "admin")


class App(msgspec.Struct, frozen=True):
    key: str
    name: str
    description: str
    url: str
    category: str  # "Vie scolaire et ressources" | "Personnel" | "Application"
    roles: tuple[str, ...]
    external: bool = False  # leads outside Cartable, to the address the school set (none: hidden)


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
        "Discussions avec l'établissement et informations reçues.",
        "/espace/messagerie.html",
        "Personnel",
        EVERYONE,
    ),
    App(
        "bulletins",
        "Bulletins",
        "Bulletins de chaque période : moyennes, positionnements, appréciations.",
        "/espace/bulletins.html",
        "Vie scolaire et ressources",
        EVERYONE,
    ),
    App(
        "travail-a-rendre",
        "Travail à rendre",
        "Rendre un devoir en ligne, retrouver les copies corrigées.",
        "/espace/rendus.html",
        "Vie scolaire et ressources",
        ("student", "parent", "teacher"),
    ),
    App(
        "cantine",
        "Menus de la cantine",
        "Les menus de la semaine, avec les allergènes.",
        "/espace/cantine.html",
        "Vie scolaire et ressources",
        EVERYONE,
    ),
    App(
        "agenda",
        "Agenda de l'établissement",
        "Sorties, réunions parents-professeurs, conseils de classe, vacances.",
        "/espace/agenda.html",
        "Vie scolaire et ressources",
        EVERYONE,
    ),
    App(
        "signalement",
        "Signaler un harcèlement",
        "Prévenir en toute confidentialité les adultes désignés par l'établissement.",
        "/espace/signalement.html",
        "Vie scolaire et ressources",
        ("student",),
    ),
    App(
        "signalements",
        "Signalements des élèves",
        "Alertes de harcèlement envoyées par les élèves (personnels désignés).",
        "/espace/signalements.html",
        "Vie scolaire et ressources",
        STAFF,
    ),
    App(
        "parametres-ent",
        "Paramètres de l'ENT",
        "Liens des applications externes, bouton de signalement des élèves.",
        "/espace/parametres.html",
        "Application",
        ("admin",),
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
        "",
        "Informations",
        EVERYONE,
        True,
    ),
    App(
        "site-rectorat", "Site du rectorat", "Actualités et services de l'académie.", "", "Informations", EVERYONE, True
    ),
    App(
        "esidoc",
        "e-sidoc",
        "Le portail documentaire du CDI : catalogue, prêts, ressources.",
        "",
        "Vie scolaire et ressources",
        EVERYONE,
        True,
    ),
    App(
        "conseil-departemental",
        "Conseil départemental",
        "Transports scolaires, restauration, aides du département.",
        "",
        "Vie scolaire et ressources",
        EVERYONE,
        True,
    ),
)


EXTERNAL_KEYS = tuple(app.key for app in CATALOGUE if app.external)


def apps_for(role: str) -> list[App]:
    return [app for app in CATALOGUE if role in app.roles]


def external_app(key: str) -> App | None:
    return next((app for app in CATALOGUE if app.key == key and app.external), None)
