"""Distribute the known browsers by school: composite key and reference (db/sharding.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T04:12:10:131576"
VERSION = "1.38.0"
DESCRIPTION = "shard known browsers by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    manager.add_raw(run_statements([
        'ALTER TABLE known_browser DROP CONSTRAINT known_browser_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE known_browser ADD CONSTRAINT known_browser_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE known_browser ADD CONSTRAINT known_browser_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS known_browser_user_id_idx ON known_browser (school_id, user_id)',
    ]))
    return manager
