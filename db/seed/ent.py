"""The demo school's ENT settings: where its external tiles lead, and who reads the students' alerts
(with two alerts already sent, one of them taken into account, and the audit log of their reads)."""

from __future__ import annotations

import random
from datetime import time, timedelta

from db.alerts.tables import AlertRead, AlertRecipient, AlertSettings, StudentAlert
from db.portal.tables import SchoolLink
from db.seed import plan as p

# The collège's site is the one the seed document names, in https.
LINKS = {
    "site-college": "https://etab.ac-poitiers.fr/coll-commynes-niort/",
    "site-rectorat": "https://www.ac-poitiers.fr/",
    "esidoc": "https://0790011h.esidoc.fr/",
    "conseil-departemental": "https://www.deux-sevres.fr/",
}
ALERTS = [
    ("witness", "harcelement", "Dans la cour, deux élèves de 5e prennent tous les jours le goûter d'un petit de 6e "
     "et se moquent de lui. Il n'ose rien dire.", 6, True),
    ("victim", "cyberharcelement", "On a créé un faux compte avec ma photo et des gens de la classe écrivent des "
     "méchancetés dessous. Je ne veux plus venir au collège.", 1, False),
]  # fmt: skip


def build(plan: p.Plan) -> None:
    rng = random.Random(f"cartable-ent:{plan.uai}")
    admin = next(person for person in plan.staff if person.role == "admin")
    for key, url in LINKS.items():
        plan.add(SchoolLink, app_key=key, url=url, updated_by_id=admin.id, updated_at=plan.set_up_at)
    cpe = next(person for person in plan.staff if person.role == "staff" and person.state == "ready")
    principal = next(person for person in plan.staff if person.role == "staff" and person is not cpe)
    plan.add(AlertSettings, enabled=True, updated_by_id=admin.id, updated_at=plan.set_up_at)
    for person in (cpe, principal):
        plan.add(AlertRecipient, user_id=person.id, created_at=plan.set_up_at)
    featured = {student.id for student in plan.featured}
    authors = [s for s in plan.students if s.id not in featured and s.id not in plan.pristine]
    for (role, category, body, days_ago, acknowledged), author in zip(ALERTS, rng.sample(authors, len(ALERTS))):
        sent = plan.past(plan.at(plan.today - timedelta(days=days_ago), time(rng.randint(12, 20), rng.randint(0, 59))))
        alert = plan.add(
            StudentAlert,
            student_id=author.id,
            role=role,
            category=category,
            body=body,
            client_id=plan.new_id().hex,
            created_at=sent,
            acknowledged_at=plan.past(sent + timedelta(hours=15)) if acknowledged else None,
            acknowledged_by_id=cpe.id if acknowledged else None,
        )
        if acknowledged:
            for hours in (14, 15, 40):
                plan.add(
                    AlertRead, alert_id=alert["id"], reader_id=cpe.id, read_at=plan.past(sent + timedelta(hours=hours))
                )
