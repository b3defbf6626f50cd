"""Make the events tables distributable by school: composite keys and references, unique rules."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T01:47:08:812493"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and unique rules (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE school_event DROP CONSTRAINT school_event_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE school_event ADD CONSTRAINT school_event_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE school_event_class DROP CONSTRAINT school_event_class_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE school_event_class ADD CONSTRAINT school_event_class_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE school_event ADD CONSTRAINT school_event_created_by_id_fk FOREIGN KEY (school_id, created_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS school_event_created_by_id_idx ON school_event (school_id, created_by_id)',
        'ALTER TABLE school_event_class ADD CONSTRAINT school_event_class_event_id_fk FOREIGN KEY (school_id, event_id) REFERENCES school_event (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS school_event_class_event_id_idx ON school_event_class (school_id, event_id)',
        'ALTER TABLE school_event_class ADD CONSTRAINT school_event_class_class_id_fk FOREIGN KEY (school_id, class_id) REFERENCES school_class (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS school_event_class_class_id_idx ON school_event_class (school_id, class_id)',
        'CREATE INDEX school_event_days_idx ON school_event (school_id, last_day, first_day)',
        "CREATE UNIQUE INDEX school_event_client_uq ON school_event (school_id, created_by_id, client_id) WHERE client_id <> ''",
        'CREATE UNIQUE INDEX school_event_class_uq ON school_event_class (school_id, event_id, class_id)',
    ]))

    return manager
