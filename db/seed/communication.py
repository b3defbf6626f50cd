"""Discussions between families and the school, an information post and a survey."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from db.communication.tables import (
    Discussion,
    DiscussionParticipant,
    InformationPost,
    InformationRecipient,
    Message,
    SurveyAnswer,
    SurveyQuestion,
)
from db.seed import content, texts
from db.seed import plan as p


def add_discussion(
    plan: p.Plan,
    subject: str,
    messages: list[tuple[p.Person, str, datetime]],
    *,
    others: list[p.Person] = (),
    about: p.Student | None = None,
    unread_by: list[p.Person] = (),
) -> None:
    """A discussion started by the first message's author; everyone has read it unless in `unread_by`."""
    participants = list(dict.fromkeys([author for author, _, _ in messages] + list(others)))
    last = messages[-1][2]
    discussion = plan.add(
        Discussion,
        subject=subject,
        created_by_id=messages[0][0].id,
        about_student_id=about.id if about else None,
        created_at=messages[0][2],
        last_message_at=last,
    )
    for person in participants:
        if person in unread_by:
            own = [moment for author, _, moment in messages if author is person]
            read = max(own) if own else None
        else:
            read = plan.past(last + timedelta(minutes=plan.rng.randint(3, 300)))
        plan.add(DiscussionParticipant, discussion_id=discussion["id"], user_id=person.id, last_read_at=read)
    for author, body, moment in messages:
        plan.add(Message, discussion_id=discussion["id"], author_id=author.id, body=body, created_at=moment)


def _day_at(plan: p.Plan, days_ago: int, hour: int, minute: int) -> datetime:
    return plan.past(plan.at(plan.today - timedelta(days=days_ago), time(hour, minute)))


def _later(plan: p.Plan, moment: datetime) -> datetime:
    """A reply a few hours to a day later, between 7h and 22h."""
    later = moment + timedelta(hours=plan.rng.randint(2, 26), minutes=plan.rng.randint(0, 59))
    if later.hour < 7 or later.hour >= 22:
        later = later.replace(hour=plan.rng.randint(7, 9)) + timedelta(days=1 if later.hour >= 22 else 0)
    return plan.past(later)


def build(plan: p.Plan) -> None:
    rng = plan.rng
    # Families of the demo accounts get hand-written discussions only.
    candidates = [
        s
        for s in plan.students
        if s.parents
        and s not in plan.featured
        and all(parent.state == "inactive" and parent.id not in plan.pristine for parent in s.parents)
    ]
    picked = rng.sample(candidates, min(len(candidates), len(texts.DISCUSSIONS)))
    for (subject_line, exchange), student in zip(texts.DISCUSSIONS, picked):
        parent = student.parents[0]
        subject_code = rng.choice(list(texts.SUBJECT_WORDS))
        teacher = plan.services[(student.class_name, subject_code, None)]
        word = texts.SUBJECT_WORDS[subject_code]
        moment = _day_at(plan, rng.randint(4, 12), rng.randint(18, 21), rng.randint(0, 59))
        meeting = moment.date() + timedelta(days=3)
        while meeting.weekday() not in (1, 3):  # a Tuesday or a Thursday evening
            meeting += timedelta(days=1)
        messages = []
        for from_parent, body in exchange:
            author = parent if from_parent else teacher
            text = body.format(
                child=student.first_name,
                of_child=content.of(student.first_name),
                subject=word,
                of_subject=content.of(word),
                parent=parent.name,
                teacher=f"{teacher.first_name[0]}. {teacher.last_name}",
                day=content.french_date(meeting),
            )
            messages.append((author, text, moment))
            moment = _later(plan, moment)
        add_discussion(plan, subject_line, messages, about=student, unread_by=[parent] if rng.random() < 0.3 else [])
    outing(plan)
    survey(plan)


