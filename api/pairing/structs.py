"""Request and response bodies of the pairing API (see docs/pairing.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from api.fields import ClientId
from api.pairing.tokens import TokenPair

__all__ = ["TokenPair"]


class CreatePairing(msgspec.Struct):
    code: str


class PairingCreated(msgspec.Struct):
    id: UUID
    link: str
    qr_svg: str
    expires_at: datetime
    expires_in: int


class PairingStatus(msgspec.Struct):
    id: UUID
    status: str  # pending | used | dead | superseded | expired
    device_name: str
    attempts_left: int
    expires_in: int


class ClaimPairing(msgspec.Struct):
    pairing: str
    secret: str
    code: str
    device_name: str = ""


class Child(msgspec.Struct):
    id: UUID
    first_name: str
    last_name: str
    class_name: str


class Profile(msgspec.Struct):
    user_id: UUID
    role: str
    display_name: str
    school_id: UUID
    school_name: str
    children: list[Child]


class Claimed(msgspec.Struct):
    device_id: UUID
    access_token: str
    refresh_token: str
    expires_in: int
    profile: Profile
    token_type: str = "DPoP"


class OpenHere(msgspec.Struct):
    """This browser, from the signed-in espace session (the DPoP proof's header holds its public key)."""

    client_id: ClientId  # one per click: a retry with it gets the same device
    # A shared or public computer keeps nothing offline and forgets the profile when the session ends.
    shared: bool = True
    device_name: Annotated[str, msgspec.Meta(max_length=80)] = ""


class OpenedHere(Claimed):
    shared: bool = True
    idle_timeout: int | None = None  # seconds without a request after which a shared profile ends


class RefreshRequest(msgspec.Struct):
    refresh_token: str


class LinkedDevice(msgspec.Struct):
    id: UUID
    name: str
    profile: str
    created_at: datetime
    last_seen_at: datetime | None
    lock_available: bool
    shared: bool = False  # a shared computer's profile: ends with the espace session that opened it


class WebAuthnOptions(msgspec.Struct):
    options: dict


class WebAuthnResponse(msgspec.Struct):
    credential: dict


class Unlocked(msgspec.Struct):
    unlocked: bool
