from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T03:19:05:557040"
VERSION = "1.38.0"
DESCRIPTION = "discussion client_id"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="communication", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Discussion",
        tablename="discussion",
        column_name="client_id",
        db_column_name="client_id",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
