"""Make the alerts tables distributable by school: composite keys and references, unique rules."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T01:47:09:632199"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="alerts", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and unique rules (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE alert_settings DROP CONSTRAINT alert_settings_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE alert_settings ADD CONSTRAINT alert_settings_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE alert_recipient DROP CONSTRAINT alert_recipient_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE alert_recipient ADD CONSTRAINT alert_recipient_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE student_alert DROP CONSTRAINT student_alert_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE student_alert ADD CONSTRAINT student_alert_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE alert_read DROP CONSTRAINT alert_read_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE alert_read ADD CONSTRAINT alert_read_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE alert_settings ADD CONSTRAINT alert_settings_updated_by_id_fk FOREIGN KEY (school_id, updated_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS alert_settings_updated_by_id_idx ON alert_settings (school_id, updated_by_id)',
        'ALTER TABLE alert_recipient ADD CONSTRAINT alert_recipient_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS alert_recipient_user_id_idx ON alert_recipient (school_id, user_id)',
        'ALTER TABLE student_alert ADD CONSTRAINT student_alert_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS student_alert_student_id_idx ON student_alert (school_id, student_id)',
        'ALTER TABLE student_alert ADD CONSTRAINT student_alert_acknowledged_by_id_fk FOREIGN KEY (school_id, acknowledged_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS student_alert_acknowledged_by_id_idx ON student_alert (school_id, acknowledged_by_id)',
        'ALTER TABLE alert_read ADD CONSTRAINT alert_read_alert_id_fk FOREIGN KEY (school_id, alert_id) REFERENCES student_alert (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS alert_read_alert_id_idx ON alert_read (school_id, alert_id)',
        'ALTER TABLE alert_read ADD CONSTRAINT alert_read_reader_id_fk FOREIGN KEY (school_id, reader_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS alert_read_reader_id_idx ON alert_read (school_id, reader_id)',
        'CREATE UNIQUE INDEX alert_settings_uq ON alert_settings (school_id)',
        'CREATE UNIQUE INDEX alert_recipient_uq ON alert_recipient (school_id, user_id)',
        'CREATE UNIQUE INDEX student_alert_client_uq ON student_alert (school_id, student_id, client_id)',
        'CREATE INDEX student_alert_time_idx ON student_alert (school_id, created_at)',
    ]))

    return manager
