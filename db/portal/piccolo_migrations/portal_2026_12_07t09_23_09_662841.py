"""No index that another one already serves: school_id alone (the primary key (school_id, id)
leads with it), and the foreign-key indexes that a unique or dated index starts with."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID

ID = "2026-12-07T09:23:09:662841"
VERSION = "1.38.0"
DESCRIPTION = "no redundant indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="SchoolLink",
        tablename="school_link",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    return manager
