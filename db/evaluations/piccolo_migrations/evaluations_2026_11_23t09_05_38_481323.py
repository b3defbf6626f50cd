"""Make the evaluations tables distributable by school: composite keys and references, hot-read indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-23T09:05:38:481323"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="evaluations", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and hot-read indexes (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE competence DROP CONSTRAINT competence_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE competence ADD CONSTRAINT competence_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE evaluation DROP CONSTRAINT evaluation_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE evaluation ADD CONSTRAINT evaluation_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE evaluation_competence DROP CONSTRAINT evaluation_competence_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE evaluation_competence ADD CONSTRAINT evaluation_competence_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE competence_result DROP CONSTRAINT competence_result_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE competence_result ADD CONSTRAINT competence_result_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE grade DROP CONSTRAINT grade_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE grade ADD CONSTRAINT grade_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE evaluation ADD CONSTRAINT evaluation_teacher_id_fk FOREIGN KEY (school_id, teacher_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS evaluation_teacher_id_idx ON evaluation (school_id, teacher_id)',
        'ALTER TABLE evaluation ADD CONSTRAINT evaluation_subject_id_fk FOREIGN KEY (school_id, subject_id) REFERENCES subject (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS evaluation_subject_id_idx ON evaluation (school_id, subject_id)',
        'ALTER TABLE evaluation ADD CONSTRAINT evaluation_period_id_fk FOREIGN KEY (school_id, period_id) REFERENCES period (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS evaluation_period_id_idx ON evaluation (school_id, period_id)',
        'ALTER TABLE evaluation ADD CONSTRAINT evaluation_class_id_fk FOREIGN KEY (school_id, class_id) REFERENCES school_class (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS evaluation_class_id_idx ON evaluation (school_id, class_id)',
        'ALTER TABLE evaluation ADD CONSTRAINT evaluation_group_id_fk FOREIGN KEY (school_id, group_id) REFERENCES teaching_group (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS evaluation_group_id_idx ON evaluation (school_id, group_id)',
        'ALTER TABLE evaluation_competence ADD CONSTRAINT evaluation_competence_evaluation_id_fk FOREIGN KEY (school_id, evaluation_id) REFERENCES evaluation (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS evaluation_competence_evaluation_id_idx ON evaluation_competence (school_id, evaluation_id)',
        'ALTER TABLE evaluation_competence ADD CONSTRAINT evaluation_competence_competence_id_fk FOREIGN KEY (school_id, competence_id) REFERENCES competence (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS evaluation_competence_competence_id_idx ON evaluation_competence (school_id, competence_id)',
        'ALTER TABLE competence_result ADD CONSTRAINT competence_result_evaluation_id_fk FOREIGN KEY (school_id, evaluation_id) REFERENCES evaluation (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS competence_result_evaluation_id_idx ON competence_result (school_id, evaluation_id)',
        'ALTER TABLE competence_result ADD CONSTRAINT competence_result_competence_id_fk FOREIGN KEY (school_id, competence_id) REFERENCES competence (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS competence_result_competence_id_idx ON competence_result (school_id, competence_id)',
        'ALTER TABLE competence_result ADD CONSTRAINT competence_result_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS competence_result_student_id_idx ON competence_result (school_id, student_id)',
        'ALTER TABLE grade ADD CONSTRAINT grade_evaluation_id_fk FOREIGN KEY (school_id, evaluation_id) REFERENCES evaluation (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS grade_evaluation_id_idx ON grade (school_id, evaluation_id)',
        'ALTER TABLE grade ADD CONSTRAINT grade_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS grade_student_id_idx ON grade (school_id, student_id)',
        'CREATE UNIQUE INDEX competence_result_uq ON competence_result (school_id, evaluation_id, competence_id, student_id)',
        'CREATE UNIQUE INDEX grade_uq ON grade (school_id, evaluation_id, student_id)',
    ]))

    return manager
