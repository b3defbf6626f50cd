"""Discussions, information posts and surveys."""

from piccolo.columns import JSONB, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import User
from db.sharding import Ref


class Discussion(Table, tablename="discussion"):
    id = primary_key()
    school_id = school_key()
    subject = Varchar(length=200)
    created_by_id = ref()
    about_student_id = ref(null=True)
    created_at = created_at()
    last_message_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)  # closed by the school: no more replies
    client_id = Varchar(length=64, default="")  # idempotency key of the request that started it


class DiscussionParticipant(Table, tablename="discussion_participant"):
    id = primary_key()
    school_id = school_key()
    discussion_id = ref()
    user_id = ref()
    last_read_at = Timestamptz(null=True, default=None)


class Message(Table, tablename="message"):
    id = primary_key()
    school_id = school_key()
    discussion_id = ref()
    author_id = ref()
    body = Text()
    created_at = created_at()
    client_id = Varchar(length=64, default="")  # idempotency key from the sender's device


class InformationPost(Table, tablename="information_post"):
    """An "information" or a survey ("sondage") sent to a set of recipients."""

    id = primary_key()
    school_id = school_key()
    author_id = ref()
    title = Varchar(length=200)
    html = Text()
    is_survey = Boolean(default=False)
    published_at = Timestamptz()
    audience = JSONB(default={})  # how recipients were chosen: {"classes": [...], "roles": [...]}


class InformationRecipient(Table, tablename="information_recipient"):
    id = primary_key()
    school_id = school_key()
    post_id = ref()
    user_id = ref()
    read_at = Timestamptz(null=True, default=None)
    acknowledged_at = Timestamptz(null=True, default=None)


class SurveyQuestion(Table, tablename="survey_question"):
    id = primary_key()
    school_id = school_key()
    post_id = ref()
    position = Integer()
    text = Varchar(length=300)
    kind = Varchar(length=10)  # single | multiple | text
    choices = JSONB(default=[])


class SurveyAnswer(Table, tablename="survey_answer"):
    id = primary_key()
    school_id = school_key()
    question_id = ref()
    user_id = ref()
    answer = JSONB()  # list of choice indexes, or {"text": ...}
    answered_at = created_at()  # when the reader answered (their device's time): the latest answer wins
    client_id = Varchar(length=64, default="")  # idempotency key of the answer's request


SHARDED_TABLES = [
    Discussion,
    DiscussionParticipant,
    Message,
    InformationPost,
    InformationRecipient,
    SurveyQuestion,
    SurveyAnswer,
]
REFERENCES = [
    Ref(Discussion, "created_by_id", User),
    Ref(Discussion, "about_student_id", User),
    Ref(DiscussionParticipant, "discussion_id", Discussion, "CASCADE"),
    Ref(DiscussionParticipant, "user_id", User, "CASCADE"),
    Ref(Message, "discussion_id", Discussion, "CASCADE"),
    Ref(Message, "author_id", User),
    Ref(InformationPost, "author_id", User),
    Ref(InformationRecipient, "post_id", InformationPost, "CASCADE"),
    Ref(InformationRecipient, "user_id", User, "CASCADE"),
    Ref(SurveyQuestion, "post_id", InformationPost, "CASCADE"),
    Ref(SurveyAnswer, "question_id", SurveyQuestion, "CASCADE"),
    Ref(SurveyAnswer, "user_id", User, "CASCADE"),
]
INDEXES = [
    "CREATE UNIQUE INDEX discussion_participant_uq ON discussion_participant (school_id, discussion_id, user_id)",
    "CREATE INDEX message_discussion_time_idx ON message (school_id, discussion_id, created_at)",
    # A resent write acts once, even when both copies arrive at the same time.
    "CREATE UNIQUE INDEX message_client_uq ON message (school_id, discussion_id, author_id, client_id) "
    "WHERE client_id <> ''",
    "CREATE UNIQUE INDEX discussion_client_uq ON discussion (school_id, created_by_id, client_id) "
    "WHERE client_id <> ''",
    "CREATE UNIQUE INDEX information_recipient_uq ON information_recipient (school_id, post_id, user_id)",
    "CREATE UNIQUE INDEX survey_answer_uq ON survey_answer (school_id, question_id, user_id)",
]
