"""The demo school's report cards for the term being evaluated: every teacher's appreciations and
the councils' in all classes, published to families except in 4e A, where the demo maths teacher has
some appreciations left to write and the council has not met yet."""

from __future__ import annotations

import random
from datetime import time, timedelta

from db.bulletins.tables import ReportCardAppreciation, ReportCardCouncil, ReportCardPublication
from db.seed import activity
from db.seed import plan as p

# By the student's expected mark out of 20: (lowest ability, appreciations, council's words, mention).
BANDS = [
    (15.0, ["Excellent trimestre, travail approfondi et participation de qualité.", "Très bons résultats, bravo."],
     "Excellent trimestre, félicitations pour ce travail sérieux.", "felicitations"),
    (13.0, ["Bon trimestre, travail régulier et sérieux.", "De bons résultats, continuez ainsi."],
     "Bon trimestre dans l'ensemble, avec de réels progrès.", "compliments"),
    (11.0, ["Trimestre correct ; davantage de rigueur permettrait de progresser.", "Des efforts, à poursuivre."],
     "Un trimestre encourageant : les efforts doivent se poursuivre.", "encouragements"),
    (8.5, ["Résultats fragiles : il faut apprendre les leçons plus régulièrement.", "Manque de travail personnel."],
     "Trimestre fragile : un travail plus régulier est attendu.", ""),
    (0.0, ["Trimestre difficile : les bases sont à revoir, l'aide aux devoirs est conseillée.",
           "Des difficultés importantes ; n'hésitez pas à poser des questions."],
     "Trimestre difficile : un rendez-vous avec la famille est proposé.", "mise_en_garde_travail"),
]  # fmt: skip
UNPUBLISHED_CLASS = "4e A"


def _band(student: p.Student):
    return next(band for band in BANDS if student.ability >= band[0])


def build(plan: p.Plan) -> None:
    rng = random.Random(f"cartable-bulletins:{plan.uai}")
    period = activity.evaluation_period(plan)
    cpe = next(person for person in plan.staff if person.role == "staff" and person.state == "ready")
    admin = next(person for person in plan.staff if person.role == "admin")
    demo_teacher = plan.services[(UNPUBLISHED_CLASS, "MATHS", None)]
    written = plan.past(plan.at(plan.today - timedelta(days=2), time(20, 0)))
    for (class_name, subject, key), teacher in plan.services.items():
        for student in plan.students_of(class_name, key):
            if teacher is demo_teacher and class_name == UNPUBLISHED_CLASS and rng.random() < 0.5:
                continue  # left for the demo teacher to write
            plan.add(
                ReportCardAppreciation,
                period_id=period.id,
                student_id=student.id,
                subject_id=plan.subjects[subject],
                teacher_id=teacher.id,
                text=rng.choice(_band(student)[1]),
                updated_at=written,
            )
    visible_from = max(period.starts_on, plan.today - timedelta(days=1))
    for school_class in plan.classes.values():
        if school_class.name == UNPUBLISHED_CLASS:
            continue
        for student in school_class.students:
            _, _, words, mention = _band(student)
            plan.add(
                ReportCardCouncil,
                period_id=period.id,
                student_id=student.id,
                appreciation=words,
                mention=mention,
                updated_by_id=cpe.id,
                updated_at=written,
            )
        plan.add(
            ReportCardPublication,
            period_id=period.id,
            class_id=school_class.id,
            visible_from=visible_from,
            published_by_id=admin.id,
            updated_at=written,
        )
