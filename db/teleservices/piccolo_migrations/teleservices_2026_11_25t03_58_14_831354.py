"""Make the contact-change tables distributable by school: composite keys and references, unique rules."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T03:58:14:831354"
VERSION = "1.38.0"
DESCRIPTION = "shard contact changes by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="teleservices", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and unique rules (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE postal_address DROP CONSTRAINT postal_address_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE postal_address ADD CONSTRAINT postal_address_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE contact_change DROP CONSTRAINT contact_change_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE contact_change ADD CONSTRAINT contact_change_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE postal_address ADD CONSTRAINT postal_address_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'ALTER TABLE contact_change ADD CONSTRAINT contact_change_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS contact_change_user_id_idx ON contact_change (school_id, user_id)',
        'CREATE UNIQUE INDEX postal_address_uq ON postal_address (school_id, user_id)',
        "CREATE UNIQUE INDEX contact_change_client_uq ON contact_change (school_id, user_id, client_id) WHERE client_id <> ''",
        "CREATE INDEX contact_change_applied_idx ON contact_change (school_id, applied_at DESC) WHERE state = 'applied'",
    ]))

    return manager
