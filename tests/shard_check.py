"""Is a SQL statement shard-local? Under Citus every school-data table is distributed on `school_id`,
and a statement stays on one shard (and scales with the number of schools) only when every such
table it reads or writes has its `school_id` pinned by equality: to a parameter or constant, or to
another `school_id` that is itself pinned (a join, a correlated subquery).

The statement is parsed with pglast (PostgreSQL's own parser). Deployment-wide tables
(`db.sharding.NOT_SHARDED`) are exempt; shard-local SQL functions count as table reads whose school
is their first argument (`SHARD_LOCAL_FUNCTIONS`). DDL, transaction control and COPY into a table
(routed row by row) have nothing to check.
"""

from __future__ import annotations

from pglast import ast, parse_sql
from pglast.enums import SetOperation

from db.migrate import all_tables
from db.sharding import NOT_SHARDED

# The tables Citus distributes on `school_id`: every table but the deployment-wide ones.
SHARDED = {table._meta.tablename for table in all_tables()} - NOT_SHARDED

# SQL functions that read school data, by name: the index of the argument that is their school.
SHARD_LOCAL_FUNCTIONS = {"family_audience": 0}
_CONSTANT = ("", "")
SCHOOL_KEY = "school_id"


def violations(sql: str, sharded: set[str], constants: frozenset[str] = frozenset()) -> list[str]:
    """The sharded tables (or shard-local functions) `sql` touches without pinning their school.

    `constants`: bare names that stand for fixed values (a SQL function's own parameters)."""
    found: list[str] = []
    checker = _Checker(sharded, constants, found)
    for raw in parse_sql(sql):
        checker.statement(raw.stmt, frozenset(), frozenset())
    return found


class _Pins:
    """Union-find over column keys (alias, column); a key is pinned when joined to a constant."""

    def __init__(self, outer: frozenset) -> None:
        self.parent: dict = {}
        for key in outer:
            self.union(key, _CONSTANT)

    def find(self, key):
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a, b) -> None:
        self.parent[self.find(a)] = self.find(b)

    def pinned(self, key) -> bool:
        return key == _CONSTANT or self.find(key) == self.find(_CONSTANT)

    def pinned_keys(self) -> frozenset:
        return frozenset(key for key in list(self.parent) if self.pinned(key))


def _conjuncts(expression):
    if isinstance(expression, ast.BoolExpr) and expression.boolop == 0:  # AND
        for argument in expression.args:
            yield from _conjuncts(argument)
    elif expression is not None:
        yield expression


def _nodes_in(value):
    """Child nodes of an expression tree, not descending into sub-selects (checked as their own scope)."""
    if isinstance(value, tuple | list):
        for item in value:
            yield from _nodes_in(item)
    elif isinstance(value, ast.Node):
        yield value
        if isinstance(value, ast.SubLink | ast.SelectStmt | ast.RangeSubselect):
            return
        for name in value.__slots__:
            yield from _nodes_in(getattr(value, name, None))


