"""Make the vie_scolaire tables distributable by school: composite keys and references, hot-read indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-23T09:05:41:025625"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vie_scolaire", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and hot-read indexes (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE absence DROP CONSTRAINT absence_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE absence ADD CONSTRAINT absence_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE lateness DROP CONSTRAINT lateness_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE lateness ADD CONSTRAINT lateness_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE remark DROP CONSTRAINT remark_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE remark ADD CONSTRAINT remark_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE punishment DROP CONSTRAINT punishment_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE punishment ADD CONSTRAINT punishment_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE absence ADD CONSTRAINT absence_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS absence_student_id_idx ON absence (school_id, student_id)',
        'ALTER TABLE absence ADD CONSTRAINT absence_lesson_id_fk FOREIGN KEY (school_id, lesson_id) REFERENCES lesson (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS absence_lesson_id_idx ON absence (school_id, lesson_id)',
        'ALTER TABLE absence ADD CONSTRAINT absence_reported_by_id_fk FOREIGN KEY (school_id, reported_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS absence_reported_by_id_idx ON absence (school_id, reported_by_id)',
        'ALTER TABLE lateness ADD CONSTRAINT lateness_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS lateness_student_id_idx ON lateness (school_id, student_id)',
        'ALTER TABLE lateness ADD CONSTRAINT lateness_lesson_id_fk FOREIGN KEY (school_id, lesson_id) REFERENCES lesson (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS lateness_lesson_id_idx ON lateness (school_id, lesson_id)',
        'ALTER TABLE remark ADD CONSTRAINT remark_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS remark_student_id_idx ON remark (school_id, student_id)',
        'ALTER TABLE remark ADD CONSTRAINT remark_author_id_fk FOREIGN KEY (school_id, author_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS remark_author_id_idx ON remark (school_id, author_id)',
        'ALTER TABLE remark ADD CONSTRAINT remark_lesson_id_fk FOREIGN KEY (school_id, lesson_id) REFERENCES lesson (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS remark_lesson_id_idx ON remark (school_id, lesson_id)',
        'ALTER TABLE punishment ADD CONSTRAINT punishment_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS punishment_student_id_idx ON punishment (school_id, student_id)',
        'ALTER TABLE punishment ADD CONSTRAINT punishment_author_id_fk FOREIGN KEY (school_id, author_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS punishment_author_id_idx ON punishment (school_id, author_id)',
    ]))

    return manager
