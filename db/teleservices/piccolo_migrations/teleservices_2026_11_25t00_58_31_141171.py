"""Make the téléservices tables distributable by school: composite keys and references, unique rules."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T00:58:31:141171"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="teleservices", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and unique rules (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE teleservice_campaign DROP CONSTRAINT teleservice_campaign_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE teleservice_campaign ADD CONSTRAINT teleservice_campaign_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE bourse_echelon DROP CONSTRAINT bourse_echelon_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE bourse_echelon ADD CONSTRAINT bourse_echelon_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE bourse_ceiling DROP CONSTRAINT bourse_ceiling_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE bourse_ceiling ADD CONSTRAINT bourse_ceiling_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE bourse_request DROP CONSTRAINT bourse_request_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE bourse_request ADD CONSTRAINT bourse_request_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE bourse_piece DROP CONSTRAINT bourse_piece_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE bourse_piece ADD CONSTRAINT bourse_piece_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE orientation_form DROP CONSTRAINT orientation_form_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE orientation_form ADD CONSTRAINT orientation_form_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE orientation_wish DROP CONSTRAINT orientation_wish_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE orientation_wish ADD CONSTRAINT orientation_wish_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE teleservice_event DROP CONSTRAINT teleservice_event_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE teleservice_event ADD CONSTRAINT teleservice_event_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE teleservice_campaign ADD CONSTRAINT teleservice_campaign_school_year_id_fk FOREIGN KEY (school_id, school_year_id) REFERENCES school_year (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS teleservice_campaign_school_year_id_idx ON teleservice_campaign (school_id, school_year_id)',
        'ALTER TABLE bourse_echelon ADD CONSTRAINT bourse_echelon_school_year_id_fk FOREIGN KEY (school_id, school_year_id) REFERENCES school_year (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS bourse_echelon_school_year_id_idx ON bourse_echelon (school_id, school_year_id)',
        'ALTER TABLE bourse_ceiling ADD CONSTRAINT bourse_ceiling_school_year_id_fk FOREIGN KEY (school_id, school_year_id) REFERENCES school_year (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS bourse_ceiling_school_year_id_idx ON bourse_ceiling (school_id, school_year_id)',
        'ALTER TABLE bourse_request ADD CONSTRAINT bourse_request_campaign_id_fk FOREIGN KEY (school_id, campaign_id) REFERENCES teleservice_campaign (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS bourse_request_campaign_id_idx ON bourse_request (school_id, campaign_id)',
        'ALTER TABLE bourse_request ADD CONSTRAINT bourse_request_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS bourse_request_student_id_idx ON bourse_request (school_id, student_id)',
        'ALTER TABLE bourse_request ADD CONSTRAINT bourse_request_filed_by_id_fk FOREIGN KEY (school_id, filed_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS bourse_request_filed_by_id_idx ON bourse_request (school_id, filed_by_id)',
        'ALTER TABLE bourse_piece ADD CONSTRAINT bourse_piece_request_id_fk FOREIGN KEY (school_id, request_id) REFERENCES bourse_request (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS bourse_piece_request_id_idx ON bourse_piece (school_id, request_id)',
        'ALTER TABLE bourse_piece ADD CONSTRAINT bourse_piece_uploaded_by_id_fk FOREIGN KEY (school_id, uploaded_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS bourse_piece_uploaded_by_id_idx ON bourse_piece (school_id, uploaded_by_id)',
        'ALTER TABLE orientation_form ADD CONSTRAINT orientation_form_campaign_id_fk FOREIGN KEY (school_id, campaign_id) REFERENCES teleservice_campaign (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS orientation_form_campaign_id_idx ON orientation_form (school_id, campaign_id)',
        'ALTER TABLE orientation_form ADD CONSTRAINT orientation_form_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS orientation_form_student_id_idx ON orientation_form (school_id, student_id)',
        'ALTER TABLE orientation_form ADD CONSTRAINT orientation_form_responded_by_id_fk FOREIGN KEY (school_id, responded_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS orientation_form_responded_by_id_idx ON orientation_form (school_id, responded_by_id)',
        'ALTER TABLE orientation_wish ADD CONSTRAINT orientation_wish_form_id_fk FOREIGN KEY (school_id, form_id) REFERENCES orientation_form (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS orientation_wish_form_id_idx ON orientation_wish (school_id, form_id)',
        'ALTER TABLE teleservice_event ADD CONSTRAINT teleservice_event_bourse_request_id_fk FOREIGN KEY (school_id, bourse_request_id) REFERENCES bourse_request (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS teleservice_event_bourse_request_id_idx ON teleservice_event (school_id, bourse_request_id)',
        'ALTER TABLE teleservice_event ADD CONSTRAINT teleservice_event_orientation_form_id_fk FOREIGN KEY (school_id, orientation_form_id) REFERENCES orientation_form (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS teleservice_event_orientation_form_id_idx ON teleservice_event (school_id, orientation_form_id)',
        'ALTER TABLE teleservice_event ADD CONSTRAINT teleservice_event_actor_id_fk FOREIGN KEY (school_id, actor_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS teleservice_event_actor_id_idx ON teleservice_event (school_id, actor_id)',
        'CREATE UNIQUE INDEX teleservice_campaign_uq ON teleservice_campaign (school_id, school_year_id, service, level)',
        'CREATE UNIQUE INDEX bourse_echelon_uq ON bourse_echelon (school_id, school_year_id, scale, echelon)',
        'CREATE UNIQUE INDEX bourse_ceiling_uq ON bourse_ceiling (school_id, school_year_id, scale, dependent_children, echelon)',
        'CREATE UNIQUE INDEX bourse_request_uq ON bourse_request (school_id, campaign_id, student_id)',
        'CREATE UNIQUE INDEX orientation_form_uq ON orientation_form (school_id, campaign_id, student_id)',
        'CREATE UNIQUE INDEX orientation_wish_uq ON orientation_wish (school_id, form_id, origin, rank)',
        "CREATE UNIQUE INDEX bourse_piece_client_uq ON bourse_piece (school_id, request_id, client_id) WHERE client_id <> ''",
        "CREATE UNIQUE INDEX teleservice_event_bourse_client_uq ON teleservice_event (school_id, bourse_request_id, client_id) WHERE client_id <> '' AND bourse_request_id IS NOT NULL",
        "CREATE UNIQUE INDEX teleservice_event_orientation_client_uq ON teleservice_event (school_id, orientation_form_id, client_id) WHERE client_id <> '' AND orientation_form_id IS NOT NULL",
        'ALTER TABLE teleservice_event ADD CONSTRAINT teleservice_event_one_request CHECK (num_nonnulls(bourse_request_id, orientation_form_id) = 1)',
    ]))

    return manager
