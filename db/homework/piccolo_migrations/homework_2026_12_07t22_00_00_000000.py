"""A student's "Fait" of one homework is found by one index lookup (school, student, homework)
in the family lists, instead of reading every row of the student and filtering."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-12-07T22:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "homework done by student and homework"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="homework", description=DESCRIPTION)
    manager.add_raw(
        run_statements(
            [
                "DROP INDEX homework_done_by_student_idx",
                "CREATE INDEX homework_done_by_student_idx ON homework_done (school_id, student_id, homework_id)",
            ]
        )
    )
    return manager
