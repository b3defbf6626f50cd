"""Make the homework tables distributable by school: composite keys and references, hot-read indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-23T09:05:36:066440"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="homework", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and hot-read indexes (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE homework DROP CONSTRAINT homework_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE homework ADD CONSTRAINT homework_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE homework_attachment DROP CONSTRAINT homework_attachment_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE homework_attachment ADD CONSTRAINT homework_attachment_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE homework_done DROP CONSTRAINT homework_done_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE homework_done ADD CONSTRAINT homework_done_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE homework ADD CONSTRAINT homework_teacher_id_fk FOREIGN KEY (school_id, teacher_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS homework_teacher_id_idx ON homework (school_id, teacher_id)',
        'ALTER TABLE homework ADD CONSTRAINT homework_subject_id_fk FOREIGN KEY (school_id, subject_id) REFERENCES subject (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS homework_subject_id_idx ON homework (school_id, subject_id)',
        'ALTER TABLE homework ADD CONSTRAINT homework_class_id_fk FOREIGN KEY (school_id, class_id) REFERENCES school_class (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS homework_class_id_idx ON homework (school_id, class_id)',
        'ALTER TABLE homework ADD CONSTRAINT homework_group_id_fk FOREIGN KEY (school_id, group_id) REFERENCES teaching_group (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS homework_group_id_idx ON homework (school_id, group_id)',
        'ALTER TABLE homework ADD CONSTRAINT homework_lesson_id_fk FOREIGN KEY (school_id, lesson_id) REFERENCES lesson (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS homework_lesson_id_idx ON homework (school_id, lesson_id)',
        'ALTER TABLE homework_attachment ADD CONSTRAINT homework_attachment_homework_id_fk FOREIGN KEY (school_id, homework_id) REFERENCES homework (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS homework_attachment_homework_id_idx ON homework_attachment (school_id, homework_id)',
        'ALTER TABLE homework_done ADD CONSTRAINT homework_done_homework_id_fk FOREIGN KEY (school_id, homework_id) REFERENCES homework (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS homework_done_homework_id_idx ON homework_done (school_id, homework_id)',
        'ALTER TABLE homework_done ADD CONSTRAINT homework_done_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS homework_done_student_id_idx ON homework_done (school_id, student_id)',
        'CREATE INDEX homework_class_due_idx ON homework (school_id, class_id, due_on)',
        'CREATE INDEX homework_group_due_idx ON homework (school_id, group_id, due_on)',
        'CREATE UNIQUE INDEX homework_done_student_uq ON homework_done (school_id, homework_id, student_id)',
        'CREATE INDEX homework_done_by_student_idx ON homework_done (school_id, student_id)',
    ]))

    return manager
