"""The school calendar: outings, parents' evenings, class councils, holidays, for the whole school
or for some classes."""

from piccolo.columns import Date, Integer, Text, Time, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import primary_key, ref, school_key
from db.core.tables import SchoolClass, User
from db.sharding import Ref


class SchoolEvent(Table, tablename="school_event"):
    """An event over one or more days; with times (the school's local time) or all day."""

    id = primary_key()
    school_id = school_key()
    kind = Varchar(length=20)  # outing | parents_evening | class_council | holiday | other
    title = Varchar(length=200)
    details = Text(default="")
    location = Varchar(length=200, default="")
    first_day = Date()
    last_day = Date()
    starts_at = Time(null=True, default=None)  # null: all day
    ends_at = Time(null=True, default=None)
    created_by_id = ref()
    updated_at = Timestamptz()
    revision = Integer(default=0)  # +1 at each change (calendar feeds' SEQUENCE)
    client_id = Varchar(length=64, default="")  # idempotency key of the creation ("" if none)


class SchoolEventClass(Table, tablename="school_event_class"):
    """A class an event is for; an event with none is for the whole school."""

    id = primary_key()
    school_id = school_key()
    event_id = ref()
    class_id = ref()


SHARDED_TABLES = [SchoolEvent, SchoolEventClass]
REFERENCES = [
    Ref(SchoolEvent, "created_by_id", User),
    Ref(SchoolEventClass, "event_id", SchoolEvent, "CASCADE"),
    Ref(SchoolEventClass, "class_id", SchoolClass, "CASCADE"),
]
INDEXES = [
    "CREATE INDEX school_event_days_idx ON school_event (school_id, last_day, first_day)",
    "CREATE UNIQUE INDEX school_event_client_uq ON school_event (school_id, created_by_id, client_id) "
    "WHERE client_id <> ''",
    "CREATE UNIQUE INDEX school_event_class_uq ON school_event_class (school_id, event_id, class_id)",
]
