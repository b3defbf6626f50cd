"""Apply every pending Piccolo migration, in app dependency order.

`python -m db.migrate` applies them (`just migrate`); `python -m db.migrate new APP` writes an auto
migration for APP with Piccolo's CLI (`just migration APP`). Both on DATABASE_URL, or on the embedded
server they start.
"""

import asyncio
import contextlib
import io
import sys

import asyncpg
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.conf.apps import Finder

from db.database import resolve_database_url
from piccolo_conf import DB

# Serialises processes that migrate the same database at once (two cold starts): the second waits,
# then finds nothing left to apply. A session lock, on a connection of its own, released when it closes.
MIGRATION_LOCK = 7_420_315


async def apply_migrations(*, verbose: bool = False) -> None:
    lock = await asyncpg.connect(DB.config["dsn"])
    try:
        await lock.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        output = io.StringIO()
        with contextlib.redirect_stdout(output) if not verbose else contextlib.nullcontext():
            result = await run_forwards("all")
    finally:
        await lock.close()
    if not result.success:
        raise RuntimeError(f"Migrations failed: {result.message}\n{output.getvalue()}")


def all_tables() -> list:
    """Every table class of every registered Piccolo app."""
    return Finder().get_table_classes()


def main(arguments: list[str]) -> None:
    resolve_database_url()
    if not arguments:
        asyncio.run(apply_migrations(verbose=True))
    elif arguments[0] == "new" and len(arguments) == 2:
        from piccolo.main import main as piccolo_cli  # the CLI's own imports, only for this command

        sys.argv = ["piccolo", "migrations", "new", arguments[1], "--auto"]
        piccolo_cli()
    else:
        sys.exit("usage: python -m db.migrate [new APP]")


if __name__ == "__main__":
    main(sys.argv[1:])
