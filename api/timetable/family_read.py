"""The family timetable's SQL: a student's lessons between two days, as PostgreSQL-built JSON.

`lessons_json(first, last)` is a fragment: a JSON array of `LessonOut`, for the audience row `a`
(from `family_audience`) of school `$1`, between the SQL expressions `first` and `last`. The home
screen (Accueil) embeds it twice. The week also carries the school events the student's classes see
(api/events/read.py).
"""

from api.events.read import events_json

UNKNOWN_COLOR = "#777777"

# The school's subjects, read once per fragment (a few dozen rows) and matched in memory: joined row by
# row, the generic plan of a deployment with many schools looks each one up in a deep index.
SUBJECTS_CTE = "subjects AS MATERIALIZED (SELECT id, name, color FROM subject WHERE school_id = $1)"


def lessons_json(first: str, last: str) -> str:
    return f"""coalesce((
    WITH {SUBJECTS_CTE}
    SELECT json_agg(json_build_object(
        'id', l.id, 'date', l.date, 'starts_at', l.starts_at, 'ends_at', l.ends_at,
        'subject', coalesce(s.name, ''), 'color', coalesce(s.color, '{UNKNOWN_COLOR}'),
        'teacher', coalesce(display_name(t.first_name, t.last_name), ''),
        'room', l.room, 'status', l.status, 'status_note', l.status_note,
        'has_content', EXISTS (SELECT 1 FROM lesson_content c WHERE c.school_id = $1 AND c.lesson_id = l.id)
    ) ORDER BY l.date, l.starts_at)
    FROM lesson l
    LEFT JOIN subjects s ON s.id = l.subject_id
    LEFT JOIN app_user t ON t.school_id = $1 AND t.id = l.teacher_id
    WHERE l.school_id = $1 AND reaches(a.class_ids, a.group_ids, l.class_id, l.group_id)
      AND l.date BETWEEN {first} AND {last}
), '[]')"""


# $1 school, $2 reader, $3 student, $4 first day, $5 last day.
TIMETABLE_SQL = f"""
SELECT json_build_object(
    'student_id', a.student_id, 'start', $4::date, 'end', $5::date,
    'lessons', {lessons_json("$4::date", "$5::date")},
    'events', {events_json("$4::date", "$5::date", classes="a.class_ids")}
)::text
FROM family_audience($1, $2, $3) a
"""
