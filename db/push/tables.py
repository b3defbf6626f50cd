"""Web Push: the browsers' subscriptions (one per paired profile on a device), each device's
notification settings, and the outbox the delivery worker reads (api/push/).

An event ("new homework in maths for Lucas") is written with one delivery row per subscription that
should hear of it, in the transaction of the school's write; the worker claims due deliveries, sends
them and records the outcome. See api/push/events.py and api/push/worker.py.
"""

from piccolo.columns import JSONB, Boolean, Date, Integer, Time, Timestamptz, Varchar
from piccolo.columns.defaults.time import TimeCustom
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import User
from db.devices.tables import Device
from db.sharding import Ref

KINDS = ("homework", "lesson", "evaluation", "vie_scolaire", "message", "information", "teleservice", "reminder")
DELIVERY_STATES = ("pending", "sending", "sent", "failed")


class PushSubscription(Table, tablename="push_subscription"):
    """A browser's push subscription (RFC 8030), bound to one paired profile of a device."""

    id = primary_key()
    school_id = school_key()
    user_id = ref()
    device_id = ref()
    endpoint = Varchar(length=1024)  # the push service's URL for this browser (an allowed service)
    p256dh = Varchar(length=100)  # the browser's P-256 public key, base64url (RFC 8291)
    auth = Varchar(length=40)  # its 16-byte authentication secret, base64url
    created_at = created_at()
    updated_at = Timestamptz()


class PushSettings(Table, tablename="push_settings"):
    """What a paired profile wants to hear, and when (kept when the subscription changes)."""

    id = primary_key()
    school_id = school_key()
    device_id = ref()
    muted = JSONB(default=[])  # ["<student id>:<kind>", …]: everything else is on
    quiet_start = Time(null=True, default=TimeCustom(hour=21, minute=0, second=0))  # NULL: no quiet hours
    quiet_end = Time(null=True, default=TimeCustom(hour=7, minute=0, second=0))
    generic_text = Boolean(default=False)  # lock screens show "Du nouveau dans Cartable." only
    reminder_enabled = Boolean(default=False)
    reminder_time = Time(default=TimeCustom(hour=18, minute=0, second=0))
    reminder_sent_on = Date(null=True, default=None)  # the school day of the last reminder looked at
    updated_at = Timestamptz()


class NotificationEvent(Table, tablename="notification_event"):
    """Something a family should hear of, about one student (and, for messages, one reader)."""

    id = primary_key()
    school_id = school_key()
    kind = Varchar(length=20)  # one of KINDS
    student_id = ref()
    user_id = ref(null=True)  # only this reader's devices (messages, information); NULL: the family
    source_id = ref(null=True)  # the homework, lesson, evaluation… it is about (not a foreign key)
    params = JSONB(default={})  # what the short text is made of (subject, day…)
    screen = Varchar(length=200)  # the app's route to open ("devoirs", "messages/d/<id>")
    not_before = Timestamptz()  # e.g. an evaluation's publication time
    created_at = created_at()


class NotificationDelivery(Table, tablename="notification_delivery"):
    """One event to one subscription: the outbox row the worker claims, sends, retries."""

    id = primary_key()
    school_id = school_key()
    event_id = ref()
    subscription_id = ref()
    state = Varchar(length=8, default="pending")  # one of DELIVERY_STATES
    digest = Boolean(default=False)  # held by quiet hours: goes out in the morning digest
    due_at = Timestamptz()
    attempts = Integer(default=0)
    claimed_until = Timestamptz(null=True, default=None)  # a worker's lease while sending
    sent_at = Timestamptz(null=True, default=None)
    last_error = Varchar(length=200, default="")


SHARDED_TABLES = [PushSubscription, PushSettings, NotificationEvent, NotificationDelivery]
REFERENCES = [
    Ref(PushSubscription, "user_id", User, "CASCADE"),
    Ref(PushSubscription, "device_id", Device, "CASCADE"),
    Ref(PushSettings, "device_id", Device, "CASCADE"),
    Ref(NotificationEvent, "student_id", User, "CASCADE"),
    Ref(NotificationEvent, "user_id", User, "CASCADE"),
    Ref(NotificationDelivery, "event_id", NotificationEvent, "CASCADE"),
    Ref(NotificationDelivery, "subscription_id", PushSubscription, "CASCADE"),
]
INDEXES = [
    "CREATE UNIQUE INDEX push_subscription_device_uq ON push_subscription (school_id, device_id)",
    "CREATE INDEX push_subscription_endpoint_idx ON push_subscription (school_id, endpoint)",
    "CREATE UNIQUE INDEX push_settings_device_uq ON push_settings (school_id, device_id)",
    "CREATE INDEX notification_event_source_idx ON notification_event (school_id, source_id)",
    "CREATE INDEX notification_delivery_due_idx ON notification_delivery (school_id, due_at) "
    "WHERE state IN ('pending', 'sending')",
]
