"""SQL that makes a Piccolo app's tables distributable by school (Citus row sharding).

Piccolo only knows single-column keys, so each app declares its references in `REFERENCES`
and its migration embeds the SQL this module prints (`python -m db.sharding APP`), frozen
at the time the migration was written, as migrations must be.
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import NamedTuple

from piccolo.table import Table

# Tables that are not distributed by school: the shard root, the deployment-wide identifier and
# contact directories (Citus reference tables) and security counters keyed by IP (local tables).
# Every other table holds school data and is keyed (school_id, id).
NOT_SHARDED = {"school", "login_identifier", "contact_directory", "rate_limit_counter"}


class Ref(NamedTuple):
    table: type[Table]
    column: str
    target: type[Table]
    on_delete: str = "NO ACTION"


def _leading_columns(index_sql: str) -> tuple[str, list[str]]:
    """The table and columns of "CREATE INDEX … ON homework (school_id, class_id, due_on)"."""
    match = re.search(r"\bON (\w+) \(([^)]*)\)", index_sql)
    if match is None or " WHERE " in index_sql:  # a partial index does not serve every lookup
        return "", []
    return match.group(1), [column.strip() for column in match.group(2).split(",")]


def shard_sql(tables: list[type[Table]], refs: list[Ref], indexes: list[str] = ()) -> list[str]:
    """The app's sharding SQL. A reference gets an index on (school_id, column) unless one of the
    app's `indexes` already starts with those columns (each index costs every write)."""
    served = [_leading_columns(index) for index in indexes]
    statements = []
    for table in tables:
        name = table._meta.tablename
        statements.append(f"ALTER TABLE {name} DROP CONSTRAINT {name}_pkey, ADD PRIMARY KEY (school_id, id)")
        statements.append(
            f"ALTER TABLE {name} ADD CONSTRAINT {name}_school_fk FOREIGN KEY (school_id) REFERENCES school (id)"
        )
    for ref in refs:
        name, target = ref.table._meta.tablename, ref.target._meta.tablename
        statements.append(
            f"ALTER TABLE {name} ADD CONSTRAINT {name}_{ref.column}_fk FOREIGN KEY (school_id, {ref.column}) "
            f"REFERENCES {target} (school_id, id) ON DELETE {ref.on_delete}"
        )
        if not any(indexed == name and columns[:2] == ["school_id", ref.column] for indexed, columns in served):
            statements.append(f"CREATE INDEX IF NOT EXISTS {name}_{ref.column}_idx ON {name} (school_id, {ref.column})")
    return statements


if __name__ == "__main__":
    module = importlib.import_module(f"db.{sys.argv[1]}.tables")
    for statement in shard_sql(module.SHARDED_TABLES, module.REFERENCES, getattr(module, "INDEXES", [])):
        print(f"    {statement!r},")


def run_statements(statements: list[str]):
    """Wrap literal SQL for `MigrationManager.add_raw`; it runs in the migration's transaction."""
    from piccolo.engine import engine_finder

    async def run() -> None:
        engine = engine_finder()
        for statement in statements:
            await engine.run_ddl(statement)

    return run
