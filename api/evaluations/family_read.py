"""The family "Compétences / Notes" SQL: published evaluations of a period, by subject, as JSON.

$1 school, $2 reader, $3 student, $4 period (NULL: the current one, else the last), $5 today,
$6 now (publication time). The body, or PERIOD_UNKNOWN when $4 is not a period of the school; no row
when the student is not the reader's.
"""

from db.evaluations.tables import LEVELS


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_LEVEL_LABEL = (
    "CASE r.level "
    + " ".join(f"WHEN {_sql_text(key)} THEN {_sql_text(label)}" for key, label in LEVELS.items())
    + " ELSE '' END"
)

PERIOD_UNKNOWN = "period_unknown"  # not JSON: cannot be mistaken for a body

EVALUATIONS_SQL = f"""
WITH a AS (SELECT * FROM family_audience($1, $2, $3)),
periods AS (SELECT id, name, starts_on, ends_on FROM period WHERE school_id = $1),
chosen AS (
    SELECT coalesce(
        $4::uuid,
        (SELECT id FROM periods WHERE starts_on <= $5::date AND $5::date <= ends_on ORDER BY starts_on LIMIT 1),
        (SELECT id FROM periods ORDER BY starts_on DESC LIMIT 1)) AS id
),
published AS (
    SELECT e.id, e.subject_id, e.title, e.given_on,
           CASE WHEN e.graded THEN g.value::float8 END AS grade, coalesce(g.status, '') AS grade_status,
           e.out_of::float8 AS out_of, e.coefficient::float8 AS coefficient, a.student_id,
           e.graded AND g.value IS NOT NULL AND e.out_of <> 0 AS counts
    FROM a CROSS JOIN chosen
    JOIN evaluation e ON e.school_id = $1 AND e.period_id = chosen.id
    LEFT JOIN grade g ON g.school_id = $1 AND g.evaluation_id = e.id AND g.student_id = a.student_id
    WHERE e.publish_at IS NOT NULL AND e.publish_at <= $6::timestamptz
      AND reaches(a.class_ids, a.group_ids, e.class_id, e.group_id)
),
by_subject AS (
    SELECT p.subject_id,
           json_agg(json_build_object(
               'id', p.id, 'title', p.title, 'given_on', p.given_on, 'grade', p.grade,
               'grade_status', p.grade_status, 'out_of', p.out_of, 'coefficient', p.coefficient,
               'competences', coalesce((
                   SELECT json_agg(json_build_object('code', coalesce(c.code, ''), 'label', coalesce(c.label, ''),
                                                     'level', r.level, 'level_label', {_LEVEL_LABEL})
                                   ORDER BY c.code, r.id)
                   FROM competence_result r LEFT JOIN competence c ON c.school_id = $1 AND c.id = r.competence_id
                   WHERE r.school_id = $1 AND r.student_id = p.student_id AND r.evaluation_id = p.id), '[]')
           ) ORDER BY p.given_on DESC, p.title) AS evaluations,
           -- On 20, weighted by coefficient (1 when none), rounded half-even to 2 decimals as Python's round().
           round(sum(p.grade / p.out_of * 20 * coalesce(p.coefficient, 1)) FILTER (WHERE p.counts)
                 / sum(coalesce(p.coefficient, 1)) FILTER (WHERE p.counts) * 100) / 100 AS average
    FROM published p GROUP BY p.subject_id
)
SELECT CASE WHEN $4::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM periods WHERE id = $4::uuid)
            THEN '{PERIOD_UNKNOWN}' ELSE json_build_object(
    'student_id', a.student_id,
    'periods', coalesce((
        SELECT json_agg(json_build_object('id', id, 'name', name, 'starts_on', starts_on, 'ends_on', ends_on)
                        ORDER BY starts_on)
        FROM periods), '[]'),
    'period_id', (SELECT id FROM chosen),
    'subjects', coalesce((
        SELECT json_agg(json_build_object('subject', s.name, 'color', s.color, 'average', b.average,
                                          'evaluations', b.evaluations) ORDER BY s.name COLLATE "C")
        FROM by_subject b JOIN subject s ON s.school_id = $1 AND s.id = b.subject_id), '[]')
)::text END
FROM a
"""
