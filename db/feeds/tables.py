"""Calendar feeds: a secret iCalendar URL per reader and child (api/feeds/); a teacher's, a staff
member's or the head's is their own timetable (`student_id` = `user_id`, as a student's own feed).

The URL's token is `<ref><secret>` like every credential (api/auth/tokens.py routed_token): the
school and the row in clear, so the lookup is shard-local, and only SHA-256(secret) stored. It opens
that one feed and nothing else.
"""

from piccolo.columns import Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import User
from db.sharding import Ref


class CalendarFeed(Table, tablename="calendar_feed"):
    id = primary_key()
    school_id = school_key()
    user_id = ref()  # the reader (a parent, the student, or a teacher, staff member or head)
    student_id = ref()  # whose timetable it shows: a child, or the reader themselves
    secret_hash = Varchar(length=64)
    created_at = created_at()
    last_used_at = Timestamptz(null=True, default=None)


SHARDED_TABLES = [CalendarFeed]
REFERENCES = [
    Ref(CalendarFeed, "user_id", User, "CASCADE"),
    Ref(CalendarFeed, "student_id", User, "CASCADE"),
]
INDEXES = ["CREATE UNIQUE INDEX calendar_feed_reader_uq ON calendar_feed (school_id, user_id, student_id)"]
