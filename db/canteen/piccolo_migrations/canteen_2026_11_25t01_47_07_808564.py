"""Make the canteen tables distributable by school: composite keys and references, unique rules."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T01:47:07:808564"
VERSION = "1.38.0"
DESCRIPTION = "shard by school"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="canteen", description=DESCRIPTION)
    # Composite keys (school_id, id) for Citus, references and unique rules (db/sharding.py).
    manager.add_raw(run_statements([
        'ALTER TABLE canteen_menu DROP CONSTRAINT canteen_menu_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE canteen_menu ADD CONSTRAINT canteen_menu_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE canteen_dish DROP CONSTRAINT canteen_dish_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE canteen_dish ADD CONSTRAINT canteen_dish_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE canteen_menu ADD CONSTRAINT canteen_menu_updated_by_id_fk FOREIGN KEY (school_id, updated_by_id) REFERENCES app_user (school_id, id) ON DELETE NO ACTION',
        'CREATE INDEX IF NOT EXISTS canteen_menu_updated_by_id_idx ON canteen_menu (school_id, updated_by_id)',
        'ALTER TABLE canteen_dish ADD CONSTRAINT canteen_dish_menu_id_fk FOREIGN KEY (school_id, menu_id) REFERENCES canteen_menu (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS canteen_dish_menu_id_idx ON canteen_dish (school_id, menu_id)',
        'CREATE UNIQUE INDEX canteen_menu_day_uq ON canteen_menu (school_id, day)',
        'CREATE UNIQUE INDEX canteen_dish_position_uq ON canteen_dish (school_id, menu_id, course, position)',
    ]))

    return manager
