"""Make the settings log distributable by school: composite key and references, read by year, newest first."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-12-07T13:00:27:991694"
VERSION = "1.38.0"
DESCRIPTION = "shard the settings log by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="teleservices", description=DESCRIPTION)
    manager.add_raw(run_statements([
        'ALTER TABLE teleservice_setting_change DROP CONSTRAINT teleservice_setting_change_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE teleservice_setting_change ADD CONSTRAINT teleservice_setting_change_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE teleservice_setting_change ADD CONSTRAINT teleservice_setting_change_school_year_id_fk FOREIGN KEY (school_id, school_year_id) REFERENCES school_year (school_id, id) ON DELETE CASCADE',
        'ALTER TABLE teleservice_setting_change ADD CONSTRAINT teleservice_setting_change_actor_id_fk FOREIGN KEY (school_id, actor_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS teleservice_setting_change_actor_id_idx ON teleservice_setting_change (school_id, actor_id)',
        'CREATE INDEX teleservice_setting_change_year_idx ON teleservice_setting_change (school_id, school_year_id, created_at DESC)',
    ]))
    return manager
