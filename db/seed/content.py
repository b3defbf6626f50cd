"""What is taught: subjects, weekly hours per level, chapters, comptes rendus and homework texts."""

from __future__ import annotations

import random
from datetime import date
from typing import NamedTuple

# (code, name, colour). The colour is the subject's stripe in the timetable.
SUBJECTS = [
    ("FRA", "Français", "#E05A47"),
    ("MATHS", "Mathématiques", "#2E86DE"),
    ("HG", "Histoire-Géographie", "#E67E22"),
    ("ANG", "Anglais", "#8E44AD"),
    ("ESP", "Espagnol", "#F1C40F"),
    ("ALL", "Allemand", "#7F8C8D"),
    ("SVT", "SVT", "#27AE60"),
    ("PC", "Physique-Chimie", "#16A085"),
    ("TECHNO", "Technologie", "#34495E"),
    ("ARTS", "Arts plastiques", "#E84393"),
    ("MUS", "Éducation musicale", "#A0522D"),
    ("EPS", "EPS", "#00A8CC"),
]
LEVELS = ("6e", "5e", "4e", "3e")
LV2 = ("ESP", "ALL")


class Course(NamedTuple):
    subject: str
    hours: int
    split: str = "class"  # class | lv2 (Espagnol/Allemand groups at once) | halves (half-class groups)


# Weekly hours of a collège class (55-minute lessons), close to the national timetable.
CURRICULUM: dict[str, list[Course]] = {
    "6e": [
        Course("FRA", 5),
        Course("MATHS", 4),
        Course("HG", 3),
        Course("ANG", 4),
        Course("SVT", 2),
        Course("PC", 1),
        Course("TECHNO", 1),
        Course("ARTS", 1),
        Course("MUS", 1),
        Course("EPS", 4),
    ],
    "5e": [
        Course("FRA", 4),
        Course("MATHS", 4),
        Course("HG", 3),
        Course("ANG", 3),
        Course("ESP", 2, "lv2"),
        Course("SVT", 2),
        Course("PC", 1),
        Course("TECHNO", 1),
        Course("ARTS", 1),
        Course("MUS", 1),
        Course("EPS", 3),
    ],
    "4e": [
        Course("FRA", 4),
        Course("MATHS", 4),
        Course("HG", 3),
        Course("ANG", 3),
        Course("ESP", 2, "lv2"),
        Course("SVT", 2),
        Course("PC", 2),
        Course("TECHNO", 1, "halves"),
        Course("ARTS", 1),
        Course("MUS", 1),
        Course("EPS", 3),
    ],
    "3e": [
        Course("FRA", 4),
        Course("MATHS", 4),
        Course("HG", 3),
        Course("ANG", 3),
        Course("ESP", 2, "lv2"),
        Course("SVT", 2),
        Course("PC", 2),
        Course("TECHNO", 1, "halves"),
        Course("ARTS", 1),
        Course("MUS", 1),
        Course("EPS", 3),
    ],
}

# Where each subject is taught; a teacher keeps one room.
ROOM_PREFIX = {
    "FRA": "B1",
    "HG": "B1",
    "MATHS": "B2",
    "ANG": "C1",
    "ESP": "C1",
    "ALL": "C1",
    "SVT": "S0",
    "PC": "S0",
    "TECHNO": "T0",
    "ARTS": "A0",
    "MUS": "A0",
}

