"""The DPoP replay memory (proof_jti) is UNLOGGED, with no index of its own on school_id.

Every phone request inserts its proof's jti here. Logged, that insert made each read a durable
write: a WAL flush (fsync) before the answer, the one cost that held phone reads at half the speed
of browser reads. Unlogged, the row is written to shared buffers only and the commit is not flushed
(PostgreSQL commits asynchronously a transaction that wrote no WAL). What this gives up, and why it
is acceptable, is written down in docs/pairing.md ("The replay memory"). The single-column school_id
index was redundant: the table's other indexes all start with school_id.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID

from db.sharding import run_statements

ID = "2026-11-25T04:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "proof_jti unlogged"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="devices", description=DESCRIPTION)
    manager.alter_column(
        table_class_name="ProofJti",
        tablename="proof_jti",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )
    manager.add_raw(run_statements(["ALTER TABLE proof_jti SET UNLOGGED"]))
    return manager
