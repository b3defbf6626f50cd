"""Distribute the calendar feeds by school: composite key and references, one feed per reader and child."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T02:51:02:464775"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="feeds", description=DESCRIPTION)
    manager.add_raw(run_statements([
        'ALTER TABLE calendar_feed DROP CONSTRAINT calendar_feed_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE calendar_feed ADD CONSTRAINT calendar_feed_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE calendar_feed ADD CONSTRAINT calendar_feed_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS calendar_feed_user_id_idx ON calendar_feed (school_id, user_id)',
        'ALTER TABLE calendar_feed ADD CONSTRAINT calendar_feed_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS calendar_feed_student_id_idx ON calendar_feed (school_id, student_id)',
        'CREATE UNIQUE INDEX calendar_feed_reader_uq ON calendar_feed (school_id, user_id, student_id)',
    ]))
    return manager