def _recipients(
    plan: p.Plan, post: dict, parents: list[p.Person], *, read: float, acknowledged: float, answered: dict | None = None
) -> None:
    published = post["published_at"]
    for parent in parents:
        read_at = acknowledged_at = None
        if answered and parent.id in answered:
            read_at = plan.past(answered[parent.id] - timedelta(minutes=plan.rng.randint(1, 4)))
        elif parent.state == "ready" or parent.id in plan.pristine:
            pass  # demo accounts discover it themselves
        elif plan.rng.random() < read:
            read_at = plan.past(published + timedelta(minutes=plan.rng.randint(10, 3000)))
            if plan.rng.random() < acknowledged:
                acknowledged_at = plan.past(read_at + timedelta(minutes=plan.rng.randint(0, 5)))
        plan.add(
            InformationRecipient,
            post_id=post["id"],
            user_id=parent.id,
            read_at=read_at,
            acknowledged_at=acknowledged_at,
        )


def _parents_of(students: list[p.Student]) -> list[p.Person]:
    return list(dict.fromkeys(parent for student in students for parent in student.parents))


def outing(plan: p.Plan) -> None:
    school_class = plan.classes[plan.outing_class]
    author = plan.services[(school_class.name, "HG", None)]
    html = texts.FUTUROSCOPE.format(
        class_name=school_class.name,
        day=content.french_date(plan.outing_day),
        author=f"{author.first_name} {author.last_name}, professeur d'histoire-géographie",
    )
    post = plan.add(
        InformationPost,
        author_id=author.id,
        title="Sortie au Futuroscope",
        html=html,
        is_survey=False,
        published_at=_day_at(plan, 3, 10, 12),
        audience={"classes": [str(school_class.id)], "roles": ["parent"]},
    )
    _recipients(plan, post, _parents_of(school_class.students), read=0.7, acknowledged=0.8)


def survey(plan: p.Plan) -> None:
    rng = plan.rng
    author = plan.staff[1] if len(plan.staff) > 1 else plan.staff[0]
    first = plan.today + timedelta(days=14 - plan.today.weekday())  # Monday in two weeks
    slots = [f"{content.french_date(first + timedelta(days=offset)).capitalize()}, 17h–19h" for offset in (0, 1, 3)]
    html = texts.SURVEY_HTML.format(
        deadline=content.french_date(plan.today + timedelta(days=7)),
        author=f"{author.first_name} {author.last_name}, principale du collège"
        if author.gender == "F"
        else f"{author.first_name} {author.last_name}, principal du collège",
    )
    post = plan.add(
        InformationPost,
        author_id=author.id,
        title=texts.SURVEY_TITLE,
        html=html,
        is_survey=True,
        published_at=_day_at(plan, 2, 16, 45),
        audience={"classes": [], "roles": ["parent"]},
    )
    questions = [
        ("single", "Quel créneau vous convient le mieux ?", slots),
        ("multiple", "Quels enseignants souhaitez-vous rencontrer ?", texts.SURVEY_TEACHERS),
        ("text", "Avez-vous une question ou une contrainte particulière ?", []),
    ]
    rows = [
        plan.add(SurveyQuestion, post_id=post["id"], position=position, text=text, kind=kind, choices=choices)
        for position, (kind, text, choices) in enumerate(questions, 1)
    ]
    parents = list(plan.parents)
    answering = [parent for parent in parents if parent.state != "ready" and parent.id not in plan.pristine]
    answers = {
        parent.id: _day_at(plan, rng.randint(0, 1), rng.randint(7, 21), rng.randint(0, 59))
        for parent in rng.sample(answering, min(len(answering), max(3, len(parents) // 6)))
    }
    _recipients(plan, post, parents, read=0.3, acknowledged=0.0, answered=answers)
    for parent in (parent for parent in parents if parent.id in answers):
        answered = answers[parent.id]
        plan.add(
            SurveyAnswer,
            question_id=rows[0]["id"],
            user_id=parent.id,
            answer=[rng.randrange(len(slots))],
            answered_at=answered,
        )
        picks = sorted(rng.sample(range(len(texts.SURVEY_TEACHERS)), rng.randint(1, 3)))
        plan.add(SurveyAnswer, question_id=rows[1]["id"], user_id=parent.id, answer=picks, answered_at=answered)
        if rng.random() < 0.3:
            plan.add(
                SurveyAnswer,
                question_id=rows[2]["id"],
                user_id=parent.id,
                answer={"text": rng.choice(texts.SURVEY_COMMENTS)},
                answered_at=answered,
            )