class _Checker:
    def __init__(self, sharded: set[str], constants: frozenset[str], found: list[str]) -> None:
        self.sharded, self.constants, self.found = sharded, constants, found

    def statement(self, node, ctes: frozenset, outer: frozenset) -> None:
        if node is None:
            return
        with_clause = getattr(node, "withClause", None)
        if with_clause is not None:
            names = frozenset(cte.ctename for cte in with_clause.ctes)
            ctes = ctes | names
            for cte in with_clause.ctes:
                self.statement(cte.ctequery, ctes, outer)
        if isinstance(node, ast.SelectStmt):
            if node.op != SetOperation.SETOP_NONE:
                self.statement(node.larg, ctes, outer)
                self.statement(node.rarg, ctes, outer)
                return
            self.scope(node.fromClause or (), [node.whereClause], node, ctes, outer)
        elif isinstance(node, ast.InsertStmt):
            table = node.relation.relname
            columns = {column.name for column in node.cols or ()}
            if table in self.sharded and SCHOOL_KEY not in columns:
                self.found.append(f"INSERT INTO {table} without {SCHOOL_KEY}")
            source = node.selectStmt
            if source is not None and not getattr(source, "valuesLists", None):
                self.statement(source, ctes, outer)
        elif isinstance(node, ast.UpdateStmt):
            self.scope((node.relation, *(node.fromClause or ())), [node.whereClause], node, ctes, outer)
        elif isinstance(node, ast.DeleteStmt):
            self.scope((node.relation, *(node.usingClause or ())), [node.whereClause], node, ctes, outer)
        elif isinstance(node, ast.CopyStmt) and node.query is not None:
            self.statement(node.query, ctes, outer)

    def scope(self, from_items, conditions: list, node, ctes: frozenset, outer: frozenset) -> None:
        tables: list[tuple[str, str]] = []  # (alias, table)
        functions: list[ast.FuncCall] = []
        subselects: list = []
        for item in from_items:
            self.from_item(item, tables, functions, subselects, conditions, ctes)
        aliases = [alias for alias, _ in tables]
        pins = _Pins(outer)
        for condition in conditions:
            for conjunct in _conjuncts(condition):
                if isinstance(conjunct, ast.A_Expr) and conjunct.kind == 0 and conjunct.name[-1].sval == "=":
                    left, right = self.key(conjunct.lexpr, aliases), self.key(conjunct.rexpr, aliases)
                    if left is not None and right is not None:
                        pins.union(left, right)
        for alias, table in tables:
            if table in self.sharded and not pins.pinned((alias, SCHOOL_KEY)):
                self.found.append(f"{table} ({alias}) without {SCHOOL_KEY} = …")
        for call in functions:
            name = call.funcname[-1].sval
            school = self.key(call.args[SHARD_LOCAL_FUNCTIONS[name]], aliases)
            if school is None or not pins.pinned(school):
                self.found.append(f"{name}() without a pinned school")
        inner = outer | pins.pinned_keys()
        for subselect in subselects:
            self.statement(subselect, ctes, inner)
        for expression in _nodes_in([getattr(node, name, None) for name in node.__slots__ if name != "fromClause"]):
            if isinstance(expression, ast.SubLink):
                self.statement(expression.subselect, ctes, inner)
        for condition in conditions:  # join conditions hold sub-selects too
            for expression in _nodes_in(condition):
                if isinstance(expression, ast.SubLink):
                    self.statement(expression.subselect, ctes, inner)

    def from_item(self, item, tables, functions, subselects, conditions, ctes) -> None:
        if isinstance(item, ast.RangeVar):
            if item.relname not in ctes:
                tables.append((item.alias.aliasname if item.alias else item.relname, item.relname))
        elif isinstance(item, ast.JoinExpr):
            self.from_item(item.larg, tables, functions, subselects, conditions, ctes)
            self.from_item(item.rarg, tables, functions, subselects, conditions, ctes)
            conditions.append(item.quals)
        elif isinstance(item, ast.RangeSubselect):
            subselects.append(item.subquery)
        elif isinstance(item, ast.RangeFunction):
            for call, _ in item.functions:
                if isinstance(call, ast.FuncCall) and call.funcname[-1].sval in SHARD_LOCAL_FUNCTIONS:
                    functions.append(call)

    def key(self, expression, aliases: list[str]):
        """(alias, column) of a column reference, _CONSTANT for a parameter or constant, else None."""
        while isinstance(expression, ast.TypeCast):
            expression = expression.arg
        if isinstance(expression, ast.ParamRef) or (isinstance(expression, ast.A_Const) and not expression.isnull):
            return _CONSTANT
        if not isinstance(expression, ast.ColumnRef):
            return None
        names = [field.sval for field in expression.fields if isinstance(field, ast.String)]
        if len(names) == 1 and names[0] in self.constants:
            return _CONSTANT
        if len(names) >= 2:
            return (names[-2], names[-1])
        if len(names) == 1 and len(aliases) == 1:
            return (aliases[0], names[0])
        return ("?", names[0]) if names else None
