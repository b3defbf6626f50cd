"""Apply every pending Piccolo migration, in app dependency order."""

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.conf.apps import Finder


async def apply_migrations(*, verbose: bool = False) -> None:
    output = io.StringIO()
    with contextlib.redirect_stdout(output) if not verbose else contextlib.nullcontext():
        result = await run_forwards("all")
    if not result.success:
        raise RuntimeError(f"Migrations failed: {result.message}\n{output.getvalue()}")


def all_tables() -> list:
    """Every table class of every registered Piccolo app."""
    return Finder().get_table_classes()
