"""Make the bulletins tables distributable by school: composite keys and references, unique rules."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T01:47:05:406312"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="bulletins", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and unique rules (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE report_card_appreciation DROP CONSTRAINT report_card_appreciation_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE report_card_appreciation ADD CONSTRAINT report_card_appreciation_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE report_card_council DROP CONSTRAINT report_card_council_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE report_card_council ADD CONSTRAINT report_card_council_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE report_card_publication DROP CONSTRAINT report_card_publication_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE report_card_publication ADD CONSTRAINT report_card_publication_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE report_card_appreciation ADD CONSTRAINT report_card_appreciation_period_id_fk FOREIGN KEY (school_id, period_id) REFERENCES period (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS report_card_appreciation_period_id_idx ON report_card_appreciation (school_id, period_id)',
        'ALTER TABLE report_card_appreciation ADD CONSTRAINT report_card_appreciation_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS report_card_appreciation_student_id_idx ON report_card_appreciation (school_id, student_id)',
        'ALTER TABLE report_card_appreciation ADD CONSTRAINT report_card_appreciation_subject_id_fk FOREIGN KEY (school_id, subject_id) REFERENCES subject (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS report_card_appreciation_subject_id_idx ON report_card_appreciation (school_id, subject_id)',
        'ALTER TABLE report_card_appreciation ADD CONSTRAINT report_card_appreciation_teacher_id_fk FOREIGN KEY (school_id, teacher_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS report_card_appreciation_teacher_id_idx ON report_card_appreciation (school_id, teacher_id)',
        'ALTER TABLE report_card_council ADD CONSTRAINT report_card_council_period_id_fk FOREIGN KEY (school_id, period_id) REFERENCES period (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS report_card_council_period_id_idx ON report_card_council (school_id, period_id)',
        'ALTER TABLE report_card_council ADD CONSTRAINT report_card_council_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS report_card_council_student_id_idx ON report_card_council (school_id, student_id)',
        'ALTER TABLE report_card_council ADD CONSTRAINT report_card_council_updated_by_id_fk FOREIGN KEY (school_id, updated_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS report_card_council_updated_by_id_idx ON report_card_council (school_id, updated_by_id)',
        'ALTER TABLE report_card_publication ADD CONSTRAINT report_card_publication_period_id_fk FOREIGN KEY (school_id, period_id) REFERENCES period (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS report_card_publication_period_id_idx ON report_card_publication (school_id, period_id)',
        'ALTER TABLE report_card_publication ADD CONSTRAINT report_card_publication_class_id_fk FOREIGN KEY (school_id, class_id) REFERENCES school_class (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS report_card_publication_class_id_idx ON report_card_publication (school_id, class_id)',
        'ALTER TABLE report_card_publication ADD CONSTRAINT report_card_publication_published_by_id_fk FOREIGN KEY (school_id, published_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS report_card_publication_published_by_id_idx ON report_card_publication (school_id, published_by_id)',
        'CREATE UNIQUE INDEX report_card_appreciation_uq ON report_card_appreciation (school_id, period_id, student_id, subject_id)',
        'CREATE UNIQUE INDEX report_card_council_uq ON report_card_council (school_id, period_id, student_id)',
        'CREATE UNIQUE INDEX report_card_publication_uq ON report_card_publication (school_id, period_id, class_id)',
    ]))

    return manager
