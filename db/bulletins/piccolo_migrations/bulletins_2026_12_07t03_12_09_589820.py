"""Make the bulletin snapshots distributable by school: composite key and references, one per student."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-12-07T03:12:09:589820"
VERSION = "1.38.0"
DESCRIPTION = "shard the bulletin snapshots by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="bulletins", description=DESCRIPTION)
    manager.add_raw(run_statements([
        'ALTER TABLE report_card_snapshot DROP CONSTRAINT report_card_snapshot_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE report_card_snapshot ADD CONSTRAINT report_card_snapshot_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE report_card_snapshot ADD CONSTRAINT report_card_snapshot_period_id_fk FOREIGN KEY (school_id, period_id) REFERENCES period (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS report_card_snapshot_period_id_idx ON report_card_snapshot (school_id, period_id)',
        'ALTER TABLE report_card_snapshot ADD CONSTRAINT report_card_snapshot_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS report_card_snapshot_student_id_idx ON report_card_snapshot (school_id, student_id)',
        'ALTER TABLE report_card_snapshot ADD CONSTRAINT report_card_snapshot_class_id_fk FOREIGN KEY (school_id, class_id) REFERENCES school_class (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS report_card_snapshot_class_id_idx ON report_card_snapshot (school_id, class_id)',
        'CREATE UNIQUE INDEX report_card_snapshot_uq ON report_card_snapshot (school_id, period_id, student_id)',
    ]))
    return manager
