"""Work handed in online in the demo school: in 4e A maths (the demo teacher), a past homework the
class handed in (on time, late or not at all), some returned with a comment and a corrected copy, and
a coming one still open, so Lucas can hand his in."""

from __future__ import annotations

import random
from datetime import time, timedelta

from db.homework.tables import Homework
from db.seed import plan as p
from db.seed.files import demo_pdf, stored_pdf
from db.submissions.tables import HandIn, Submission, SubmissionFile

COMMENTS = [
    "Bon travail, la méthode est claire. Attention aux signes dans la dernière ligne.",
    "Rédaction soignée. Revois la distributivité : voir la correction.",
    "Des erreurs de calcul : refais les exercices 2 et 3 avec la correction.",
    "Très bien, continue ainsi !",
]


def _rule(plan: p.Plan, homework: dict) -> dict:
    return plan.add(
        HandIn,
        homework_id=homework["id"],
        deadline=plan.at(homework["due_on"], time(8, 0)),
        accepted_types=["pdf", "jpg", "png"],
        updated_at=plan.past(plan.at(homework["given_on"], time(18, 0))),
    )


def build(plan: p.Plan) -> None:
    rng = random.Random(f"cartable-hand-ins:{plan.uai}")
    school_class = plan.classes["4e A"]
    maths = plan.subjects["MATHS"]
    mine = sorted(
        (h for h in plan.rows[Homework] if h["class_id"] == school_class.id and h["subject_id"] == maths),
        key=lambda h: h["due_on"],
    )
    past = [h for h in mine if h["due_on"] < plan.today]
    coming = [h for h in mine if h["due_on"] >= plan.today]
    if coming:
        _rule(plan, coming[0])
    if not past:
        return
    homework = past[-1]
    rule = _rule(plan, homework)
    teacher_id = homework["teacher_id"]
    copy = demo_pdf("Copie - document de demonstration", "Exercices rendus en ligne dans Cartable.")
    correction = demo_pdf("Correction - document de demonstration", "Copie corrigee par le professeur.")
    lucas = plan.featured[0]
    for student in school_class.students:
        if student.id in plan.pristine or (student is not lucas and rng.random() < 0.15):
            continue  # not handed in
        late = student is not lucas and rng.random() < 0.15
        handed = rule["deadline"] + (
            timedelta(hours=rng.randint(2, 30)) if late else -timedelta(hours=rng.randint(10, 60))
        )
        handed = plan.past(handed)
        returned = student is lucas or rng.random() < 0.5
        submission = plan.add(
            Submission,
            homework_id=homework["id"],
            student_id=student.id,
            handed_in_at=handed,
            created_at=handed,
            returned_at=plan.past(handed + timedelta(days=2)) if returned else None,
            returned_by_id=teacher_id if returned else None,
            return_comment=rng.choice(COMMENTS) if returned else "",
            return_client_id=plan.new_id().hex if returned else "",
        )
        files = [("work", student.id, handed, f"copie-{student.last_name.lower()}.pdf", copy)]
        if student is lucas:
            files.append(
                ("correction", teacher_id, plan.past(handed + timedelta(days=2)), "correction.pdf", correction)
            )
        for kind, author, when, filename, content in files:
            plan.add(
                SubmissionFile,
                submission_id=submission["id"],
                kind=kind,
                uploaded_by_id=author,
                client_id=plan.new_id().hex,
                created_at=when,
                **stored_pdf(plan, filename, content),
            )
