"""Distribute the pairing tables by school: composite keys and references, replay-guard indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-23T09:17:37:337214"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="devices", description=DESCRIPTION)
    manager.add_raw(run_statements([
        'ALTER TABLE pairing DROP CONSTRAINT pairing_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE pairing ADD CONSTRAINT pairing_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE device_token DROP CONSTRAINT device_token_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE device_token ADD CONSTRAINT device_token_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE proof_jti DROP CONSTRAINT proof_jti_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE proof_jti ADD CONSTRAINT proof_jti_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE pairing ADD CONSTRAINT pairing_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS pairing_user_id_idx ON pairing (school_id, user_id)',
        'ALTER TABLE device_token ADD CONSTRAINT device_token_device_id_fk FOREIGN KEY (school_id, device_id) REFERENCES device (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS device_token_device_id_idx ON device_token (school_id, device_id)',
        'CREATE UNIQUE INDEX proof_jti_uq ON proof_jti (school_id, jti)',
        'CREATE INDEX proof_jti_expires_idx ON proof_jti (school_id, expires_at)',
    ]))

    return manager
