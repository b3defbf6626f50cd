"""Lock-screen texts (api/push/texts.py): French as it is written ("Cours d'EPS", "Absence d'Emma"), and
no more than needed: never which téléservice (a bourse is a means-tested application)."""

from __future__ import annotations

import pytest

from api.push.texts import GENERIC, de, digest, text

THURSDAY = "2026-11-26"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("mathématiques", "de mathématiques"),
        ("EPS", "d'EPS"),
        ("anglais", "d'anglais"),
        ("éducation musicale", "d'éducation musicale"),
        ("histoire-géographie", "d'histoire-géographie"),
        ("SVT", "de SVT"),
        ("HGGSP", "de HGGSP"),  # read letter by letter
        ("hongrois", "de hongrois"),  # an aspirated h
        ("Emma", "d'Emma"),
        ("Hugo", "d'Hugo"),
        ("Yanis", "de Yanis"),
        ("Léa", "de Léa"),
    ],
)
def test_de_is_elided_before_a_vowel_or_a_mute_h(word, expected):
    assert de(word) == expected


@pytest.mark.parametrize(
    ("subject", "status", "expected"),
    [
        ("EPS", "cancelled", "Cours d'EPS annulé le jeudi 26 novembre pour Léa"),
        ("Anglais", "moved", "Cours d'anglais déplacé le jeudi 26 novembre pour Léa"),
        ("Mathématiques", "normal", "Cours de mathématiques rétabli le jeudi 26 novembre pour Léa"),
        ("SVT", "cancelled", "Cours de SVT annulé le jeudi 26 novembre pour Léa"),
    ],
)
def test_a_lesson_change_reads_as_french(subject, status, expected):
    assert text("lesson", {"subject": subject, "status": status, "day": THURSDAY}, "Léa") == expected


def test_a_child_whose_name_starts_with_a_vowel_is_elided_too():
    assert text("vie_scolaire", {"what": "absence", "day": THURSDAY}, "Emma") == (
        "Absence d'Emma enregistrée le jeudi 26 novembre"
    )
    assert text("vie_scolaire", {"what": "lateness", "day": THURSDAY}, "Léa") == (
        "Retard de Léa enregistré le jeudi 26 novembre"
    )
    assert text("message", {}, "Emma") == "Nouveau message au sujet d'Emma"
    assert text("message", {}, "Tom") == "Nouveau message au sujet de Tom"


@pytest.mark.parametrize("subject", ["Téléservices : demande de bourse", "Téléservices : orientation", None])
def test_a_teleservice_line_never_says_which_one(subject):
    params = {} if subject is None else {"subject": subject}
    line = text("teleservice", params, "Léa")
    assert line == "Démarche mise à jour pour Léa"
    assert "bourse" not in line.lower() and "orientation" not in line.lower()


def test_the_other_lines_are_unchanged():
    assert text("homework", {"subject": "Mathématiques", "change": "new"}, "Léa") == (
        "Nouveau travail en mathématiques pour Léa"
    )
    assert text("homework", {"subject": "EPS", "change": "changed"}, "Léa") == "Travail modifié en EPS pour Léa"
    assert text("evaluation", {"subject": "Anglais"}, "Tom") == "Nouvelle évaluation en anglais pour Tom"
    assert text("reminder", {"count": 2}, "Tom") == "Pour demain, Tom a encore 2 travaux non faits"
    assert text("unknown", {}, "Tom") == GENERIC
    assert digest(2, ["Léa", "Léa"]) == "Pendant la nuit : 2 nouveautés pour Léa"
