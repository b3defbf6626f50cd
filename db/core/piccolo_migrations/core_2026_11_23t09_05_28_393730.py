"""Make the core tables distributable by school: composite keys and references, hot-read indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-23T09:05:28:393730"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and hot-read indexes (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE school_year DROP CONSTRAINT school_year_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE school_year ADD CONSTRAINT school_year_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE period DROP CONSTRAINT period_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE period ADD CONSTRAINT period_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE subject DROP CONSTRAINT subject_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE subject ADD CONSTRAINT subject_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE school_class DROP CONSTRAINT school_class_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE school_class ADD CONSTRAINT school_class_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE teaching_group DROP CONSTRAINT teaching_group_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE teaching_group ADD CONSTRAINT teaching_group_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE app_user DROP CONSTRAINT app_user_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE app_user ADD CONSTRAINT app_user_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE guardianship DROP CONSTRAINT guardianship_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE guardianship ADD CONSTRAINT guardianship_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE enrolment DROP CONSTRAINT enrolment_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE enrolment ADD CONSTRAINT enrolment_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE group_membership DROP CONSTRAINT group_membership_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE group_membership ADD CONSTRAINT group_membership_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE teaching_service DROP CONSTRAINT teaching_service_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE teaching_service ADD CONSTRAINT teaching_service_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE period ADD CONSTRAINT period_school_year_id_fk FOREIGN KEY (school_id, school_year_id) REFERENCES school_year (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS period_school_year_id_idx ON period (school_id, school_year_id)',
        'ALTER TABLE school_class ADD CONSTRAINT school_class_school_year_id_fk FOREIGN KEY (school_id, school_year_id) REFERENCES school_year (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS school_class_school_year_id_idx ON school_class (school_id, school_year_id)',
        'ALTER TABLE teaching_group ADD CONSTRAINT teaching_group_school_year_id_fk FOREIGN KEY (school_id, school_year_id) REFERENCES school_year (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS teaching_group_school_year_id_idx ON teaching_group (school_id, school_year_id)',
        'ALTER TABLE teaching_group ADD CONSTRAINT teaching_group_class_id_fk FOREIGN KEY (school_id, class_id) REFERENCES school_class (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS teaching_group_class_id_idx ON teaching_group (school_id, class_id)',
        'ALTER TABLE guardianship ADD CONSTRAINT guardianship_parent_id_fk FOREIGN KEY (school_id, parent_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS guardianship_parent_id_idx ON guardianship (school_id, parent_id)',
        'ALTER TABLE guardianship ADD CONSTRAINT guardianship_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS guardianship_student_id_idx ON guardianship (school_id, student_id)',
        'ALTER TABLE enrolment ADD CONSTRAINT enrolment_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS enrolment_student_id_idx ON enrolment (school_id, student_id)',
        'ALTER TABLE enrolment ADD CONSTRAINT enrolment_class_id_fk FOREIGN KEY (school_id, class_id) REFERENCES school_class (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS enrolment_class_id_idx ON enrolment (school_id, class_id)',
        'ALTER TABLE group_membership ADD CONSTRAINT group_membership_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS group_membership_student_id_idx ON group_membership (school_id, student_id)',
        'ALTER TABLE group_membership ADD CONSTRAINT group_membership_group_id_fk FOREIGN KEY (school_id, group_id) REFERENCES teaching_group (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS group_membership_group_id_idx ON group_membership (school_id, group_id)',
        'ALTER TABLE teaching_service ADD CONSTRAINT teaching_service_teacher_id_fk FOREIGN KEY (school_id, teacher_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS teaching_service_teacher_id_idx ON teaching_service (school_id, teacher_id)',
        'ALTER TABLE teaching_service ADD CONSTRAINT teaching_service_subject_id_fk FOREIGN KEY (school_id, subject_id) REFERENCES subject (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS teaching_service_subject_id_idx ON teaching_service (school_id, subject_id)',
        'ALTER TABLE teaching_service ADD CONSTRAINT teaching_service_class_id_fk FOREIGN KEY (school_id, class_id) REFERENCES school_class (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS teaching_service_class_id_idx ON teaching_service (school_id, class_id)',
        'ALTER TABLE teaching_service ADD CONSTRAINT teaching_service_group_id_fk FOREIGN KEY (school_id, group_id) REFERENCES teaching_group (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS teaching_service_group_id_idx ON teaching_service (school_id, group_id)',
        'CREATE UNIQUE INDEX guardianship_uq ON guardianship (school_id, parent_id, student_id)',
        'CREATE UNIQUE INDEX enrolment_uq ON enrolment (school_id, student_id, class_id)',
        'CREATE UNIQUE INDEX group_membership_uq ON group_membership (school_id, group_id, student_id)',
        'CREATE INDEX app_user_role_idx ON app_user (school_id, role)',
    ]))

    return manager
