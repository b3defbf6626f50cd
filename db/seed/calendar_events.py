"""The demo school's calendar: the year's holidays (zone A, approximate), the outing the teachers
wrote about, the parents' evening of the survey, and each class's council at the end of the term."""

from __future__ import annotations

from datetime import date, time, timedelta

from db.events.tables import SchoolEvent, SchoolEventClass
from db.seed import content
from db.seed import plan as p


def _holidays(first_year: int) -> list[tuple[str, date, date]]:
    y, n = first_year, first_year + 1
    return [
        ("Vacances de la Toussaint", date(y, 10, 18), date(y, 11, 2)),
        ("Vacances de Noël", date(y, 12, 20), date(n, 1, 4)),
        ("Vacances d'hiver", date(n, 2, 7), date(n, 2, 22)),
        ("Vacances de printemps", date(n, 4, 4), date(n, 4, 19)),
    ]


def _event(
    plan: p.Plan, author, kind, title, first, last=None, times=(None, None), details="", location="", classes=()
):
    event = plan.add(
        SchoolEvent,
        kind=kind,
        title=title,
        details=details,
        location=location,
        first_day=first,
        last_day=last or first,
        starts_at=times[0],
        ends_at=times[1],
        created_by_id=author.id,
        updated_at=plan.set_up_at,
        client_id="",
    )
    for school_class in classes:
        plan.add(SchoolEventClass, event_id=event["id"], class_id=school_class.id)


def build(plan: p.Plan) -> None:
    cpe = next(person for person in plan.staff if person.role == "staff" and person.state == "ready")
    for title, first, last in _holidays(plan.year_start.year):
        _event(plan, cpe, "holiday", title, first, last, details="Reprise des cours le lundi suivant.")
    outing_class = plan.classes[plan.outing_class]
    _event(
        plan, cpe, "outing", "Sortie au Futuroscope", plan.outing_day, times=(time(8, 0), time(18, 30)),
        details="Départ en car devant le collège. Prévoir un pique-nique.", location="Futuroscope (Chasseneuil)",
        classes=[outing_class],
    )  # fmt: skip
    evening = plan.today + timedelta(days=14 - plan.today.weekday())  # the Monday of the survey's slots
    _event(
        plan, cpe, "parents_evening", "Rencontres parents-professeurs", evening, evening + timedelta(days=3),
        times=(time(17, 0), time(19, 0)), location="Salles du bâtiment B",
        details="Sur rendez-vous : répondez au sondage de la direction pour choisir votre créneau.",
    )  # fmt: skip
    term_end = plan.current_period.ends_on
    for number, school_class in enumerate(sorted(plan.classes.values(), key=lambda c: c.name)):
        day = term_end - timedelta(days=3 + number)
        while day.weekday() > 4:
            day -= timedelta(days=1)
        _event(
            plan, cpe, "class_council", f"Conseil de classe — {school_class.name}", day,
            times=(time(17, 30), time(19, 0)), location="Salle du conseil", classes=[school_class],
            details=f"Conseil du {plan.current_period.name.lower()} ({content.french_date(day)}).",
        )  # fmt: skip
