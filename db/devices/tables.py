"""Paired phones. The pairing issue defines the protocol and fills these tables in."""

from piccolo.columns import Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import User
from db.sharding import Ref


class Device(Table, tablename="device"):
    """A phone profile bound to a key pair whose private half never leaves the phone."""

    id = primary_key()
    school_id = school_key()
    user_id = ref()
    name = Varchar(length=80)
    key_thumbprint = Varchar(length=64)  # RFC 7638 JWK thumbprint of the device's public key
    created_at = created_at()
    last_seen_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


SHARDED_TABLES = [Device]
REFERENCES = [Ref(Device, "user_id", User, "CASCADE")]
INDEXES = []
