"""Make the communication tables distributable by school: composite keys and references, hot-read indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-23T09:05:43:908692"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="communication", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and hot-read indexes (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE discussion DROP CONSTRAINT discussion_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE discussion ADD CONSTRAINT discussion_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE discussion_participant DROP CONSTRAINT discussion_participant_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE discussion_participant ADD CONSTRAINT discussion_participant_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE message DROP CONSTRAINT message_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE message ADD CONSTRAINT message_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE information_post DROP CONSTRAINT information_post_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE information_post ADD CONSTRAINT information_post_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE information_recipient DROP CONSTRAINT information_recipient_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE information_recipient ADD CONSTRAINT information_recipient_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE survey_question DROP CONSTRAINT survey_question_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE survey_question ADD CONSTRAINT survey_question_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE survey_answer DROP CONSTRAINT survey_answer_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE survey_answer ADD CONSTRAINT survey_answer_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE discussion ADD CONSTRAINT discussion_created_by_id_fk FOREIGN KEY (school_id, created_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS discussion_created_by_id_idx ON discussion (school_id, created_by_id)',
        'ALTER TABLE discussion ADD CONSTRAINT discussion_about_student_id_fk FOREIGN KEY (school_id, about_student_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS discussion_about_student_id_idx ON discussion (school_id, about_student_id)',
        'ALTER TABLE discussion_participant ADD CONSTRAINT discussion_participant_discussion_id_fk FOREIGN KEY (school_id, discussion_id) REFERENCES discussion (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS discussion_participant_discussion_id_idx ON discussion_participant (school_id, discussion_id)',
        'ALTER TABLE discussion_participant ADD CONSTRAINT discussion_participant_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS discussion_participant_user_id_idx ON discussion_participant (school_id, user_id)',
        'ALTER TABLE message ADD CONSTRAINT message_discussion_id_fk FOREIGN KEY (school_id, discussion_id) REFERENCES discussion (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS message_discussion_id_idx ON message (school_id, discussion_id)',
        'ALTER TABLE message ADD CONSTRAINT message_author_id_fk FOREIGN KEY (school_id, author_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS message_author_id_idx ON message (school_id, author_id)',
        'ALTER TABLE information_post ADD CONSTRAINT information_post_author_id_fk FOREIGN KEY (school_id, author_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS information_post_author_id_idx ON information_post (school_id, author_id)',
        'ALTER TABLE information_recipient ADD CONSTRAINT information_recipient_post_id_fk FOREIGN KEY (school_id, post_id) REFERENCES information_post (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS information_recipient_post_id_idx ON information_recipient (school_id, post_id)',
        'ALTER TABLE information_recipient ADD CONSTRAINT information_recipient_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS information_recipient_user_id_idx ON information_recipient (school_id, user_id)',
        'ALTER TABLE survey_question ADD CONSTRAINT survey_question_post_id_fk FOREIGN KEY (school_id, post_id) REFERENCES information_post (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS survey_question_post_id_idx ON survey_question (school_id, post_id)',
        'ALTER TABLE survey_answer ADD CONSTRAINT survey_answer_question_id_fk FOREIGN KEY (school_id, question_id) REFERENCES survey_question (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS survey_answer_question_id_idx ON survey_answer (school_id, question_id)',
        'ALTER TABLE survey_answer ADD CONSTRAINT survey_answer_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS survey_answer_user_id_idx ON survey_answer (school_id, user_id)',
        'CREATE UNIQUE INDEX discussion_participant_uq ON discussion_participant (school_id, discussion_id, user_id)',
        'CREATE INDEX message_discussion_time_idx ON message (school_id, discussion_id, created_at)',
        'CREATE UNIQUE INDEX information_recipient_uq ON information_recipient (school_id, post_id, user_id)',
        'CREATE UNIQUE INDEX survey_answer_uq ON survey_answer (school_id, question_id, user_id)',
    ]))

    return manager
