"""The family homework list's SQL ("Travail à faire"), as PostgreSQL-built JSON.

`homework_items_json(first, last)` is a fragment: a JSON array of `HomeworkItem` due between the SQL
expressions `first` and `last`, for the audience row `a` (from `family_audience`) of school `$1`,
ordered by due date, then given date, each with its hand-in setting and the student's hand-in when
it is "à rendre" (api/homework/submissions_read.py). The home screen embeds it for "Pour demain".
"""

from api.audience import reached
from api.homework.submissions_read import hand_in_json, submission_summary_json
from api.timetable.family_read import SUBJECTS_CTE, UNKNOWN_COLOR

CONTENT_LOOKBACK_DAYS = 14


def _lesson_content_object(lesson: str, subject: str) -> str:
    return f"""json_build_object(
        'lesson_id', {lesson}.id, 'date', {lesson}.date,
        'subject', coalesce({subject}.name, ''), 'color', coalesce({subject}.color, '{UNKNOWN_COLOR}'),
        'title', c.title, 'html', c.html)"""


# The lesson of a lesson content `c`, looked up after the content: most homework has none, and the lesson
# lookup is then skipped (OFFSET 0 keeps the order; joined plainly, a generic plan looked up the lesson
# first, for every item).
_LESSON_COLUMNS = "l.id, l.date, l.starts_at, l.subject_id"
_LESSON_OF_CONTENT = f"""(SELECT {_LESSON_COLUMNS} FROM lesson l
                          WHERE l.school_id = $1 AND l.id = c.lesson_id OFFSET 0)"""


def homework_items_json(first: str, last: str) -> str:
    # The student's "Fait" is a LATERAL lookup (OFFSET 0 keeps it one): joined plainly, the generic
    # plan of a deployment with many schools read all of the student's rows for each item instead.
    return f"""coalesce((
    WITH {SUBJECTS_CTE}
    SELECT json_agg(json_build_object(
        'id', h.id, 'subject', coalesce(s.name, ''), 'color', coalesce(s.color, '{UNKNOWN_COLOR}'),
        'teacher', coalesce(display_name(t.first_name, t.last_name), ''),
        'given_on', h.given_on, 'due_on', h.due_on, 'html', h.html, 'estimated_minutes', h.estimated_minutes,
        'attachments', coalesce((
            SELECT json_agg(json_build_object(
                'id', f.id, 'filename', f.filename, 'content_type', f.content_type, 'size_bytes', f.size_bytes,
                'url', '/api/homework/' || h.id || '/attachments/' || f.id) ORDER BY f.created_at)
            FROM homework_attachment f WHERE f.school_id = $1 AND f.homework_id = h.id), '[]'),
        'done', coalesce(d.done, false), 'done_changed_at', api_timestamp(d.changed_at),
        'lesson_content', (
            SELECT {_lesson_content_object("l", "ls")}
            FROM lesson_content c
            CROSS JOIN LATERAL {_LESSON_OF_CONTENT} l
            LEFT JOIN subjects ls ON ls.id = l.subject_id
            WHERE c.school_id = $1 AND c.lesson_id = h.lesson_id),
        'hand_in', {hand_in_json("r")}, 'submission', {submission_summary_json("sub", "r")}
    ) ORDER BY h.due_on, h.given_on, h.id)
    FROM homework h
    LEFT JOIN subjects s ON s.id = h.subject_id
    LEFT JOIN app_user t ON t.school_id = $1 AND t.id = h.teacher_id
    LEFT JOIN LATERAL (
        SELECT d.done, d.changed_at FROM homework_done d
        WHERE d.school_id = $1 AND d.student_id = a.student_id AND d.homework_id = h.id OFFSET 0
    ) d ON true
    LEFT JOIN homework_hand_in r ON r.school_id = $1 AND r.homework_id = h.id
    LEFT JOIN homework_submission sub ON sub.school_id = $1 AND sub.homework_id = h.id
                                     AND sub.student_id = a.student_id
    WHERE h.school_id = $1 AND reaches(a.class_ids, a.group_ids, h.class_id, h.group_id)
      AND h.due_on BETWEEN {first} AND {last}
), '[]')"""


# The lesson content ("contenu du cours") of the student's lessons since two weeks before `first`, and
# of the lessons the listed homework was given in (even older), latest first. The contents are read by
# one index scan over those lessons' ids (PostgreSQL walks sorted keys in one pass), not a lookup each.
# While a school's contents are few (a new school year), a generic plan may read them whole instead,
# and `= ANY (array)` then compares each with every lesson id (a hundred). `IN (…) IS TRUE` next to it is
# a hashed membership test (inside an expression, PostgreSQL keeps it a test, not a join). Measured on
# the bench's one school, which had that plan: the index scan is chosen again, 22 % less CPU per list;
# on fifty schools the plan is unchanged.
def _recent_contents_json(first: str, last: str) -> str:
    since = f"{first} - {CONTENT_LOOKBACK_DAYS}"
    return f"""coalesce((
    WITH {SUBJECTS_CTE}, lessons AS MATERIALIZED (
        SELECT {_LESSON_COLUMNS} FROM {reached("lesson", "l", f"l.date BETWEEN {since} AND {last}", _LESSON_COLUMNS)}
        UNION
        SELECT {_LESSON_COLUMNS} FROM homework h
        JOIN lesson_content c ON c.school_id = $1 AND c.lesson_id = h.lesson_id
        CROSS JOIN LATERAL {_LESSON_OF_CONTENT} l
        WHERE h.school_id = $1 AND reaches(a.class_ids, a.group_ids, h.class_id, h.group_id)
          AND h.due_on BETWEEN {first} AND {last} AND l.date >= {since}
    )
    SELECT json_agg({_lesson_content_object("r", "s")} ORDER BY r.date DESC, r.starts_at DESC)
    FROM lesson_content c
    JOIN lessons r ON r.id = c.lesson_id
    LEFT JOIN subjects s ON s.id = r.subject_id
    WHERE c.school_id = $1 AND c.lesson_id = ANY (ARRAY(SELECT id FROM lessons))
      AND (c.lesson_id IN (SELECT id FROM lessons)) IS TRUE
), '[]')"""


# $1 school, $2 reader, $3 student, $4 first due date, $5 last due date.
HOMEWORK_LIST_SQL = f"""
SELECT json_build_object(
    'student_id', a.student_id, 'start', $4::date, 'end', $5::date,
    'items', {homework_items_json("$4::date", "$5::date")},
    'contents', {_recent_contents_json("$4::date", "$5::date")}
)::text
FROM family_audience($1, $2, $3) a
"""

# Does homework $2 reach student $3 of reader $4 in school $1? (the "Fait" toggle, hand-ins) NULL when
# the student is not the reader's (themself or a child), false when the homework does not reach them.
HOMEWORK_REACHES_SQL = """
SELECT EXISTS (
    SELECT 1 FROM homework h
    WHERE h.school_id = $1 AND h.id = $2 AND reaches(a.class_ids, a.group_ids, h.class_id, h.group_id)
)
FROM family_audience($1, $4, $3) a
"""