# Chapters, with their article so they read in a sentence ("Apprendre la leçon sur …").
CHAPTERS: dict[str, dict[str, list[str]] | list[str]] = {
    "FRA": {
        "6e": ["le conte merveilleux", "le passé composé", "les récits de création", "la fable"],
        "5e": ["le récit d'aventure", "l'imparfait et le passé simple", "le théâtre de Molière"],
        "4e": ["la nouvelle réaliste", "les propositions subordonnées", "la poésie lyrique"],
        "3e": ["l'autobiographie", "la poésie engagée", "les subordonnées circonstancielles"],
    },
    "MATHS": {
        "6e": ["les nombres décimaux", "les fractions", "les angles", "la proportionnalité"],
        "5e": ["les nombres relatifs", "les priorités opératoires", "la symétrie centrale"],
        "4e": ["le théorème de Pythagore", "le calcul littéral", "les puissances"],
        "3e": ["le théorème de Thalès", "les fonctions affines", "les équations"],
    },
    "HG": {
        "6e": ["les débuts de l'humanité", "la Grèce antique", "habiter une métropole"],
        "5e": ["l'empire byzantin", "la société féodale", "la question démographique"],
        "4e": ["la Révolution française", "l'Europe des Lumières", "l'urbanisation du monde"],
        "3e": ["la Première Guerre mondiale", "les régimes totalitaires", "les aires urbaines en France"],
    },
    "ANG": {
        "6e": ["le présent simple", "la famille et les animaux", "les nombres et l'heure"],
        "5e": ["le prétérit", "les fêtes au Royaume-Uni", "les comparatifs"],
        "4e": ["le present perfect", "les héros du quotidien", "les modaux"],
        "3e": ["le discours indirect", "l'engagement citoyen", "le conditionnel"],
    },
    "ESP": {
        "5e": ["les verbes ser et estar", "la vie quotidienne", "les nombres"],
        "4e": ["le passé composé", "la gastronomie espagnole", "le prétérit"],
        "3e": ["l'Amérique latine", "l'impératif", "le futur"],
    },
    "ALL": {
        "5e": ["la présentation", "la famille", "les verbes forts"],
        "4e": ["le parfait", "les loisirs", "les prépositions"],
        "3e": ["Berlin, ville divisée", "le prétérit", "les subordonnées"],
    },
    "SVT": {
        "6e": ["la classification du vivant", "les besoins des végétaux"],
        "5e": ["la respiration", "les roches et les paysages"],
        "4e": ["la reproduction humaine", "les séismes et les volcans"],
        "3e": ["la génétique", "le système immunitaire"],
    },
    "PC": {
        "6e": ["les états de la matière", "les mélanges"],
        "5e": ["les circuits électriques", "les transformations de la matière"],
        "4e": ["la loi d'Ohm", "la vitesse et le mouvement"],
        "3e": ["l'énergie et ses conversions", "les ions et le pH"],
    },
    "TECHNO": ["la chaîne d'énergie", "les objets connectés", "la programmation avec Scratch", "la modélisation 3D"],
    "ARTS": ["le portrait", "la représentation de l'espace", "la bande dessinée", "le land art"],
    "MUS": ["le chant choral", "le rythme et la pulsation", "la musique de film", "le blues et le jazz"],
    "EPS": ["le demi-fond", "le badminton", "l'acrosport", "le handball"],
}


def chapters(subject: str, level: str) -> list[str]:
    entry = CHAPTERS[subject]
    return entry if isinstance(entry, list) else entry[level]


def title(chapter: str) -> str:
    return chapter[0].upper() + chapter[1:]


# What happened in a lesson. Placeholders: {ch} chapter, {Ch} chapter as a title, {a} {b} {c}
# exercise numbers, {p} page.
ACTIVITIES = {  # in a lesson's usual order
    "FRA": [
        "Correction de l'exercice de grammaire {a} p. {p}",
        "Lecture à voix haute et questions de compréhension",
        "Étude du texte p. {p} : le point de vue du narrateur",
        "Leçon sur {ch} : trace écrite dans le cahier",
        "Exercices {a} et {b} p. {p} faits en classe",
        "Dictée préparée et correction collective",
        "Atelier d'écriture : rédiger un paragraphe en lien avec {ch}",
    ],
    "MATHS": [
        "Calcul mental (10 minutes)",
        "Correction des exercices {a} et {b} p. {p}",
        "Activité d'introduction sur {ch}",
        "Cours : définitions et propriétés, exemples rédigés",
        "Exercices d'application {a}, {b} et {c} p. {p}",
        "Travail en groupes : résolution de problèmes",
        "Interrogation orale des définitions",
    ],
    "HG": [
        "Correction des questions {a} à {b} p. {p}",
        "Étude de documents p. {p} : {ch}",
        "Analyse d'une carte p. {p}",
        "Vidéo et échanges sur {ch}",
        "Réalisation d'une frise chronologique",
        "Croquis de synthèse à compléter",
        "Trace écrite : {ch}",
    ],
    "ANG": [
        "Warm-up et rappel du vocabulaire",
        "Compréhension orale : écoute d'un document audio",
        "Nouvelle leçon : {ch}",
        "Exercices {a} et {b} p. {p} du workbook",
        "Jeu de rôle en binômes",
        "Correction de l'expression écrite",
    ],
    "ESP": [
        "Rappel du vocabulaire de la séance précédente",
        "Compréhension écrite p. {p}",
        "Nouvelle leçon : {ch}",
        "Exercices {a} et {b} p. {p} du cuaderno",
        "Dialogue en binômes",
    ],
    "ALL": [
        "Rappel du vocabulaire de la séance précédente",
        "Compréhension orale : document audio",
        "Nouvelle leçon : {ch}",
        "Exercices {a} et {b} p. {p} de l'Arbeitsheft",
        "Dialogue en binômes",
    ],
    "SVT": [
        "Correction des exercices {a} et {b} p. {p}",
        "Démarche d'investigation : formuler une hypothèse",
        "Observation au microscope",
        "Activité documentaire p. {p} sur {ch}",
        "Bilan de l'activité : schéma à légender",
    ],
    "PC": [
        "Correction des exercices {a} et {b} p. {p}",
        "Cours : {ch}",
        "Expérience en binômes et compte rendu",
        "Mesures et tableau de résultats",
        "Exercices {a} et {c} p. {p} en autonomie",
    ],
    "TECHNO": [
        "Analyse d'un objet technique",
        "Travail en îlots sur le projet de l'année",
        "Programmation sur ordinateur",
        "Présentation orale des groupes",
        "Bilan : {ch}",
    ],
    "ARTS": [
        "Présentation du sujet : {ch}",
        "Analyse d'une œuvre au tableau",
        "Pratique plastique en autonomie",
        "Verbalisation : présentation des productions",
    ],
    "MUS": [
        "Échauffement vocal",
        "Écoute et analyse d'une œuvre",
        "Pratique rythmique",
        "Apprentissage du chant en cours",
    ],
    "EPS": [
        "Échauffement et rappel des consignes de sécurité",
        "Exercices techniques : {ch}",
        "Situation de match",
        "Évaluation formative en fin de séance",
    ],
}

