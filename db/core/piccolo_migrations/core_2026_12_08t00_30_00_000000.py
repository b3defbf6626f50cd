"""`family_audience` reads a student's classes and groups once per statement.

The same rule as in "family read functions", with `OFFSET 0` after it. Inlined and pulled up into
the caller, as before, each use of `a.class_ids` or `a.group_ids` in a screen's statement was its own
sub-select of the student's enrolments or groups, run once per use: a homework list uses them a
dozen times, the home screen more. Kept a subquery by `OFFSET 0`, the function is still inlined (its
tables restricted by `school_id` in the caller's plan, a generic plan still using the primary key) and
its row is computed once, then read as plain columns.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-12-08T00:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "family audience computed once"

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
    OFFSET 0  -- a subquery of its own: the lists are computed once, not at each use
$$
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_raw(run_statements([FAMILY_AUDIENCE]))
    return manager
