from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID

ID = "2026-11-25T04:06:13:211608"
VERSION = "1.38.0"
DESCRIPTION = "a flow opened before sign-in names its accounts, not a user"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="accounts", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="VerificationCode",
        tablename="verification_code",
        column_name="user_id",
        db_column_name="user_id",
        params={"null": True},
        old_params={"null": False},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    return manager
