"""The family "Vie scolaire" SQL: a student's absences, lateness, remarks and punishments, as JSON.

$1 school, $2 reader, $3 student; no row when the student is not the reader's.
"""

JUSTIFICATION_LABELS = {
    "unjustified": "Non justifiée",
    "pending": "Justification en attente",
    "justified": "Justifiée",
    "refused": "Justification refusée",
}


def _label(column: str) -> str:
    whens = " ".join(f"WHEN '{key}' THEN '{label}'" for key, label in JUSTIFICATION_LABELS.items())
    return f"CASE {column} {whens} ELSE '' END"


def _author(column: str) -> str:
    return (
        "coalesce((SELECT display_name(u.first_name, u.last_name) FROM app_user u "
        f"WHERE u.school_id = $1 AND u.id = {column}), '')"
    )


VIE_SCOLAIRE_SQL = f"""
SELECT json_build_object(
    'student_id', a.student_id,
    'absences', coalesce((
        SELECT json_agg(json_build_object(
            'id', x.id, 'starts_at', api_timestamp(x.starts_at), 'ends_at', api_timestamp(x.ends_at),
            'reason', x.reason, 'justification_state', x.justification_state,
            'justification_label', {_label("x.justification_state")},
            'reported_by_family', coalesce(x.reported_by_id IN (a.student_id, $2), false)
        ) ORDER BY x.starts_at DESC)
        FROM absence x WHERE x.school_id = $1 AND x.student_id = a.student_id), '[]'),
    'lateness', coalesce((
        SELECT json_agg(json_build_object(
            'id', x.id, 'occurred_at', api_timestamp(x.occurred_at), 'minutes', x.minutes,
            'justified', x.justified, 'reason', x.reason
        ) ORDER BY x.occurred_at DESC)
        FROM lateness x WHERE x.school_id = $1 AND x.student_id = a.student_id), '[]'),
    'remarks', coalesce((
        SELECT json_agg(json_build_object(
            'id', x.id, 'kind', x.kind, 'text', x.text, 'author', {_author("x.author_id")},
            'created_at', api_timestamp(x.created_at)
        ) ORDER BY x.created_at DESC)
        FROM remark x WHERE x.school_id = $1 AND x.student_id = a.student_id), '[]'),
    'punishments', coalesce((
        SELECT json_agg(json_build_object(
            'id', x.id, 'kind', x.kind, 'reason', x.reason, 'due_on', x.due_on, 'done', x.done,
            'author', {_author("x.author_id")}
        ) ORDER BY x.created_at DESC)
        FROM punishment x WHERE x.school_id = $1 AND x.student_id = a.student_id), '[]')
)::text
FROM family_audience($1, $2, $3) a
"""
