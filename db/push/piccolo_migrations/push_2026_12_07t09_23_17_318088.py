"""No index that another one already serves: school_id alone (the primary key (school_id, id)
leads with it), and the foreign-key indexes that a unique or dated index starts with."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID

from db.sharding import run_statements

ID = "2026-12-07T09:23:17:318088"
VERSION = "1.38.0"
DESCRIPTION = "no redundant indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="push", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="NotificationDelivery",
        tablename="notification_delivery",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="NotificationEvent",
        tablename="notification_event",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="PushSettings",
        tablename="push_settings",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="PushSubscription",
        tablename="push_subscription",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.add_raw(
        run_statements(
            [
                "DROP INDEX push_settings_device_id_idx",
                "DROP INDEX push_subscription_device_id_idx",
            ]
        )
    )

    return manager