# Homework: (text, estimated minutes).
HOMEWORK = {
    "FRA": [
        ("Apprendre la leçon sur {ch}", 15),
        ("Exercices {a} et {b} p. {p}", 20),
        ("Lire le texte p. {p} et répondre aux questions 1 à 4", 30),
        ("Rédaction : écrire la suite du texte (15 lignes minimum)", 45),
        ("Revoir la dictée préparée p. {p}", 15),
        ("Apprendre la poésie (deux premières strophes)", 20),
    ],
    "MATHS": [
        ("Exercices {a} et {b} p. {p}", 20),
        ("Apprendre la leçon sur {ch}", 15),
        ("Exercice {a} p. {p} : rédiger la solution sur une copie double", 30),
        ("Réviser pour l'interrogation sur {ch}", 30),
        ("Exercices {a}, {b} et {c} p. {p}", 25),
    ],
    "HG": [
        ("Apprendre la leçon sur {ch}", 20),
        ("Répondre aux questions {a} à {b} p. {p}", 20),
        ("Compléter le croquis commencé en classe", 20),
        ("Réviser les repères chronologiques", 15),
    ],
    "ANG": [
        ("Apprendre le vocabulaire de la leçon p. {p}", 15),
        ("Exercices {a} et {b} p. {p} du workbook", 15),
        ("Écouter l'enregistrement sur l'ENT et répondre aux questions", 20),
        ("Préparer une présentation orale de 1 minute", 20),
    ],
    "ESP": [
        ("Apprendre le vocabulaire p. {p}", 15),
        ("Exercices {a} et {b} p. {p} du cuaderno", 15),
        ("Conjuguer les verbes de la leçon au présent", 15),
    ],
    "ALL": [
        ("Apprendre le vocabulaire p. {p}", 15),
        ("Exercices {a} et {b} p. {p} de l'Arbeitsheft", 15),
        ("Apprendre les verbes forts de la liste", 15),
    ],
    "SVT": [("Apprendre le bilan sur {ch}", 15), ("Exercice {a} p. {p}", 15), ("Terminer le schéma légendé", 10)],
    "PC": [
        ("Apprendre le cours sur {ch}", 15),
        ("Exercices {a} et {b} p. {p}", 20),
        ("Rédiger le compte rendu de l'expérience", 25),
    ],
    "TECHNO": [("Terminer la fiche d'activité sur {ch}", 15), ("Apprendre le vocabulaire technique du chapitre", 10)],
    "ARTS": [
        ("Apporter des magazines à découper et de la colle", 5),
        ("Terminer la production commencée en classe", 30),
    ],
    "MUS": [("Apprendre les paroles du chant", 15), ("Écouter l'extrait sur l'ENT et noter trois remarques", 15)],
    "EPS": [("Apporter une tenue de sport et une bouteille d'eau", 5)],
}
# Chance that a lesson of the subject sets homework.
HOMEWORK_RATE = {
    "FRA": 0.55,
    "MATHS": 0.6,
    "HG": 0.35,
    "ANG": 0.5,
    "ESP": 0.5,
    "ALL": 0.5,
    "SVT": 0.3,
    "PC": 0.3,
    "TECHNO": 0.15,
    "ARTS": 0.1,
    "MUS": 0.1,
    "EPS": 0.05,
}


