"""The hand-in SQL the family reads share, as PostgreSQL-built JSON ("Travail à rendre").

Fragments for a homework `h` of school `$1`, its hand-in rule `r` (`homework_hand_in`, LEFT JOINed:
no row, not "à rendre") and the student's submission `sub` (`homework_submission`, LEFT JOINed: no
row, nothing handed in yet), for the audience row `a` (from `family_audience`), reader `$2`:
- `hand_in_json("r")`: a `HandInOut`, or null when the homework is not to hand in online;
- `submission_summary_json("sub", "r")`: a `SubmissionSummary` (the homework list's badge), or null;
- `HAND_IN_ITEMS_SQL` / `ONE_HAND_IN_SQL`: the student's `HandInItem`s with the files and the return.

Late or on time is decided as in submissions_service.status_of (the teacher's report, built in
Python): by the last file's time against the deadline; tests/test_hand_ins.py checks both agree.
"""

from api.attachments import TYPE_NAMES
from api.homework.submissions_structs import STATUS_LABELS
from api.read_models import sql_label
from api.timetable.family_read import UNKNOWN_COLOR


def hand_in_json(rule: str) -> str:
    label = f"""(SELECT string_agg({sql_label("t.code", TYPE_NAMES)}, ', ' ORDER BY t.n)
        FROM unnest({rule}.accepted_types) WITH ORDINALITY t(code, n))"""
    return f"""CASE WHEN {rule}.id IS NOT NULL THEN json_build_object(
        'deadline', api_timestamp({rule}.deadline), 'accepted_types', to_json({rule}.accepted_types),
        'accepted_label', {label}) END"""


def _status(submission: str, rule: str) -> str:
    return f"""CASE WHEN {submission}.handed_in_at IS NULL THEN 'missing'
        WHEN {submission}.handed_in_at > {rule}.deadline THEN 'late' ELSE 'on_time' END"""


def submission_summary_json(submission: str, rule: str) -> str:
    work_files = f"""(SELECT count(*) FROM homework_submission_file f
        WHERE f.school_id = $1 AND f.submission_id = {submission}.id AND f.kind = 'work')"""
    return f"""CASE WHEN {rule}.id IS NOT NULL THEN json_build_object(
        'status', {_status(submission, rule)}, 'handed_in_at', api_timestamp({submission}.handed_in_at),
        'file_count', {work_files}, 'returned_at', api_timestamp({submission}.returned_at),
        'has_comment', coalesce({submission}.return_comment <> '', false)) END"""


def _files_json(submission: str, kind: str) -> str:
    url = "'/api/students/' || a.student_id || '/homework/' || h.id || '/submission/files/' || f.id"
    return f"""coalesce((SELECT json_agg(json_build_object(
            'id', f.id, 'filename', f.filename, 'content_type', f.content_type, 'size_bytes', f.size_bytes,
            'created_at', api_timestamp(f.created_at), 'url', {url}) ORDER BY f.created_at)
        FROM homework_submission_file f
        WHERE f.school_id = $1 AND f.submission_id = {submission}.id AND f.kind = '{kind}'), '[]')"""


def _submission_json(submission: str, rule: str) -> str:
    status = _status(submission, rule)
    return f"""json_build_object(
        'status', {status}, 'status_label', {sql_label(status, STATUS_LABELS)},
        'handed_in_at', api_timestamp({submission}.handed_in_at), 'files', {_files_json(submission, "work")},
        'returned_at', api_timestamp({submission}.returned_at),
        'return_comment', coalesce({submission}.return_comment, ''),
        'corrections', {_files_json(submission, "correction")})"""


_ITEM = f"""json_build_object(
    'homework_id', h.id, 'subject', coalesce(s.name, ''), 'color', coalesce(s.color, '{UNKNOWN_COLOR}'),
    'teacher', coalesce(display_name(t.first_name, t.last_name), ''),
    'given_on', h.given_on, 'due_on', h.due_on, 'html', h.html,
    'hand_in', {hand_in_json("r")}, 'submission', {_submission_json("sub", "r")},
    'can_hand_in', a.student_id = $2 AND sub.returned_at IS NULL)"""

_JOINS = """homework h
    JOIN homework_hand_in r ON r.school_id = $1 AND r.homework_id = h.id
    LEFT JOIN subject s ON s.school_id = $1 AND s.id = h.subject_id
    LEFT JOIN app_user t ON t.school_id = $1 AND t.id = h.teacher_id
    LEFT JOIN homework_submission sub ON sub.school_id = $1 AND sub.homework_id = h.id
                                     AND sub.student_id = a.student_id"""
_REACHES = "h.school_id = $1 AND reaches(a.class_ids, a.group_ids, h.class_id, h.group_id)"

# $1 school, $2 reader, $3 student, $4 the first due date listed (a month back, for the returns).
HAND_IN_ITEMS_SQL = f"""
SELECT coalesce((
    SELECT json_agg({_ITEM} ORDER BY r.deadline, h.id) FROM {_JOINS} WHERE {_REACHES} AND h.due_on >= $4::date
), '[]')::text
FROM family_audience($1, $2, $3) a
"""

# $1 school, $2 reader, $3 student, $4 homework: the item, or no row (not theirs, or not to hand in).
ONE_HAND_IN_SQL = f"""
SELECT {_ITEM}::text
FROM family_audience($1, $2, $3) a CROSS JOIN {_JOINS}
WHERE {_REACHES} AND h.id = $4::uuid
"""
