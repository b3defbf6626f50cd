"""Vie scolaire and communication wording."""

from __future__ import annotations

# Absence reasons by justification state.
ABSENCE_REASONS = {
    "justified": [
        "Maladie",
        "Rendez-vous médical",
        "Rendez-vous chez l'orthodontiste",
        "Raison familiale",
        "Convocation officielle",
        "Gastro-entérite (certificat médical fourni)",
    ],
    "pending": ["Malade (fièvre)", "Rendez-vous chez le dentiste", "Obsèques d'un proche", "Enfant souffrant"],
    "refused": ["Panne de réveil", "Raison personnelle", "Vacances en famille", "Anniversaire"],
    "unjustified": [""],
}
LATENESS_REASONS = {
    True: ["Retard du bus scolaire", "Rendez-vous médical", "Retard du car (grève)"],
    False: ["", "Panne de réveil", "Oubli de l'heure"],
}
REMARKS = [
    (
        "Oubli de matériel",
        [
            "N'avait pas son cahier.",
            "A oublié sa calculatrice et son compas.",
            "Manuel oublié pour la deuxième fois.",
            "Pas de tenue de sport.",
        ],
    ),
    ("Travail non fait", ["Exercices non faits.", "Leçon non apprise.", "Rédaction non rendue."]),
    ("Bavardages", ["Bavardages répétés malgré plusieurs rappels.", "Discute avec son voisin pendant la correction."]),
    ("Comportement", ["Attitude insolente envers un camarade.", "Refus de se mettre au travail."]),
    (
        "Encouragements",
        [
            "Bons efforts ce trimestre, continue ainsi !",
            "Des progrès nets à l'oral, bravo.",
            "Travail plus régulier, c'est encourageant.",
        ],
    ),
    (
        "Participation active",
        ["Participation très pertinente aujourd'hui.", "A aidé ses camarades pendant l'activité."],
    ),
]
REMARK_WEIGHTS = [30, 22, 18, 6, 14, 10]
PUNISHMENTS = [
    (
        "Retenue",
        [
            "Bavardages répétés et refus de travailler.",
            "Travail non fait à trois reprises.",
            "Insolence envers un adulte.",
        ],
    ),
    ("Devoir supplémentaire", ["Leçon non apprise pour la troisième fois.", "Exercices recopiés sur un camarade."]),
    ("Exclusion de cours", ["Perturbation grave du cours malgré plusieurs avertissements."]),
]

# Discussions between families and teachers: (subject, [(from_parent, body)]); {child} {of_child} {teacher}
# {parent} {subject} {of_subject} and {day} are filled in.
SUBJECT_WORDS = {
    "FRA": "français",
    "MATHS": "mathématiques",
    "HG": "histoire-géographie",
    "ANG": "anglais",
    "SVT": "SVT",
}
DISCUSSIONS = [
    (
        "Manuel oublié au collège",
        [
            (
                True,
                "Bonjour, {child} a oublié son manuel {of_subject} au collège vendredi. Pourriez-vous lui "
                "indiquer les exercices à faire pour lundi ? Merci d'avance. {parent}",
            ),
            (
                False,
                "Bonjour, les exercices sont indiqués dans le cahier de textes. Il peut aussi les photographier "
                "sur le manuel d'un camarade. Bonne journée. {teacher}",
            ),
        ],
    ),
    (
        "Demande de rendez-vous",
        [
            (
                True,
                "Bonjour, nous souhaiterions vous rencontrer pour faire le point sur le travail {of_child} en "
                "{subject}. Seriez-vous disponible un soir de la semaine prochaine ? Cordialement, {parent}",
            ),
            (
                False,
                "Bonjour, je vous propose {day} à 17h15 au collège (salle des professeurs). Cela vous convient-il ? "
                "Bien cordialement, {teacher}",
            ),
            (True, "Parfait, nous serons là. Merci beaucoup. {parent}"),
        ],
    ),
    (
        "Absence à l'évaluation",
        [
            (
                True,
                "Bonjour, {child} était malade le jour de l'évaluation {of_subject}. Est-il possible "
                "de la rattraper ? Cordialement, {parent}",
            ),
            (False, "Bonjour, oui, le rattrapage aura lieu {day} pendant l'heure de cours. Bonne soirée. {teacher}"),
        ],
    ),
]

FUTUROSCOPE = (
    "<p>Madame, Monsieur,</p>"
    "<p>Dans le cadre du projet de classe en sciences et en histoire, les élèves de {class_name} se rendront au "
    "<strong>Futuroscope</strong> le <strong>{day}</strong>.</p>"
    "<ul><li>Départ : 7h45 devant le collège</li><li>Retour prévu : 18h30 au même endroit</li>"
    "<li>Prévoir un pique-nique, une bouteille d'eau et une tenue adaptée à la météo</li>"
    "<li>Participation des familles : 15 € (le reste est pris en charge par le foyer socio-éducatif)</li></ul>"
    "<p>Les cours de la journée n'auront pas lieu pour cette classe. Merci de confirmer la lecture de cette "
    "information.</p><p>{author}</p>"
)
SURVEY_TITLE = "Rencontres parents-professeurs : vos disponibilités"
SURVEY_HTML = (
    "<p>Madame, Monsieur,</p><p>Les rencontres parents-professeurs du premier trimestre auront lieu en fin "
    "de journée au collège. Afin d'organiser au mieux les rendez-vous, merci de répondre à ce court sondage "
    "avant le <strong>{deadline}</strong>.</p><p>{author}</p>"
)
SURVEY_TEACHERS = [
    "Le professeur principal",
    "Français",
    "Mathématiques",
    "Langues vivantes",
    "Sciences",
    "Histoire-Géographie",
    "Autre",
]
SURVEY_COMMENTS = [
    "Je préférerais un rendez-vous après 18h si possible.",
    "Pourrions-nous parler de l'orientation ?",
    "Merci pour l'organisation.",
    "Je ne pourrai venir que le jeudi.",
]
