"""The family visibility rule read as index ranges, for the screens that list many rows.

The rule itself is SQL (db/core migrations "family read functions" and, for `family_audience`'s
current text, "family audience computed once"): `family_audience(school, reader, student)` is the
student's classes and groups (`a.class_ids`, `a.group_ids`) when the reader may see that student, and
`reaches(classes, groups, item_class, item_group)` says whether an item reaches them.

Written as one predicate over a table, `reaches` is an OR of two list tests, which a generic plan may
serve by reading every row of the school in the dates asked and filtering them: it cannot know how
wide a date range its parameters make. With many schools it does, and the homework list's five weeks
of lessons (for their contents) went through the school's 1,700 for the student's 100. `reached()`
reads the same rows as two index ranges, the audience's classes', then its groups' not listed
already: tests/test_kernel.py holds it to the rows `reaches` lets through. Over a day or a week,
splitting did not pay when measured (the home screen, the timetable): `reaches` is used as it is.
"""


def reached(table: str, alias: str, condition: str, columns: str) -> str:
    """A FROM item named `alias`: `columns` of the rows of `table` in school `$1` that reach the
    audience row `a` and meet `condition` (SQL on `alias`), each row once."""
    rows = f"SELECT {columns} FROM {table} {alias} WHERE {alias}.school_id = $1 AND {condition}"
    return f"""({rows}
          AND {alias}.class_id = ANY (a.class_ids)
        UNION ALL
        {rows}
          AND {alias}.group_id = ANY (a.group_ids) AND NOT coalesce({alias}.class_id = ANY (a.class_ids), false)
    ) {alias}"""
