"""A reader answers a survey, possibly from a phone that was offline for a while.

Each request carries a client id (a resend of the same answer changes nothing) and the moment the
reader answered on their device: the latest answer wins, so an answer typed offline on Monday and
sent on Wednesday does not overwrite the one given from the desktop on Tuesday; it is refused with a
409 that says so, and the phone keeps it for the reader to look at.
"""

from __future__ import annotations

import json
from datetime import timedelta

from api.auth.principal import Principal
from api.clock import now
from api.communication.family_service import POST_NOT_FOUND, mark_post, my_post
from api.communication.family_structs import Answers
from api.errors import ApiError
from db.communication.tables import SurveyAnswer
from piccolo_conf import DB

CLOCK_SKEW = timedelta(minutes=5)  # a device clock in the future must not win every later answer
ANSWER_OUTDATED = ApiError(
    409,
    "answer_outdated",
    "Une réponse plus récente a déjà été enregistrée (depuis un autre appareil) : elle est conservée. "
    "Votre réponse hors ligne n'a pas été envoyée.",
)
_SAVE = """
INSERT INTO survey_answer (id, school_id, question_id, user_id, answer, answered_at, client_id)
VALUES (gen_random_uuid(), $1, $2, $3, $4::jsonb, $5, $6)
ON CONFLICT (school_id, question_id, user_id) DO UPDATE
SET answer = EXCLUDED.answer, answered_at = EXCLUDED.answered_at, client_id = EXCLUDED.client_id
"""


def _value(question, answer):
    if question.kind == "text":
        text = (answer.text or "").strip()
        if not text or len(text) > 2000:
            raise ApiError(400, "invalid", "Réponse vide ou trop longue.", details={str(question.id): "text"})
        return {"text": text}
    choices = sorted(set(answer.choices or []))
    if (
        not choices
        or any(c < 0 or c >= len(question.choices) for c in choices)
        or (question.kind == "single" and len(choices) != 1)
    ):
        raise ApiError(400, "invalid", "Choix invalide.", details={str(question.id): "choices"})
    return choices


async def answer_survey(principal: Principal, post_id, data: Answers, client_id: str) -> None:
    post = await my_post(principal, post_id)
    if not post.is_survey:
        raise POST_NOT_FOUND
    if data.answered_at is not None and data.answered_at.tzinfo is None:
        raise ApiError(400, "invalid", "Date de réponse sans fuseau horaire.", details={"answered_at": "timezone"})
    answered_at = min(data.answered_at or now(), now() + CLOCK_SKEW)
    questions = {q.id: q for q in post.questions}
    values = []
    for answer in data.answers:
        question = questions.get(answer.question_id)
        if question is None:
            raise ApiError(400, "invalid", "Question inconnue.", details={"question_id": str(answer.question_id)})
        values.append((question.id, json.dumps(_value(question, answer))))
    mine = (
        (SurveyAnswer.school_id == principal.school_id)
        & (SurveyAnswer.user_id == principal.user_id)
        & SurveyAnswer.question_id.is_in(list(questions) or [post_id])
    )
    async with DB.transaction():
        stored = await SurveyAnswer.select(SurveyAnswer.answered_at, SurveyAnswer.client_id).where(mine).lock_rows()
        if client_id and any(row["client_id"] == client_id for row in stored):
            return  # this very answer, sent again
        if any(row["answered_at"] > answered_at for row in stored):
            raise ANSWER_OUTDATED
        connection = DB.current_transaction.get().connection
        for question_id, value in values:
            await connection.execute(
                _SAVE, principal.school_id, question_id, principal.user_id, value, answered_at, client_id
            )
    await mark_post(principal, post_id, "read_at")
