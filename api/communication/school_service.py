"""School-side communication: post information or a survey to classes/groups (their students and/or
parents), follow acknowledgements and answers, and talk with families in discussions.

Messages are plain text (shown with textContent); information HTML goes through the one sanitiser.
A resent message (same client_id from the same author) is stored once.
"""

from __future__ import annotations

import json
from datetime import timedelta
from uuid import UUID

from api.auth.principal import Principal
from api.auth.scope import require_student
from api.clock import now
from api.communication.discussions import (
    DiscussionDetail,
    my_participation,
    read_discussion,
    start_discussion,
    write_message,
)
from api.communication.school_structs import (
    ContactIn,
    PostDetail,
    PostIn,
    PostSummary,
    QuestionResult,
    RecipientLine,
    ReplyIn,
)
from api.errors import ApiError
from api.html import sanitize_html
from api.push import events
from api.ratelimit import limit
from api.timetable.school_service import require_audience, students_of
from db.communication.tables import (
    InformationPost,
    InformationRecipient,
    SurveyAnswer,
    SurveyQuestion,
)
from db.core.tables import Guardianship, User

POST_NOT_FOUND = ApiError(404, "not_found", "Information introuvable.")


async def _names(school_id: UUID, ids) -> dict[UUID, dict]:
    ids = list(set(ids))
    if not ids:
        return {}
    rows = await User.select(User.id, User.first_name, User.last_name, User.role).where(
        (User.school_id == school_id) & User.id.is_in(ids)
    )
    return {r["id"]: r for r in rows}


def _full(user: dict | None) -> str:
    return f"{user['first_name']} {user['last_name']}" if user else ""


async def _parents_of(school_id: UUID, student_ids: list[UUID]) -> list[UUID]:
    if not student_ids:
        return []
    rows = await Guardianship.select(Guardianship.parent_id).where(
        (Guardianship.school_id == school_id) & Guardianship.student_id.is_in(student_ids)
    )
    return [r["parent_id"] for r in rows]


async def post_information(principal: Principal, data: PostIn) -> PostSummary:
    if not data.class_ids and not data.group_ids:
        raise ApiError(400, "no_recipients", "Choisissez au moins une classe ou un groupe.")
    students: set[UUID] = set()
    for class_id in dict.fromkeys(data.class_ids):
        await require_audience(principal, class_id, None)
        students |= {s["id"] for s in await students_of(principal.school_id, class_id, None)}
    for group_id in dict.fromkeys(data.group_ids):
        await require_audience(principal, None, group_id)
        students |= {s["id"] for s in await students_of(principal.school_id, None, group_id)}
    recipients: set[UUID] = set()
    if "students" in data.to:
        recipients |= students
    if "parents" in data.to:
        recipients |= set(await _parents_of(principal.school_id, list(students)))
    if not recipients:
        raise ApiError(400, "no_recipients", "Aucun destinataire dans les classes ou groupes choisis.")
    for question in data.questions:
        if question.kind != "text" and len(question.choices) < 2:
            raise ApiError(400, "survey_choices", "Une question à choix doit proposer au moins deux réponses.")
    html = sanitize_html(data.html)
    if not html and not data.questions:
        raise ApiError(400, "empty_post", "Écrivez le texte de l'information.")
    await limit("school_post", str(principal.user_id), max_hits=60, window=timedelta(hours=1))
    post = InformationPost(
        school_id=principal.school_id,
        author_id=principal.user_id,
        title=data.title.strip(),
        html=html,
        is_survey=bool(data.questions),
        published_at=data.publish_at or now(),
        audience={
            "classes": [str(c) for c in data.class_ids],
            "groups": [str(g) for g in data.group_ids],
            "roles": list(data.to),
        },
    )
    async with events.transaction():
        await post.save()
        await _save_recipients(principal, post, recipients, students, data)
    return (await my_posts(principal, post.id))[0]


async def _save_recipients(principal: Principal, post, recipients: set[UUID], students: set[UUID], data: PostIn):
    """The post's recipients and questions, and a notification for each recipient (about which child)."""
    await InformationRecipient.insert(
        *[
            InformationRecipient(school_id=principal.school_id, post_id=post.id, user_id=user_id)
            for user_id in recipients
        ]
    )
    for position, question in enumerate(data.questions):
        await SurveyQuestion.insert(
            SurveyQuestion(
                school_id=principal.school_id,
                post_id=post.id,
                position=position,
                text=question.text.strip(),
                kind=question.kind,
                choices=question.choices if question.kind != "text" else [],
            )
        )
    # One event per (reader, child the post reaches them through): a parent of two children hears of it
    # once per device, about a child whose "information" is not muted there (api/push/events.py).
    about = {(user_id, user_id) for user_id in recipients & students}
    links = await Guardianship.select(Guardianship.parent_id, Guardianship.student_id).where(
        (Guardianship.school_id == principal.school_id) & Guardianship.student_id.is_in(list(students) or [post.id])
    )
    about |= {(link["parent_id"], link["student_id"]) for link in links if link["parent_id"] in recipients}
    await events.record(
        principal.school_id,
        [
            events.Event(
                "information",
                student_id,
                "messages/infos",
                {"survey": post.is_survey},
                user_id=user_id,
                source_id=post.id,
                not_before=post.published_at,
            )
            for user_id, student_id in sorted(about, key=str)
        ],
    )


