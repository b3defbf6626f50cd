"""Offline writes acted on once, by the database: a message per (discussion, author, client id), a
discussion per (author, client id). Copies stored twice by the old check-then-insert lose their key
first (the earliest keeps it), so the unique indexes can be built."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-12-07T03:19:05:557041"
VERSION = "1.38.0"
DESCRIPTION = "message and discussion client ids unique"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="communication", description=DESCRIPTION)
    manager.add_raw(run_statements([
        "UPDATE message m SET client_id = '' WHERE m.client_id <> '' AND EXISTS ("
        "SELECT 1 FROM message o WHERE o.school_id = m.school_id AND o.discussion_id = m.discussion_id "
        "AND o.author_id = m.author_id AND o.client_id = m.client_id AND (o.created_at, o.id) < (m.created_at, m.id))",
        "CREATE UNIQUE INDEX message_client_uq ON message (school_id, discussion_id, author_id, client_id) "
        "WHERE client_id <> ''",
        "CREATE UNIQUE INDEX discussion_client_uq ON discussion (school_id, created_by_id, client_id) "
        "WHERE client_id <> ''",
    ]))
    return manager
