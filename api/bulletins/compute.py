"""What a period's published evaluations say, per student and subject: the average on 20 and the
competence positioning; and the students' attendance over the period.

Only evaluations the families can already read count (published, publish_at passed), so a bulletin
never shows a mark the family has not seen. Everything is read as of a moment (`as_of`: now, or when
a published bulletin is frozen, api/bulletins/frozen.py): evaluations published later and absences or
lateness recorded later do not count. Every query names the school by equality.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from uuid import UUID

import msgspec

from api.bulletins.structs import Attendance
from db.evaluations.tables import LEVELS, Evaluation

# The four levels as points, and back: the positioning is the level nearest the mean.
POINTS = {"tres_bonne": 4, "satisfaisante": 3, "fragile": 2, "insuffisante": 1}

_AVERAGES_SQL = """
SELECT g.student_id, e.subject_id,
       sum(g.value / e.out_of * 20 * coalesce(e.coefficient, 1)) / sum(coalesce(e.coefficient, 1)) AS average
FROM grade g
JOIN evaluation e ON e.school_id = g.school_id AND e.id = g.evaluation_id
WHERE g.school_id = {} AND e.school_id = {} AND e.period_id = {} AND g.student_id = ANY({})
  AND e.publish_at IS NOT NULL AND e.publish_at <= {} AND e.graded AND e.out_of > 0 AND g.value IS NOT NULL
GROUP BY g.student_id, e.subject_id
"""

_POSITIONING_SQL = """
SELECT r.student_id, e.subject_id,
       avg(CASE r.level WHEN 'tres_bonne' THEN 4 WHEN 'satisfaisante' THEN 3 WHEN 'fragile' THEN 2 ELSE 1 END)
         AS points
FROM competence_result r
JOIN evaluation e ON e.school_id = r.school_id AND e.id = r.evaluation_id
WHERE r.school_id = {} AND e.school_id = {} AND e.period_id = {} AND r.student_id = ANY({})
  AND e.publish_at IS NOT NULL AND e.publish_at <= {}
GROUP BY r.student_id, e.subject_id
"""

# Half-days (morning, afternoon) of absence in the school's time zone, and lateness, over the period.
_ATTENDANCE_SQL = """
SELECT a.student_id,
       count(DISTINCT (a.starts_at AT TIME ZONE {})::date
                      || (extract(hour FROM a.starts_at AT TIME ZONE {}) >= 12)::text) AS half_days,
       count(DISTINCT (a.starts_at AT TIME ZONE {})::date
                      || (extract(hour FROM a.starts_at AT TIME ZONE {}) >= 12)::text)
         FILTER (WHERE a.justification_state <> 'justified') AS unjustified,
       0 AS late
FROM absence a
WHERE a.school_id = {} AND a.student_id = ANY({})
  AND (a.starts_at AT TIME ZONE {})::date BETWEEN {} AND {} AND a.created_at <= {}
GROUP BY a.student_id
UNION ALL
SELECT l.student_id, 0, 0, count(*)
FROM lateness l
WHERE l.school_id = {} AND l.student_id = ANY({})
  AND (l.occurred_at AT TIME ZONE {})::date BETWEEN {} AND {} AND l.created_at <= {}
GROUP BY l.student_id
"""


def positioning(points: float | None) -> str | None:
    if points is None:
        return None
    return min(POINTS, key=lambda level: abs(POINTS[level] - points))


def positioning_label(points: float | None) -> str | None:
    level = positioning(points)
    return LEVELS[level] if level else None


def mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 2) if values else None


class PeriodResults(msgspec.Struct):
    averages: dict[tuple[UUID, UUID], float]  # (student, subject) -> average on 20
    points: dict[tuple[UUID, UUID], float]  # (student, subject) -> mean competence points


async def period_results(school_id: UUID, period_id: UUID, student_ids: list[UUID], as_of: datetime) -> PeriodResults:
    if not student_ids:
        return PeriodResults({}, {})
    ids = list(set(student_ids))
    averages = await Evaluation.raw(_AVERAGES_SQL, school_id, school_id, period_id, ids, as_of)
    points = await Evaluation.raw(_POSITIONING_SQL, school_id, school_id, period_id, ids, as_of)
    return PeriodResults(
        averages={(r["student_id"], r["subject_id"]): round(float(r["average"]), 2) for r in averages},
        points={(r["student_id"], r["subject_id"]): float(r["points"]) for r in points},
    )


def subject_averages_by_student(results: PeriodResults) -> dict[UUID, dict[UUID, float]]:
    out: dict[UUID, dict[UUID, float]] = defaultdict(dict)
    for (student_id, subject_id), average in results.averages.items():
        out[student_id][subject_id] = average
    return out


async def attendance(
    school_id: UUID, zone: str, starts_on: date, ends_on: date, student_ids: list[UUID], as_of: datetime
) -> dict[UUID, Attendance]:
    out: dict[UUID, Attendance] = defaultdict(Attendance)
    if not student_ids:
        return out
    rows = await Evaluation.raw(
        _ATTENDANCE_SQL,
        zone, zone, zone, zone, school_id, student_ids, zone, starts_on, ends_on, as_of,
        school_id, student_ids, zone, starts_on, ends_on, as_of,
    )  # fmt: skip
    for row in rows:
        seen = out[row["student_id"]]
        seen.absent_half_days += row["half_days"]
        seen.unjustified_half_days += row["unjustified"]
        seen.late += row["late"]
    return out
