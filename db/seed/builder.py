"""Build one school's plan, then write it in one transaction unless the school already exists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from api.clock import now, today_in
from db.seed import activity, communication, people, timetable, writer
from db.seed.people import SchoolSpec
from db.seed.plan import PARIS, Plan
from piccolo_conf import DB

Hook = Callable[[Plan], None]


def paris_today() -> date:
    return today_in(PARIS)


def build_plan(
    spec: SchoolSpec, *, today: date, after_people: Hook | None = None, after_all: Hook | None = None
) -> Plan:
    plan = Plan(uai=spec.uai, today=today, now=now().astimezone(PARIS))
    people.build(plan, spec)
    if after_people:
        after_people(plan)
    timetable.build(plan)
    activity.build(plan)
    communication.build(plan)
    if after_all:
        after_all(plan)
    return plan


async def seed_school(
    spec: SchoolSpec, *, today: date, after_people: Hook | None = None, after_all: Hook | None = None
) -> tuple[UUID, bool, dict[str, int]]:
    """Seed `spec` unless a school with its UAI exists; return (school id, created, rows by table)."""
    existing = await writer.School.select(writer.School.id).where(writer.School.uai == spec.uai).first()
    if existing:
        return existing["id"], False, {}
    plan = build_plan(spec, today=today, after_people=after_people, after_all=after_all)
    await writer.hash_passwords(plan)
    async with DB.transaction():
        existing = await writer.lock_and_find(spec.uai)  # another seeder may have been quicker
        if existing:
            return existing["id"], False, {}
        counts = await writer.write(plan)
    return plan.school_id, True, counts