def _fill(template: str, chapter: str, rng: random.Random) -> str:
    first = rng.randint(1, 40)
    return template.format(
        ch=chapter,
        Ch=title(chapter),
        a=first,
        b=first + rng.randint(1, 3),
        c=first + rng.randint(4, 8),
        p=rng.randint(12, 240),
    )


def lesson_report(subject: str, chapter: str, rng: random.Random) -> tuple[str, str]:
    """A compte rendu de séance: (title, simple HTML)."""
    templates = ACTIVITIES[subject]
    picked = sorted(rng.sample(range(len(templates)), 2 + rng.randint(0, 1)))  # keeps a lesson's usual order
    items = [_fill(templates[index], chapter, rng) for index in picked]
    html = f"<p><strong>{title(chapter)}</strong></p><ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    if rng.random() < 0.25:
        html += "<p>Penser à bien recopier la trace écrite si vous étiez absent.</p>"
    return title(chapter), html


def homework_text(subject: str, chapter: str, rng: random.Random) -> tuple[str, int]:
    template, minutes = rng.choice(HOMEWORK[subject])
    return f"<p>{_fill(template, chapter, rng)}</p>", minutes


# Evaluations: (title template, graded, coefficient).
EVALUATIONS = {
    "default": [
        ("Contrôle : {Ch}", True, 2),
        ("Interrogation écrite : {ch}", True, 1),
        ("Évaluation de compétences : {ch}", False, None),
    ],
    "EPS": [("Évaluation pratique : {ch}", True, 1), ("Bilan de cycle : {ch}", False, None)],
    "ARTS": [("Production plastique : {ch}", True, 1), ("Analyse d'œuvre : {ch}", False, None)],
    "MUS": [("Chant en groupe : {ch}", True, 1), ("Écoute commentée : {ch}", False, None)],
}
# Competences of the socle commun each subject assesses most.
SUBJECT_COMPETENCES = {
    "FRA": ["D1.1", "D2", "D5"],
    "MATHS": ["D1.3", "D4", "D2"],
    "HG": ["D5", "D1.1", "D3"],
    "ANG": ["D1.2", "D2"],
    "ESP": ["D1.2", "D2"],
    "ALL": ["D1.2", "D2"],
    "SVT": ["D4", "D1.3"],
    "PC": ["D4", "D1.3"],
    "TECHNO": ["D4", "D2"],
    "ARTS": ["D1.4", "D5"],
    "MUS": ["D1.4", "D3"],
    "EPS": ["D1.4", "D3", "D2"],
}
_D1 = "D1 – Les langages pour penser et communiquer"
COMPETENCES = [
    ("D1.1", "Comprendre, s'exprimer en utilisant la langue française à l'oral et à l'écrit", _D1),
    ("D1.2", "Comprendre, s'exprimer en utilisant une langue étrangère et, le cas échéant, une langue régionale", _D1),
    ("D1.3", "Comprendre, s'exprimer en utilisant les langages mathématiques, scientifiques et informatiques", _D1),
    ("D1.4", "Comprendre, s'exprimer en utilisant les langages des arts et du corps", _D1),
    (
        "D2",
        "Organiser son travail personnel, coopérer, rechercher et traiter l'information",
        "D2 – Les méthodes et outils pour apprendre",
    ),
    (
        "D3",
        "Exprimer sa sensibilité, respecter les autres et les règles, exercer son esprit critique",
        "D3 – La formation de la personne et du citoyen",
    ),
    (
        "D4",
        "Mener une démarche scientifique, concevoir des objets, adopter un comportement responsable",
        "D4 – Les systèmes naturels et les systèmes techniques",
    ),
    (
        "D5",
        "Se situer dans l'espace et dans le temps, analyser les organisations humaines, imaginer et produire",
        "D5 – Les représentations du monde et l'activité humaine",
    ),
]

DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def french_date(day: date, *, weekday: bool = True) -> str:
    """ "jeudi 3 décembre" (or "3 décembre")."""
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {MONTHS[day.month - 1]}"
    return f"{DAYS[day.weekday()]} {text}" if weekday else text


def of(word: str) -> str:
    """French elision: "de Lucas", "d'Inès", "d'anglais"."""
    return f"d'{word}" if word[:1].lower() in "aeiouyhéèêàâîôûœ" else f"de {word}"


def french_time(hour: int, minute: int) -> str:
    return f"{hour}h{minute:02d}" if minute else f"{hour}h"
