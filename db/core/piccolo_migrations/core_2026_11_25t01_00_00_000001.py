"""SQL functions the family read models are built from (one statement per screen, JSON built by PostgreSQL).

- `family_audience(school, reader, student)`: THE family visibility rule, in one place. The students
  `reader` may read in `school` (themselves, or a parent's children), each with the class and group
  ids whose lessons, homework and evaluations reach them; `student` NULL lists them all, otherwise no
  row means "not yours" (a 404). Its companion `reaches(classes, groups, class_id, group_id)` is the
  predicate an item (class or group) is tested with. Every family read and the attachment download
  use these two, and nothing else decides what a family sees.
- `api_timestamp(ts)`: a timestamptz as msgspec writes it (UTC, `Z`, microseconds only when non-zero),
  so PostgreSQL-built bodies read exactly like the Python-built ones, whatever the session time zone.
- `display_name(first, last)`: "Prénom NOM", as families see staff names (full Unicode upper case).

All are SQL functions PostgreSQL inlines into the calling query (no `STRICT`, no `SECURITY DEFINER`),
so the planner still uses the (school_id, class_id|group_id, date) indexes; every table they read is
restricted by `school_id = school`, which keeps each query shard-local under Citus.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T01:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "family read functions"

FAMILY_AUDIENCE = """
CREATE OR REPLACE FUNCTION family_audience(in_school uuid, in_reader uuid, in_student uuid)
RETURNS TABLE (student_id uuid, class_ids uuid[], group_ids uuid[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT s.id,
           ARRAY(SELECT e.class_id FROM enrolment e WHERE e.school_id = in_school AND e.student_id = s.id),
           ARRAY(SELECT m.group_id FROM group_membership m WHERE m.school_id = in_school AND m.student_id = s.id)
    FROM app_user s
    WHERE s.school_id = in_school AND s.role = 'student'
      -- the candidates as an array, so that the primary key is used even in a generic plan
      AND s.id = ANY (CASE WHEN in_student IS NOT NULL THEN ARRAY[in_student]
                           ELSE in_reader || ARRAY(SELECT g.student_id FROM guardianship g
                                                   WHERE g.school_id = in_school AND g.parent_id = in_reader) END)
      AND (s.id = in_reader OR EXISTS (SELECT 1 FROM guardianship g
                                       WHERE g.school_id = in_school AND g.parent_id = in_reader
                                         AND g.student_id = s.id))
$$
"""

REACHES = """
CREATE OR REPLACE FUNCTION reaches(audience_classes uuid[], audience_groups uuid[], item_class uuid, item_group uuid)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT item_class = ANY(audience_classes) OR item_group = ANY(audience_groups)
$$
"""

API_TIMESTAMP = """
CREATE OR REPLACE FUNCTION api_timestamp(ts timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN date_trunc('second', ts) = ts
                THEN to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                ELSE to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END
$$
"""

# PostgreSQL 17+ has the builtin `pg_unicode_fast` collation: full case mapping (ß → SS), as Python's
# str.upper(); older servers fall back to their default collation's upper().
DISPLAY_NAME = """
CREATE OR REPLACE FUNCTION display_name(first_name text, last_name text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT first_name || ' ' || upper(last_name{collate})
$$
"""


async def create_functions() -> None:
    engine = engine_finder()
    unicode_upper = await engine.run_ddl("SELECT 1 FROM pg_collation WHERE collname = 'pg_unicode_fast'")
    await engine.run_ddl(FAMILY_AUDIENCE)
    await engine.run_ddl(REACHES)
    await engine.run_ddl(API_TIMESTAMP)
    await engine.run_ddl(DISPLAY_NAME.format(collate=" COLLATE pg_unicode_fast" if unicode_upper else ""))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_raw(create_functions)
    return manager
