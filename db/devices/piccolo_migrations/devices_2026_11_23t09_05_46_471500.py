"""Make the devices tables distributable by school: composite keys and references, hot-read indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-23T09:05:46:471500"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="devices", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and hot-read indexes (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE device DROP CONSTRAINT device_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE device ADD CONSTRAINT device_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE device ADD CONSTRAINT device_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS device_user_id_idx ON device (school_id, user_id)',
    ]))

    return manager
