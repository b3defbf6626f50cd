"""proof_jti_write distributable by school, one jti per school, expired rows found by date."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-12-07T03:25:38:740380"
VERSION = "1.38.0"
DESCRIPTION = "proof_jti_write shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="devices", description=DESCRIPTION)
    manager.add_raw(
        run_statements(
            [
                "ALTER TABLE proof_jti_write DROP CONSTRAINT proof_jti_write_pkey, ADD PRIMARY KEY (school_id, id)",
                "ALTER TABLE proof_jti_write ADD CONSTRAINT proof_jti_write_school_fk "
                "FOREIGN KEY (school_id) REFERENCES school (id)",
                "CREATE UNIQUE INDEX proof_jti_write_uq ON proof_jti_write (school_id, jti)",
                "CREATE INDEX proof_jti_write_expires_idx ON proof_jti_write (school_id, expires_at)",
            ]
        )
    )
    return manager