async def my_posts(principal: Principal, post_id: UUID | None = None) -> list[PostSummary]:
    where = (InformationPost.school_id == principal.school_id) & (InformationPost.author_id == principal.user_id)
    if post_id:
        where = where & (InformationPost.id == post_id)
    posts = await InformationPost.select().where(where).order_by(InformationPost.published_at, ascending=False)
    if not posts:
        return []
    receipts = await InformationRecipient.select().where(
        (InformationRecipient.school_id == principal.school_id)
        & InformationRecipient.post_id.is_in([p["id"] for p in posts])
    )
    counts: dict[UUID, list[int]] = {p["id"]: [0, 0, 0] for p in posts}
    for r in receipts:
        counts[r["post_id"]][0] += 1
        counts[r["post_id"]][1] += r["read_at"] is not None
        counts[r["post_id"]][2] += r["acknowledged_at"] is not None
    return [
        PostSummary(
            id=p["id"],
            title=p["title"],
            is_survey=p["is_survey"],
            published_at=p["published_at"],
            recipients=counts[p["id"]][0],
            read=counts[p["id"]][1],
            acknowledged=counts[p["id"]][2],
        )
        for p in posts
    ]


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


async def post_detail(principal: Principal, post_id: UUID) -> PostDetail:
    post = (
        await InformationPost.select()
        .where(
            (InformationPost.school_id == principal.school_id)
            & (InformationPost.id == post_id)
            & (InformationPost.author_id == principal.user_id)
        )
        .first()
    )
    if post is None:
        raise POST_NOT_FOUND
    receipts = await InformationRecipient.select().where(
        (InformationRecipient.school_id == principal.school_id) & (InformationRecipient.post_id == post_id)
    )
    people = await _names(principal.school_id, [r["user_id"] for r in receipts])
    lines = sorted(
        (
            RecipientLine(
                user_id=r["user_id"],
                name=_full(people.get(r["user_id"])),
                role=people.get(r["user_id"], {}).get("role", ""),
                read_at=r["read_at"],
                acknowledged_at=r["acknowledged_at"],
            )
            for r in receipts
        ),
        key=lambda line: line.name,
    )
    questions = (
        await SurveyQuestion.select()
        .where((SurveyQuestion.school_id == principal.school_id) & (SurveyQuestion.post_id == post_id))
        .order_by(SurveyQuestion.position)
    )
    answers = (
        await SurveyAnswer.select().where(
            (SurveyAnswer.school_id == principal.school_id)
            & SurveyAnswer.question_id.is_in([q["id"] for q in questions])
        )
        if questions
        else []
    )
    results = []
    for q in questions:
        choices = _json(q["choices"]) or []
        counts, texts, answered = [0] * len(choices), [], 0
        for a in answers:
            if a["question_id"] != q["id"]:
                continue
            answered += 1
            value = _json(a["answer"])
            if isinstance(value, dict):
                texts.append(str(value.get("text", "")))
            else:
                for index in value or []:
                    if isinstance(index, int) and 0 <= index < len(counts):
                        counts[index] += 1
        results.append(
            QuestionResult(
                id=q["id"],
                text=q["text"],
                kind=q["kind"],
                choices=choices,
                counts=counts,
                texts=texts,
                answered=answered,
            )
        )
    return PostDetail(
        id=post["id"],
        title=post["title"],
        html=post["html"],
        is_survey=post["is_survey"],
        published_at=post["published_at"],
        recipients=lines,
        questions=results,
    )


async def contact_family(principal: Principal, data: ContactIn) -> DiscussionDetail:
    await require_student(principal, data.student_id)
    parents = await _parents_of(principal.school_id, [data.student_id])
    family = parents + ([data.student_id] if data.with_student else [])
    if not family:
        raise ApiError(400, "no_family", "Aucun responsable légal n'est enregistré pour cet élève.")
    discussion_id = await start_discussion(
        principal,
        subject=data.subject.strip(),
        about_student_id=data.student_id,
        participants=family,
        body=data.body.strip(),
        client_id=data.client_id,
        limit_key="school_discussion",
        max_hits=100,
    )
    return await read_discussion(principal, discussion_id)


async def reply(principal: Principal, discussion_id: UUID, data: ReplyIn) -> DiscussionDetail:
    await my_participation(principal, discussion_id)
    await write_message(principal, discussion_id, data.body.strip(), data.client_id)
    return await read_discussion(principal, discussion_id)
