"""Sign-in state and account flows: sessions, one-time codes, the outbox, passkeys, portal favourites."""

from piccolo.columns import JSONB, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import User
from db.sharding import Ref


class UserSession(Table, tablename="user_session"):
    """A browser session. Only the SHA-256 of the cookie value is stored."""

    id = primary_key()
    school_id = school_key()
    user_id = ref()
    token_hash = Varchar(length=64)
    csrf_token = Varchar(length=64)
    created_at = created_at()
    last_seen_at = Timestamptz()
    expires_at = Timestamptz()  # absolute time-out; the idle time-out is checked on last_seen_at
    user_agent = Varchar(length=300, default="")


class RateLimitCounter(Table, tablename="rate_limit_counter"):
    """Sliding-window counters for everything guessable (codes, passwords, pairings): the hits of the
    current fixed window and of the one before it (api/ratelimit.py weighs them).

    Kept in PostgreSQL so that limits hold across processes; keys are opaque strings such as
    "signin:ip:203.0.113.9". Not school data: no school_id, a local table under Citus.
    """

    key = Varchar(length=200, primary_key=True)
    window_start = Timestamptz()
    hits = Integer(default=0)
    previous_hits = Integer(default=0)  # in the window just before `window_start`'s


class VerificationCode(Table, tablename="verification_code"):
    """One step of a multi-step account flow (activation, recovery, e-mail link, passkey ceremony).

    The browser holds a random flow token; only its SHA-256 is stored (`flow_hash`). A 6-digit code,
    when the flow has one, is stored as SHA-256(flow token + code): useless without the flow token.
    """

    id = primary_key()
    school_id = school_key()
    # None for a flow opened before sign-in: it acts on `accounts`, and lives in a school drawn at random.
    user_id = ref(null=True)
    purpose = Varchar(length=30)  # activation | password_recovery | email | passkey_register | passkey_signin
    flow_hash = Varchar(length=64)
    code_hash = Varchar(length=64, default="")
    destination = Varchar(length=200, default="")  # phone or e-mail the code went to; a WebAuthn challenge
    attempts = Integer(default=0)
    expires_at = Timestamptz()
    verified_at = Timestamptz(null=True, default=None)  # the code was right (flow may continue)
    used_at = Timestamptz(null=True, default=None)  # the flow finished: never again
    created_at = created_at()
    # A flow opened before sign-in (api/accounts/codes.py `open_public_flow`): [{"school_id", "user_id"}, …]
    # of the accounts it acts on, possibly none; after activation's step 2, those whose children's
    # birth dates were proven.
    accounts = JSONB(null=True, default=None)


class OutboxMessage(Table, tablename="outbox_message"):
    """An SMS or e-mail as the default sender records it (shown in the demo outbox page)."""

    id = primary_key()
    school_id = school_key()
    channel = Varchar(length=10)  # sms | email
    destination = Varchar(length=200)
    subject = Varchar(length=200, default="")
    body = Text()
    created_at = created_at()


class PasskeyCredential(Table, tablename="passkey_credential"):
    id = primary_key()
    school_id = school_key()
    user_id = ref()
    credential_id = Varchar(length=400)  # base64url
    public_key = Text()  # base64url COSE key
    sign_count = Integer(default=0)
    name = Varchar(length=80, default="")
    created_at = created_at()
    last_used_at = Timestamptz(null=True, default=None)


class KnownBrowser(Table, tablename="known_browser"):
    """A browser that signed in to an account (OWASP "device cookies", api/accounts/known_browsers.py):
    it may still sign in while the account is locked against strangers. Only the SHA-256 of the
    cookie's secret is stored."""

    id = primary_key()
    school_id = school_key()
    user_id = ref()
    token_hash = Varchar(length=64)
    created_at = created_at()
    last_used_at = Timestamptz()
    expires_at = Timestamptz()


class PortalFavourite(Table, tablename="portal_favourite"):
    id = primary_key()
    school_id = school_key()
    user_id = ref()
    app_key = Varchar(length=40)
    created_at = created_at()


SHARDED_TABLES = [UserSession, VerificationCode, OutboxMessage, PasskeyCredential, KnownBrowser, PortalFavourite]
REFERENCES = [
    Ref(UserSession, "user_id", User, "CASCADE"),
    Ref(VerificationCode, "user_id", User, "CASCADE"),
    Ref(PasskeyCredential, "user_id", User, "CASCADE"),
    Ref(KnownBrowser, "user_id", User, "CASCADE"),
    Ref(PortalFavourite, "user_id", User, "CASCADE"),
]
# Citus: a unique index must include the distribution column (school_id).
INDEXES = [
    "CREATE UNIQUE INDEX portal_favourite_uq ON portal_favourite (school_id, user_id, app_key)",
    "CREATE UNIQUE INDEX passkey_credential_uq ON passkey_credential (school_id, credential_id)",
    "CREATE INDEX verification_code_flow_idx ON verification_code (school_id, flow_hash)",
    "CREATE INDEX outbox_message_created_idx ON outbox_message (created_at DESC)",
]
