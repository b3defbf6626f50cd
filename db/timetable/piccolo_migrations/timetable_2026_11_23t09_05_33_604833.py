"""Make the timetable tables distributable by school: composite keys and references, hot-read indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-23T09:05:33:604833"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="timetable", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and hot-read indexes (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE lesson DROP CONSTRAINT lesson_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE lesson ADD CONSTRAINT lesson_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE lesson_content DROP CONSTRAINT lesson_content_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE lesson_content ADD CONSTRAINT lesson_content_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE lesson ADD CONSTRAINT lesson_teacher_id_fk FOREIGN KEY (school_id, teacher_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS lesson_teacher_id_idx ON lesson (school_id, teacher_id)',
        'ALTER TABLE lesson ADD CONSTRAINT lesson_subject_id_fk FOREIGN KEY (school_id, subject_id) REFERENCES subject (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS lesson_subject_id_idx ON lesson (school_id, subject_id)',
        'ALTER TABLE lesson ADD CONSTRAINT lesson_class_id_fk FOREIGN KEY (school_id, class_id) REFERENCES school_class (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS lesson_class_id_idx ON lesson (school_id, class_id)',
        'ALTER TABLE lesson ADD CONSTRAINT lesson_group_id_fk FOREIGN KEY (school_id, group_id) REFERENCES teaching_group (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS lesson_group_id_idx ON lesson (school_id, group_id)',
        'ALTER TABLE lesson_content ADD CONSTRAINT lesson_content_lesson_id_fk FOREIGN KEY (school_id, lesson_id) REFERENCES lesson (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS lesson_content_lesson_id_idx ON lesson_content (school_id, lesson_id)',
        'CREATE INDEX lesson_class_week_idx ON lesson (school_id, class_id, date)',
        'CREATE INDEX lesson_group_week_idx ON lesson (school_id, group_id, date)',
        'CREATE INDEX lesson_teacher_week_idx ON lesson (school_id, teacher_id, date)',
        'CREATE UNIQUE INDEX lesson_content_lesson_uq ON lesson_content (school_id, lesson_id)',
    ]))

    return manager
