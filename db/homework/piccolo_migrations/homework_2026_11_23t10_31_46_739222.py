"""One homework per teacher request: a retried POST with the same client_id finds the first one."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-23T10:31:46:739222"
VERSION = "1.38.0"
DESCRIPTION = "homework client_id unique per teacher"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="homework", description=DESCRIPTION)
    manager.add_raw(
        run_statements(
            [
                "CREATE UNIQUE INDEX homework_client_id_uq ON homework (school_id, teacher_id, client_id) "
                "WHERE client_id <> ''",
            ]
        )
    )
    return manager
