"""No index that another one already serves: school_id alone (the primary key (school_id, id)
leads with it), and the foreign-key indexes that a unique or dated index starts with."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID

from db.sharding import run_statements

ID = "2026-12-07T09:23:15:953044"
VERSION = "1.38.0"
DESCRIPTION = "no redundant indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="alerts", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="AlertRead",
        tablename="alert_read",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="AlertRecipient",
        tablename="alert_recipient",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="AlertSettings",
        tablename="alert_settings",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="StudentAlert",
        tablename="student_alert",
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
                "DROP INDEX alert_recipient_user_id_idx",
                "DROP INDEX student_alert_student_id_idx",
            ]
        )
    )

    return manager
