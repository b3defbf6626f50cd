"""Family-side communication queries: discussions a user takes part in, posts sent to them."""

from __future__ import annotations

from uuid import UUID

from api.auth.principal import Principal
from api.communication.family_structs import PostOut, QuestionOut
from api.errors import ApiError
from api.timetable.family_service import audience_of, names_by_id
from db.communication.tables import (
    InformationPost,
    InformationRecipient,
    SurveyAnswer,
    SurveyQuestion,
)
from db.core.tables import Subject, TeachingService

POST_NOT_FOUND = ApiError(404, "not_found", "Information introuvable.")


async def teachers_of_student(school_id: UUID, student_id: UUID) -> dict[UUID, list[str]]:
    """Teacher id → subjects they teach this student (through the class or a group)."""
    audience = await audience_of(school_id, student_id)
    rows = await TeachingService.raw(
        "SELECT teacher_id, subject_id FROM teaching_service WHERE school_id = {} "
        "AND (class_id = ANY({}::uuid[]) OR group_id = ANY({}::uuid[]))",
        school_id,
        audience.class_ids,
        audience.group_ids,
    )
    subject_ids = list({r["subject_id"] for r in rows})
    subjects = (
        {
            s["id"]: s["name"]
            for s in await Subject.select(Subject.id, Subject.name).where(
                (Subject.school_id == school_id) & Subject.id.is_in(subject_ids)
            )
        }
        if subject_ids
        else {}
    )
    out: dict[UUID, list[str]] = {}
    for r in rows:
        out.setdefault(r["teacher_id"], []).append(subjects.get(r["subject_id"], ""))
    return out


async def my_posts(principal: Principal, post_id: UUID | None = None) -> list[PostOut]:
    where = (InformationRecipient.school_id == principal.school_id) & (
        InformationRecipient.user_id == principal.user_id
    )
    if post_id is not None:
        where = where & (InformationRecipient.post_id == post_id)
    receipts = {r["post_id"]: r for r in await InformationRecipient.select().where(where)}
    if not receipts:
        return []
    posts = await InformationPost.raw(
        "SELECT * FROM information_post WHERE school_id = {} AND id = ANY({}::uuid[]) AND published_at <= now() "
        "ORDER BY published_at DESC",
        principal.school_id,
        list(receipts),
    )
    survey_ids = [p["id"] for p in posts if p["is_survey"]]
    questions = (
        await SurveyQuestion.select()
        .where((SurveyQuestion.school_id == principal.school_id) & SurveyQuestion.post_id.is_in(survey_ids))
        .order_by(SurveyQuestion.position)
        if survey_ids
        else []
    )
    answers = (
        {
            a["question_id"]: a["answer"]
            for a in await SurveyAnswer.select().where(
                (SurveyAnswer.school_id == principal.school_id)
                & (SurveyAnswer.user_id == principal.user_id)
                & SurveyAnswer.question_id.is_in([q["id"] for q in questions])
            )
        }
        if questions
        else {}
    )
    authors = await names_by_id(principal.school_id, {p["author_id"] for p in posts})
    by_post: dict[UUID, list[QuestionOut]] = {}
    for q in questions:
        by_post.setdefault(q["post_id"], []).append(
            QuestionOut(
                id=q["id"],
                text=q["text"],
                kind=q["kind"],
                choices=_json(q["choices"]) or [],
                answer=_json(answers.get(q["id"])),
            )
        )
    return [
        PostOut(
            id=p["id"],
            title=p["title"],
            html=p["html"],
            author=authors.get(p["author_id"], ""),
            is_survey=p["is_survey"],
            published_at=p["published_at"],
            read=receipts[p["id"]]["read_at"] is not None,
            acknowledged=receipts[p["id"]]["acknowledged_at"] is not None,
            questions=by_post.get(p["id"], []),
        )
        for p in posts
    ]


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value


async def mark_post(principal: Principal, post_id: UUID, column: str) -> None:
    """Set read_at (or acknowledged_at, which implies read) once; later calls keep the first time."""
    if not await my_posts(principal, post_id):
        raise POST_NOT_FOUND
    extra = ", read_at = COALESCE(read_at, now())" if column == "acknowledged_at" else ""
    await InformationRecipient.raw(
        f"UPDATE information_recipient SET {column} = COALESCE({column}, now()){extra} "
        + "WHERE school_id = {} AND post_id = {} AND user_id = {}",
        principal.school_id,
        post_id,
        principal.user_id,
    )
