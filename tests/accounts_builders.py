"""Helpers for the account tests: reading the demo outbox, extracting codes, password sign-in."""

from __future__ import annotations

import asyncio
import re

import httpx

from db.accounts.tables import OutboxMessage
from tests.factories import PASSWORD

STRONG = "Vélo-Rouge-42!"


async def last_message(destination: str) -> str:
    """The latest message to `destination`. Messages go out just after the answer (api/accounts/codes.py
    `answer`): a live server may still be sending, so wait for one a little."""
    for _ in range(50):
        row = (
            await OutboxMessage.select(OutboxMessage.body)
            .where(OutboxMessage.destination == destination)
            .order_by(OutboxMessage.created_at, ascending=False)
            .first()
        )
        if row is not None:
            return row["body"]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no message sent to {destination}")


async def messages_to(destination: str) -> list[str]:
    rows = await OutboxMessage.select(OutboxMessage.body).where(OutboxMessage.destination == destination)
    return [row["body"] for row in rows]


async def last_code(destination: str) -> str:
    return re.search(r"\b(\d{6})\b", await last_message(destination)).group(1)


async def password_sign_in(
    client: httpx.AsyncClient, identifier: str, password: str = PASSWORD, profile: str = "famille"
) -> httpx.Response:
    response = await client.post(
        "/api/session", json={"identifier": identifier, "password": password, "profile": profile}
    )
    if response.status_code == 200:
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return response


async def make_parent_to_activate(
    family, *, first_name="Sophie", last_name="Dupont", phone="06 12 34 56 78", birth_date=None
):
    """A parent the school knows (name, phone) who never activated: no identifier, no password.

    Linked to `family.student`, whose birth date is set to `birth_date` (default 2013-05-14)."""
    from datetime import date

    from db.core.tables import Guardianship, User
    from tests.factories import Ref

    await User.update({User.birth_date: birth_date or date(2013, 5, 14)}).where(User.id == family.student.id)
    user = User(
        school_id=family.school.id,
        role="parent",
        identifier="",
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        password_hash=None,
    )
    await user.save()
    await Guardianship.insert(Guardianship(school_id=family.school.id, parent_id=user.id, student_id=family.student.id))
    from api.accounts.directory import set_contacts

    await set_contacts(family.school.id, user.id)  # the school's import records the phone in the directory
    return Ref(id=user.id, school_id=family.school.id, role="parent")


async def register_passkey(client: httpx.AsyncClient, authenticator: SoftAuthenticator) -> None:
    """Add `authenticator`'s passkey to the account signed in on `client`."""
    started = (await client.post("/api/accounts/passkeys/register/options")).json()
    response = await client.post(
        "/api/accounts/passkeys/register",
        json={
            "flow": started["flow"],
            "name": "Ordinateur du salon",
            "credential": authenticator.create(started["options"]),
        },
    )
    assert response.status_code == 201, response.text


class SoftAuthenticator:
    """A minimal software passkey (ES256, "none" attestation) to drive WebAuthn through the API."""

    def __init__(self) -> None:
        import secrets

        from cryptography.hazmat.primitives.asymmetric import ec

        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(16)
        self.sign_count = 0

    @staticmethod
    def _b64(data: bytes) -> str:
        import base64

        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def _client_data(self, kind: str, options: dict, origin: str) -> bytes:
        import json

        return json.dumps(
            {"type": kind, "challenge": options["challenge"], "origin": origin, "crossOrigin": False}
        ).encode()

    def create(self, options_json: str, origin: str = "http://localhost") -> str:
        import hashlib
        import json

        import cbor2

        options = json.loads(options_json)
        numbers = self.key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        auth_data = (
            hashlib.sha256(options["rp"]["id"].encode()).digest()
            + bytes([0x45])
            + (0).to_bytes(4, "big")
            + bytes(16)
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + cose
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return json.dumps(
            {
                "id": self._b64(self.credential_id),
                "rawId": self._b64(self.credential_id),
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": self._b64(self._client_data("webauthn.create", options, origin)),
                    "attestationObject": self._b64(attestation),
                    "transports": ["internal"],
                },
            }
        )

    def get(self, options_json: str, user_id, origin: str = "http://localhost") -> str:
        import hashlib
        import json

        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        options = json.loads(options_json)
        self.sign_count += 1
        auth_data = (
            hashlib.sha256(options["rpId"].encode()).digest() + bytes([0x05]) + self.sign_count.to_bytes(4, "big")
        )
        client_data = self._client_data("webauthn.get", options, origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps(
            {
                "id": self._b64(self.credential_id),
                "rawId": self._b64(self.credential_id),
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": self._b64(client_data),
                    "authenticatorData": self._b64(auth_data),
                    "signature": self._b64(signature),
                    "userHandle": self._b64(user_id.bytes),
                },
            }
        )
