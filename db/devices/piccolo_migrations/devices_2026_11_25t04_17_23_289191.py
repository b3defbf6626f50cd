"""A client id names one "Ouvrir sur cet ordinateur" of one user: unique within the school's shard."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T04:17:23:289191"
VERSION = "1.38.0"
DESCRIPTION = "pairing client ids unique per user"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="devices", description=DESCRIPTION)
    manager.add_raw(
        run_statements(
            ["CREATE UNIQUE INDEX pairing_client_uq ON pairing (school_id, user_id, client_id) WHERE client_id <> ''"]
        )
    )
    return manager
