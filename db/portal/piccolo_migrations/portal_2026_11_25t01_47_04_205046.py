"""Make the portal tables distributable by school: composite keys and references, unique rules."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T01:47:04:205046"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and unique rules (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE school_link DROP CONSTRAINT school_link_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE school_link ADD CONSTRAINT school_link_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE school_link ADD CONSTRAINT school_link_updated_by_id_fk FOREIGN KEY (school_id, updated_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS school_link_updated_by_id_idx ON school_link (school_id, updated_by_id)',
        'CREATE UNIQUE INDEX school_link_uq ON school_link (school_id, app_key)',
    ]))

    return manager
