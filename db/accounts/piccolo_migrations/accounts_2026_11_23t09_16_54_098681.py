"""Distribute the account-flow tables by school: composite keys and references, hot-read indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-23T09:16:54:098681"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    manager.add_raw(run_statements([
        'ALTER TABLE verification_code DROP CONSTRAINT verification_code_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE verification_code ADD CONSTRAINT verification_code_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE outbox_message DROP CONSTRAINT outbox_message_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE outbox_message ADD CONSTRAINT outbox_message_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE passkey_credential DROP CONSTRAINT passkey_credential_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE passkey_credential ADD CONSTRAINT passkey_credential_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE portal_favourite DROP CONSTRAINT portal_favourite_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE portal_favourite ADD CONSTRAINT portal_favourite_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE verification_code ADD CONSTRAINT verification_code_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS verification_code_user_id_idx ON verification_code (school_id, user_id)',
        'ALTER TABLE passkey_credential ADD CONSTRAINT passkey_credential_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS passkey_credential_user_id_idx ON passkey_credential (school_id, user_id)',
        'ALTER TABLE portal_favourite ADD CONSTRAINT portal_favourite_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS portal_favourite_user_id_idx ON portal_favourite (school_id, user_id)',
        'CREATE UNIQUE INDEX portal_favourite_uq ON portal_favourite (school_id, user_id, app_key)',
        'CREATE INDEX outbox_message_created_idx ON outbox_message (created_at DESC)',
    ]))

    return manager
