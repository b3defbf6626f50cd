from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSONB
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

from db.sharding import run_statements

ID = "2026-11-25T01:26:56:367210"
VERSION = "1.38.0"
DESCRIPTION = "activation accounts; unique indexes within a school"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="accounts", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="VerificationCode",
        tablename="verification_code",
        column_name="accounts",
        db_column_name="accounts",
        column_class_name="JSONB",
        column_class=JSONB,
        params={
            "default": None,
            "null": True,
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

    manager.alter_column(
        table_class_name="PasskeyCredential",
        tablename="passkey_credential",
        column_name="credential_id",
        db_column_name="credential_id",
        params={"unique": False},
        old_params={"unique": True},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="UserSession",
        tablename="user_session",
        column_name="token_hash",
        db_column_name="token_hash",
        params={"unique": False},
        old_params={"unique": True},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="VerificationCode",
        tablename="verification_code",
        column_name="flow_hash",
        db_column_name="flow_hash",
        params={"unique": False},
        old_params={"unique": True},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    # Citus: unique indexes include the distribution column; lookups are by (school_id, id) now.
    manager.add_raw(run_statements([
        'CREATE UNIQUE INDEX passkey_credential_uq ON passkey_credential (school_id, credential_id)',
        'CREATE INDEX verification_code_flow_idx ON verification_code (school_id, flow_hash)',
    ]))
    return manager
