"""A parent's absence report is idempotent by its client id (a phone resending after a lost answer)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T02:50:55:657866"
VERSION = "1.38.0"
DESCRIPTION = "absence client id unique per reporter"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vie_scolaire", description=DESCRIPTION)
    manager.add_raw(run_statements([
        "CREATE UNIQUE INDEX absence_client_uq ON absence (school_id, reported_by_id, client_id) WHERE client_id <> ''",
    ]))
    return manager
