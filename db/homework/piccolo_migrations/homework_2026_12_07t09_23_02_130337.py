"""No index that another one already serves: school_id alone (the primary key (school_id, id)
leads with it), and the foreign-key indexes that a unique or dated index starts with."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID

from db.sharding import run_statements

ID = "2026-12-07T09:23:02:130337"
VERSION = "1.38.0"
DESCRIPTION = "no redundant indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="homework", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Homework",
        tablename="homework",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="HomeworkAttachment",
        tablename="homework_attachment",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="HomeworkDone",
        tablename="homework_done",
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
                "DROP INDEX homework_class_id_idx",
                "DROP INDEX homework_done_homework_id_idx",
                "DROP INDEX homework_done_student_id_idx",
                "DROP INDEX homework_group_id_idx",
            ]
        )
    )

    return manager
