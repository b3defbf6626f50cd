"""Sign-in state: server-side sessions (more account tables come with the accounts issue)."""

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import User
from db.sharding import Ref


class UserSession(Table, tablename="user_session"):
    """A browser session. Only the SHA-256 of the cookie value is stored."""

    id = primary_key()
    school_id = school_key()
    user_id = ref()
    token_hash = Varchar(length=64, unique=True)
    csrf_token = Varchar(length=64)
    created_at = created_at()
    last_seen_at = Timestamptz()
    expires_at = Timestamptz()  # absolute time-out; the idle time-out is checked on last_seen_at
    user_agent = Varchar(length=300, default="")


class RateLimitCounter(Table, tablename="rate_limit_counter"):
    """Fixed-window counters for everything guessable (codes, passwords, pairings).

    Kept in PostgreSQL so that limits hold across processes; keys are opaque strings such as
    "signin:ip:203.0.113.9". Not school data: no school_id, a local table under Citus.
    """

    key = Varchar(length=200, primary_key=True)
    window_start = Timestamptz()
    hits = Integer(default=0)


SHARDED_TABLES = [UserSession]
REFERENCES = [Ref(UserSession, "user_id", User, "CASCADE")]
INDEXES = []

