"""An absence or lateness is recorded once per lesson and student, and a parent's report once per
period: two copies of the same roll call or report sent at once used to both pass the "already
there?" check and leave a duplicate. Duplicates already stored are merged first, keeping the one
a person worked on (justified), then the oldest; the foreign-key indexes on (school_id, lesson_id)
are dropped: the new unique indexes start with those columns."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-12-07T12:40:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "one absence per lesson and student, one family report per period"


def _keep_first(table: str, partition: str, order: str, where: str) -> str:
    return f"""DELETE FROM {table} WHERE (school_id, id) IN (
        SELECT school_id, id FROM (
            SELECT school_id, id, row_number() OVER (PARTITION BY {partition} ORDER BY {order}) AS copy
            FROM {table} WHERE {where}) copies
        WHERE copy > 1)"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vie_scolaire", description=DESCRIPTION)
    manager.add_raw(
        run_statements(
            [
                _keep_first(
                    "absence",
                    "school_id, lesson_id, student_id",
                    "justification_state = 'unjustified', created_at, id",
                    "lesson_id IS NOT NULL",
                ),
                _keep_first(
                    "absence",
                    "school_id, reported_by_id, student_id, starts_at, ends_at",
                    "justification_state = 'unjustified', created_at, id",
                    "lesson_id IS NULL AND reported_by_id IS NOT NULL",
                ),
                _keep_first(
                    "lateness",
                    "school_id, lesson_id, student_id",
                    "justified DESC, created_at DESC, id",
                    "lesson_id IS NOT NULL",
                ),
                "CREATE UNIQUE INDEX absence_lesson_uq ON absence (school_id, lesson_id, student_id)",
                "CREATE UNIQUE INDEX absence_family_period_uq ON absence "
                "(school_id, reported_by_id, student_id, starts_at, ends_at) WHERE lesson_id IS NULL",
                "CREATE UNIQUE INDEX lateness_lesson_uq ON lateness (school_id, lesson_id, student_id)",
                "DROP INDEX IF EXISTS absence_lesson_id_idx",
                "DROP INDEX IF EXISTS lateness_lesson_id_idx",
            ]
        )
    )
    return manager
