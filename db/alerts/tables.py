"""The students' alert button ("Signaler un harcèlement"): confidential alerts read only by the
staff the school designates, with an audit log of every read.

Parents and teachers never read these tables (api/alerts/ has no route for them).
"""

from piccolo.columns import Boolean, Text, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import User
from db.sharding import Ref


class AlertSettings(Table, tablename="alert_settings"):
    """Whether the school's students may raise alerts (one row per school; no row: on)."""

    id = primary_key()
    school_id = school_key()
    enabled = Boolean(default=True)
    updated_by_id = ref()
    updated_at = Timestamptz()


class AlertRecipient(Table, tablename="alert_recipient"):
    """A member of staff designated to receive and acknowledge the students' alerts."""

    id = primary_key()
    school_id = school_key()
    user_id = ref()
    created_at = created_at()


class StudentAlert(Table, tablename="student_alert"):
    id = primary_key()
    school_id = school_key()
    student_id = ref()
    role = Varchar(length=10)  # victim | witness
    category = Varchar(length=20)  # a key of api/alerts/catalogue.CATEGORIES
    body = Text()
    client_id = Varchar(length=64)  # idempotency key from the student's device
    created_at = created_at()
    acknowledged_at = Timestamptz(null=True, default=None)
    acknowledged_by_id = ref(null=True)


class AlertRead(Table, tablename="alert_read"):
    """The audit log: who opened which alert, when (one row per opening)."""

    id = primary_key()
    school_id = school_key()
    alert_id = ref()
    reader_id = ref()
    read_at = created_at()


SHARDED_TABLES = [AlertSettings, AlertRecipient, StudentAlert, AlertRead]
# An alert outlives nothing it points to: no cascade from a person, so a record is never lost silently.
REFERENCES = [
    Ref(AlertSettings, "updated_by_id", User),
    Ref(AlertRecipient, "user_id", User, "CASCADE"),
    Ref(StudentAlert, "student_id", User),
    Ref(StudentAlert, "acknowledged_by_id", User),
    Ref(AlertRead, "alert_id", StudentAlert, "CASCADE"),
    Ref(AlertRead, "reader_id", User),
]
INDEXES = [
    "CREATE UNIQUE INDEX alert_settings_uq ON alert_settings (school_id)",
    "CREATE UNIQUE INDEX alert_recipient_uq ON alert_recipient (school_id, user_id)",
    "CREATE UNIQUE INDEX student_alert_client_uq ON student_alert (school_id, student_id, client_id)",
    "CREATE INDEX student_alert_time_idx ON student_alert (school_id, created_at)",
]
