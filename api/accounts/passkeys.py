"""Passkeys (WebAuthn, py_webauthn): a signed-in desktop user adds one; it then signs in without a password.

The challenge of each ceremony is kept in a short-lived flow row (verification_code), bound to the
user, and consumed once. Sign-in asks for the identifier first (that names the school and user) and
uses discoverable credentials, so the options never reveal whether an account has a passkey.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlsplit
from uuid import UUID

import webauthn
from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from api.accounts import codes, known_browsers
from api.accounts.guards import require_same_origin
from api.accounts.identifiers import locate
from api.accounts.signin import start_session
from api.accounts.structs import (
    PasskeyItem,
    PasskeyOptions,
    PasskeyRegistration,
    PasskeySignIn,
    PasskeySignInStart,
    SessionBody,
)
from api.auth.principal import Principal
from api.auth.webauthn_input import readable_credential
from api.config import get_settings
from api.errors import ApiError
from api.openapi import errors
from db.accounts.tables import PasskeyCredential
from db.core.tables import User

CEREMONY_TTL = timedelta(minutes=5)
CEREMONIES_PER_WINDOW, CEREMONY_WINDOW = 30, timedelta(minutes=15)
NOT_RECOGNISED = ApiError(401, "passkey_refused", "Clé d'accès non reconnue. Connectez-vous avec votre mot de passe.")
NOT_REGISTERED = ApiError(400, "passkey_invalid", "La clé d'accès n'a pas pu être enregistrée.")
MAX_PASSKEYS = 10


def relying_party(request: Request) -> tuple[str, list[str]]:
    """(rp_id, accepted origins). With PUBLIC_URL set, its host and origin only (the Host header is
    anyone's to write). Without it (development and tests), the default public URL, and the request's
    own origin on a loopback host (an IP address cannot be a WebAuthn RP id, "localhost" can)."""
    settings = get_settings()
    if settings.public_url_pinned:
        return settings.public_host, [settings.public_origin]
    public = get_settings().public_url
    host = request.headers.get("host", "")
    if host.split(":")[0] == "localhost":
        return "localhost", [public, f"http://{host}"]
    return urlsplit(public).hostname or "localhost", [public]


async def _limit_ceremonies(request: Request, account: dict | None) -> None:
    """CEREMONIES_PER_WINDOW sign-in steps per address; a browser that signed in to `account` before
    (api/accounts/known_browsers.py) counts its own instead: strangers behind the same address (a
    school's NAT) cannot lock its families out of their passkeys."""
    known_browser = await known_browsers.recognised(request, account)
    await known_browsers.ceiling(
        "passkey", request, known_browser, max_hits=CEREMONIES_PER_WINDOW, window=CEREMONY_WINDOW
    )


async def _user(school_id: UUID, user_id: UUID) -> dict:
    return await User.select().where((User.school_id == school_id) & (User.id == user_id)).first()


class PasskeyController(Controller):
    path = "/api/accounts/passkeys"
    tags = ["accounts"]

    @get("/", summary="My passkeys")
    async def mine(self, principal: NamedDependency[Principal]) -> list[PasskeyItem]:
        rows = await PasskeyCredential.select().where(
            (PasskeyCredential.school_id == principal.school_id) & (PasskeyCredential.user_id == principal.user_id)
        )
        return [
            PasskeyItem(
                id=r["id"],
                name=r["name"],
                created_at=r["created_at"].isoformat(),
                last_used_at=r["last_used_at"].isoformat() if r["last_used_at"] else None,
            )
            for r in rows
        ]

    @delete("/{passkey_id:uuid}", summary="Remove one of my passkeys", status_code=204)
    async def remove(self, principal: NamedDependency[Principal], passkey_id: FromPath[UUID]) -> None:
        await PasskeyCredential.delete().where(
            (PasskeyCredential.school_id == principal.school_id)
            & (PasskeyCredential.user_id == principal.user_id)
            & (PasskeyCredential.id == passkey_id)
        )

    @post(
        "/register/options",
        summary="Start adding a passkey (signed-in, desktop session)",
        status_code=200,
        responses=errors(409),  # MAX_PASSKEYS already
    )
    async def register_options(self, request: Request, principal: NamedDependency[Principal]) -> PasskeyOptions:
        if principal.via != "session":
            raise ApiError(403, "forbidden", "Les clés d'accès s'ajoutent depuis l'espace web.")
        user = await _user(principal.school_id, principal.user_id)
        existing = await PasskeyCredential.select(PasskeyCredential.credential_id).where(
            (PasskeyCredential.school_id == principal.school_id) & (PasskeyCredential.user_id == principal.user_id)
        )
        if len(existing) >= MAX_PASSKEYS:
            raise ApiError(409, "too_many_passkeys", "Vous avez déjà le nombre maximal de clés d'accès.")
        rp_id, _ = relying_party(request)
        options = webauthn.generate_registration_options(
            rp_id=rp_id,
            rp_name="Cartable",
            user_id=user["id"].bytes,
            user_name=user["identifier"],
            user_display_name=f"{user['first_name']} {user['last_name']}",
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED, user_verification=UserVerificationRequirement.PREFERRED
            ),
            exclude_credentials=[
                PublicKeyCredentialDescriptor(id=base64url_to_bytes(r["credential_id"])) for r in existing
            ],
        )
        flow, _ = await codes.issue(
            school_id=principal.school_id,
            user_id=principal.user_id,
            purpose="passkey_register",
            destination=bytes_to_base64url(options.challenge),
            with_code=False,
            ttl=CEREMONY_TTL,
        )
        return PasskeyOptions(flow=flow, options=webauthn.options_to_json(options))

    @post("/register", summary="Finish adding a passkey", status_code=201)
    async def register(
        self, request: Request, principal: NamedDependency[Principal], data: JSONBody[PasskeyRegistration]
    ) -> PasskeyItem:
        row = await codes.find_flow(data.flow, "passkey_register")
        if (
            row is None
            or row["user_id"] != principal.user_id
            or row["school_id"] != principal.school_id
            or row["expires_at"] <= codes.now()
            or not await codes.finish(row)
        ):
            raise codes.FLOW_EXPIRED
        rp_id, origins = relying_party(request)
        try:
            verified = webauthn.verify_registration_response(
                credential=readable_credential(data.credential, NOT_REGISTERED),
                expected_challenge=base64url_to_bytes(row["destination"]),
                expected_rp_id=rp_id,
                expected_origin=origins,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
            raise NOT_REGISTERED from exc
        passkey = PasskeyCredential(
            school_id=principal.school_id,
            user_id=principal.user_id,
            credential_id=bytes_to_base64url(verified.credential_id),
            public_key=bytes_to_base64url(verified.credential_public_key),
            sign_count=verified.sign_count,
            name=(data.name.strip() or "Clé d'accès")[:80],
        )
        await passkey.save()
        return PasskeyItem(id=passkey.id, name=passkey.name, created_at=codes.now().isoformat(), last_used_at=None)

    @post("/signin/options", summary="Start a passkey sign-in for an identifier", status_code=200)
    async def signin_options(self, request: Request, data: JSONBody[PasskeySignInStart]) -> PasskeyOptions:
        require_same_origin(request)
        found = await locate(data.identifier)
        await _limit_ceremonies(request, found)
        rp_id, _ = relying_party(request)
        challenge = secrets.token_bytes(32)
        options = webauthn.generate_authentication_options(
            rp_id=rp_id, challenge=challenge, user_verification=UserVerificationRequirement.PREFERRED
        )
        # A flow for everyone: an unknown identifier's leads nowhere, and its token looks the same.
        flow, _ = await codes.open_public_flow(
            "passkey_signin",
            [(found["school_id"], found["user_id"])] if found else [],
            destination=bytes_to_base64url(challenge),
            with_code=False,
            ttl=CEREMONY_TTL,
        )
        return PasskeyOptions(flow=flow, options=webauthn.options_to_json(options))

    @post("/signin", summary="Finish a passkey sign-in: opens a session", status_code=200)
    async def signin(self, request: Request, data: JSONBody[PasskeySignIn]) -> Response[SessionBody]:
        require_same_origin(request)
        row = await codes.find_flow(data.flow, "passkey_signin")
        accounts = codes.flow_accounts(row) if row else []
        await _limit_ceremonies(request, dict(zip(("school_id", "user_id"), accounts[0])) if accounts else None)
        if row is None or row["expires_at"] <= codes.now() or not await codes.finish(row):
            raise NOT_RECOGNISED
        # Read before the flow's accounts are: an unreadable credential gets the one answer, whoever it names.
        credential = readable_credential(data.credential, NOT_RECOGNISED)
        credential_id = credential.get("rawId")
        if not isinstance(credential_id, str):
            raise NOT_RECOGNISED
        # A made-up identifier's flow looks its passkey up too, for an account that cannot exist.
        [(school_id, user_id)] = codes.flow_accounts(row) or [codes.NOBODY]
        stored = (
            await PasskeyCredential.select()
            .where(
                (PasskeyCredential.school_id == school_id)
                & (PasskeyCredential.user_id == user_id)
                & (PasskeyCredential.credential_id == credential_id)
            )
            .first()
        )
        if stored is None:
            raise NOT_RECOGNISED
        rp_id, origins = relying_party(request)
        try:
            verified = webauthn.verify_authentication_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(row["destination"]),
                expected_rp_id=rp_id,
                expected_origin=origins,
                credential_public_key=base64url_to_bytes(stored["public_key"]),
                credential_current_sign_count=stored["sign_count"],
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
            raise NOT_RECOGNISED from exc
        user = await _user(school_id, user_id)
        if user is None or user["disabled"]:
            raise NOT_RECOGNISED
        await PasskeyCredential.update(
            {PasskeyCredential.sign_count: verified.new_sign_count, PasskeyCredential.last_used_at: codes.now()}
        ).where((PasskeyCredential.school_id == stored["school_id"]) & (PasskeyCredential.id == stored["id"]))
        return await start_session(request, school_id, user_id)


ROUTES = [PasskeyController]
