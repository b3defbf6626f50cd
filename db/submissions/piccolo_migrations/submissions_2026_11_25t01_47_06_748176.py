"""Make the submissions tables distributable by school: composite keys and references, unique rules."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T01:47:06:748176"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="submissions", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and unique rules (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE homework_hand_in DROP CONSTRAINT homework_hand_in_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE homework_hand_in ADD CONSTRAINT homework_hand_in_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE homework_submission DROP CONSTRAINT homework_submission_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE homework_submission ADD CONSTRAINT homework_submission_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE homework_submission_file DROP CONSTRAINT homework_submission_file_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE homework_submission_file ADD CONSTRAINT homework_submission_file_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE homework_hand_in ADD CONSTRAINT homework_hand_in_homework_id_fk FOREIGN KEY (school_id, homework_id) REFERENCES homework (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS homework_hand_in_homework_id_idx ON homework_hand_in (school_id, homework_id)',
        'ALTER TABLE homework_submission ADD CONSTRAINT homework_submission_homework_id_fk FOREIGN KEY (school_id, homework_id) REFERENCES homework (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS homework_submission_homework_id_idx ON homework_submission (school_id, homework_id)',
        'ALTER TABLE homework_submission ADD CONSTRAINT homework_submission_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS homework_submission_student_id_idx ON homework_submission (school_id, student_id)',
        'ALTER TABLE homework_submission ADD CONSTRAINT homework_submission_returned_by_id_fk FOREIGN KEY (school_id, returned_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS homework_submission_returned_by_id_idx ON homework_submission (school_id, returned_by_id)',
        'ALTER TABLE homework_submission_file ADD CONSTRAINT homework_submission_file_submission_id_fk FOREIGN KEY (school_id, submission_id) REFERENCES homework_submission (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS homework_submission_file_submission_id_idx ON homework_submission_file (school_id, submission_id)',
        'ALTER TABLE homework_submission_file ADD CONSTRAINT homework_submission_file_uploaded_by_id_fk FOREIGN KEY (school_id, uploaded_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS homework_submission_file_uploaded_by_id_idx ON homework_submission_file (school_id, uploaded_by_id)',
        'CREATE UNIQUE INDEX homework_hand_in_uq ON homework_hand_in (school_id, homework_id)',
        'CREATE UNIQUE INDEX homework_submission_uq ON homework_submission (school_id, homework_id, student_id)',
        'CREATE INDEX homework_submission_by_student_idx ON homework_submission (school_id, student_id)',
        "CREATE UNIQUE INDEX homework_submission_file_client_uq ON homework_submission_file (school_id, submission_id, client_id) WHERE client_id <> ''",
    ]))

    return manager
