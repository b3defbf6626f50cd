"""Writing a plan: one transaction, parents before children, COPY for speed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable

from piccolo.columns import JSON, JSONB
from piccolo.columns.defaults.base import Default
from piccolo.table import Table

from api.accounts.directory import contact_keys
from api.auth.passwords import hash_password
from db.alerts.tables import SHARDED_TABLES as ALERTS_TABLES
from db.bulletins.tables import SHARDED_TABLES as BULLETINS_TABLES
from db.canteen.tables import SHARDED_TABLES as CANTEEN_TABLES
from db.communication.tables import (
    Discussion,
    DiscussionParticipant,
    InformationPost,
    InformationRecipient,
    Message,
    SurveyAnswer,
    SurveyQuestion,
)
from db.core.tables import (
    ContactDirectory,
    Enrolment,
    GroupMembership,
    Guardianship,
    LoginIdentifier,
    Period,
    School,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingGroup,
    TeachingService,
    User,
)
from db.evaluations.tables import Competence, CompetenceResult, Evaluation, EvaluationCompetence, Grade
from db.events.tables import SHARDED_TABLES as EVENTS_TABLES
from db.homework.tables import Homework, HomeworkDone
from db.portal.tables import SHARDED_TABLES as PORTAL_TABLES
from db.seed import names, people
from db.seed.plan import Plan
from db.submissions.tables import SHARDED_TABLES as SUBMISSIONS_TABLES
from db.teleservices.tables import SHARDED_TABLES as TELESERVICES_TABLES  # listed parents first
from db.timetable.tables import Lesson, LessonContent
from db.vie_scolaire.tables import Absence, Lateness, Punishment, Remark
from piccolo_conf import DB

# Composite foreign keys (school_id, x_id) need parents first.
TABLE_ORDER: list[type[Table]] = [
    School,
    SchoolYear,
    Period,
    Subject,
    SchoolClass,
    TeachingGroup,
    User,
    LoginIdentifier,
    ContactDirectory,
    Guardianship,
    Enrolment,
    GroupMembership,
    TeachingService,
    Lesson,
    LessonContent,
    Homework,
    HomeworkDone,
    Competence,
    Evaluation,
    EvaluationCompetence,
    CompetenceResult,
    Grade,
    Absence,
    Lateness,
    Remark,
    Punishment,
    Discussion,
    DiscussionParticipant,
    Message,
    InformationPost,
    InformationRecipient,
    SurveyQuestion,
    SurveyAnswer,
    *TELESERVICES_TABLES,
    *PORTAL_TABLES,
    *BULLETINS_TABLES,
    *SUBMISSIONS_TABLES,
    *CANTEEN_TABLES,
    *EVENTS_TABLES,
    *ALERTS_TABLES,
]
# Serialises seeders: identifiers are allocated against what the directory holds.
SEED_LOCK = 7_420_314


async def lock_and_find(uai: str):
    """In the open transaction: wait for other seeders, then return the school with this UAI, if any."""
    await DB.run_ddl(f"SELECT pg_advisory_xact_lock({SEED_LOCK})")
    return await School.select(School.id).where(School.uai == uai).first()


async def taken_identifiers(plan: Plan) -> set[str]:
    """Identifiers already in the directory that could clash with this plan's people."""
    bases = sorted({names.identifier_base(person.first_name, person.last_name) for person in plan.people})
    rows = await LoginIdentifier.raw(
        "SELECT identifier FROM login_identifier WHERE rtrim(identifier, '0123456789') = ANY({})", bases
    )
    return {row["identifier"] for row in rows}


async def hash_passwords(plan: Plan) -> None:
    """argon2 is slow on purpose: only the few demo accounts get a password, hashed in parallel."""
    accounts = [person for person in plan.people if person.password]
    hashes = await asyncio.gather(*(asyncio.to_thread(hash_password, person.password) for person in accounts))
    for person, password_hash in zip(accounts, hashes):
        plan.user_rows[person.id]["password_hash"] = password_hash


async def write(plan: Plan) -> dict[str, int]:
    """Insert every queued row (inside the caller's transaction); return row counts by table."""
    people.assign_identifiers(plan, await taken_identifiers(plan))
    # The deployment-wide contact directory (api/accounts/directory.py) knows every phone and e-mail.
    for user_id, row in plan.user_rows.items():
        for contact in contact_keys(row.get("phone"), row.get("email")):
            plan.add(ContactDirectory, contact=contact, user_id=user_id)
    unknown = set(plan.rows) - set(TABLE_ORDER)
    if unknown:
        raise RuntimeError(f"No insertion order for {sorted(t._meta.tablename for t in unknown)}")
    counts = {}
    for table in TABLE_ORDER:
        rows = plan.rows.get(table, [])
        if rows:
            await copy_rows(table, rows)
            # Fresh statistics let the foreign-key checks of the next tables use their indexes.
            await DB.run_ddl(f"ANALYZE {table._meta.tablename}")
            counts[table._meta.tablename] = len(rows)
    return counts


async def copy_rows(table: type[Table], rows: Iterable[dict]) -> None:
    """COPY rows into `table` on the current transaction's connection; missing columns get their defaults."""
    transaction = DB.current_transaction.get()
    if transaction is None:
        raise RuntimeError("copy_rows must run inside DB.transaction()")
    columns = table._meta.columns
    known = {column._meta.name for column in columns}
    records = []
    for row in rows:
        extra = set(row) - known
        if extra:
            raise ValueError(f"{table._meta.tablename} has no column {sorted(extra)}")
        records.append(tuple(_value(column, row) for column in columns))
    await transaction.connection.copy_records_to_table(
        table._meta.tablename, records=records, columns=[column._meta.db_column_name for column in columns]
    )


def _value(column, row: dict):
    name = column._meta.name
    if name in row:
        value = row[name]
    else:
        value = column.get_default_value()
        if isinstance(value, Default):
            value = value.python()
    if isinstance(column, (JSON, JSONB)) and value is not None and not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False)
    return value
