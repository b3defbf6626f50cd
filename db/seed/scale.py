"""Benchmark schools: the demo's density, many more people, no passwords at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from db.seed import content, names
from db.seed.builder import paris_today, seed_school
from db.seed.people import SchoolSpec

CLASS_SIZE = 25
SCALE_DEPARTMENT = 99  # UAIs 0990001x, 0990002x…: never a real school


@dataclass
class ScaleSchool:
    uai: str
    name: str
    school_id: UUID
    created: bool
    rows: dict[str, int]  # rows written by table (empty when the school already existed)


def scale_spec(number: int, students: int) -> SchoolSpec:
    """The `number`-th benchmark school (from 1), with `students` students in classes of about 25."""
    count = max(1, round(students / CLASS_SIZE))
    classes = []
    for index in range(count):
        level = content.LEVELS[index % len(content.LEVELS)]
        classes.append((f"{level} {chr(ord('A') + index // len(content.LEVELS))}", level))
    patron = names.SCHOOL_PATRONS[(number - 1) % len(names.SCHOOL_PATRONS)]
    city = names.CITIES[(number - 1) % len(names.CITIES)]
    return SchoolSpec(
        uai=names.uai(SCALE_DEPARTMENT, number),
        name=f"Collège {patron}",
        academy="Poitiers",
        city=city,
        classes=classes,
        students=students,
    )


async def seed_scale(*, schools: int, students_per_school: int, today: date | None = None) -> list[ScaleSchool]:
    """Create benchmark schools 1..`schools` that do not exist yet (each in its own transaction)."""
    today = today or paris_today()
    results = []
    for number in range(1, schools + 1):
        spec = scale_spec(number, students_per_school)
        school_id, created, rows = await seed_school(spec, today=today)
        results.append(ScaleSchool(spec.uai, spec.name, school_id, created, rows))
    return results
