"""The contact directory's indexes (a deployment-wide reference table: no composite keys)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T01:26:43:455207"
VERSION = "1.38.0"
DESCRIPTION = "contact directory indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_raw(run_statements([
        'CREATE UNIQUE INDEX contact_directory_uq ON contact_directory (contact, school_id, user_id)',
        'CREATE INDEX contact_directory_account_idx ON contact_directory (school_id, user_id)',
        'ALTER TABLE contact_directory ADD CONSTRAINT contact_directory_school_fk '
        'FOREIGN KEY (school_id) REFERENCES school (id)',
    ]))
    return manager
