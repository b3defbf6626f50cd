"""App lock ("Verrouiller l'application"): a WebAuthn credential per device, used for user verification only.

The credential never authenticates API calls (the device key does: passkeys may sync to other
devices); it proves that a person unlocked the phone (fingerprint, face, phone PIN) when the app opens.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from api.auth.principal import Principal
from api.auth.webauthn_input import readable_credential
from api.clock import now
from api.config import get_settings
from api.errors import ApiError
from api.openapi import errors
from api.pairing.controllers import phone
from api.pairing.dpop import b64url, b64url_decode
from api.pairing.structs import Unlocked, WebAuthnOptions, WebAuthnResponse
from db.core.tables import User
from db.devices.tables import Device

CHALLENGE_LIFETIME = timedelta(minutes=5)
NO_CHALLENGE = ApiError(400, "challenge_expired", "La vérification a expiré. Réessayez.")
NOT_ENABLED = ApiError(400, "webauthn_invalid", "Le verrouillage n'a pas pu être activé sur cet appareil.")
REFUSED = ApiError(400, "webauthn_invalid", "Vérification refusée.")


def relying_party(request: Request) -> tuple[str, list[str]]:
    """(RP ID, accepted origins). With PUBLIC_URL set, its origin only: the Host header (what
    `request.base_url` is built from) is anyone's to write. Without it (development), the default
    public origin, or the origin this request was made to."""
    settings = get_settings()
    if settings.public_url_pinned:
        return settings.public_host, [settings.public_origin]
    public = settings.public_url
    own = str(request.base_url).rstrip("/")
    origins = list(dict.fromkeys([public, own]))
    sent = request.headers.get("origin", "")
    origin = sent if sent in origins else public
    return urlsplit(origin).hostname or "localhost", origins


async def _device(principal: Principal) -> dict:
    return (
        await Device.select()
        .where((Device.school_id == principal.school_id) & (Device.id == principal.device_id))
        .first()
    )


async def _new_challenge(principal: Principal) -> bytes:
    challenge = secrets.token_bytes(32)
    await Device.update(
        {Device.webauthn_challenge: b64url(challenge), Device.webauthn_challenge_expires_at: now() + CHALLENGE_LIFETIME}
    ).where((Device.school_id == principal.school_id) & (Device.id == principal.device_id))
    return challenge


async def _take_challenge(principal: Principal, device: dict) -> bytes:
    """The pending challenge, consumed (single use) whatever the outcome."""
    await Device.update({Device.webauthn_challenge: None, Device.webauthn_challenge_expires_at: None}).where(
        (Device.school_id == principal.school_id) & (Device.id == principal.device_id)
    )
    if not device["webauthn_challenge"] or device["webauthn_challenge_expires_at"] <= now():
        raise NO_CHALLENGE
    return b64url_decode(device["webauthn_challenge"])


class AppLockController(Controller):
    path = "/api/pairing/webauthn"
    tags = ["pairing"]
    dependencies = {"principal": Provide(phone)}

    @post("/register-options", summary="WebAuthn creation options for this device's app lock")
    async def register_options(self, request: Request, principal: NamedDependency[Principal]) -> WebAuthnOptions:
        user = (
            await User.select(User.identifier, User.first_name, User.last_name)
            .where((User.school_id == principal.school_id) & (User.id == principal.user_id))
            .first()
        )
        rp_id, _ = relying_party(request)
        options = generate_registration_options(
            rp_id=rp_id,
            rp_name="Cartable",
            user_id=principal.device_id.bytes,
            user_name=user["identifier"],
            user_display_name=f"{user['first_name']} {user['last_name']}",
            challenge=await _new_challenge(principal),
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.DISCOURAGED, user_verification=UserVerificationRequirement.REQUIRED
            ),
        )
        return WebAuthnOptions(options=json.loads(options_to_json(options)))

    @post("/register", summary="Store this device's app-lock credential")
    async def register(
        self, request: Request, principal: NamedDependency[Principal], data: JSONBody[WebAuthnResponse]
    ) -> Unlocked:
        device = await _device(principal)
        challenge = await _take_challenge(principal, device)
        rp_id, origins = relying_party(request)
        try:
            verified = verify_registration_response(
                credential=readable_credential(data.credential, NOT_ENABLED),
                expected_challenge=challenge,
                expected_rp_id=rp_id,
                expected_origin=origins,
                require_user_verification=True,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
            raise NOT_ENABLED from exc
        await Device.update(
            {
                Device.webauthn_credential_id: b64url(verified.credential_id),
                Device.webauthn_public_key: b64url(verified.credential_public_key),
                Device.webauthn_sign_count: verified.sign_count,
            }
        ).where((Device.school_id == principal.school_id) & (Device.id == principal.device_id))
        return Unlocked(unlocked=True)

    @post(
        "/unlock-options",
        summary="WebAuthn request options to unlock the app (user verification)",
        responses=errors(409),  # no app lock registered on this device
    )
    async def unlock_options(self, request: Request, principal: NamedDependency[Principal]) -> WebAuthnOptions:
        device = await _device(principal)
        if not device["webauthn_credential_id"]:
            raise ApiError(409, "lock_unavailable", "Le verrouillage n'est pas disponible sur cet appareil.")
        rp_id, _ = relying_party(request)
        options = generate_authentication_options(
            rp_id=rp_id,
            challenge=await _new_challenge(principal),
            allow_credentials=[PublicKeyCredentialDescriptor(id=b64url_decode(device["webauthn_credential_id"]))],
            user_verification=UserVerificationRequirement.REQUIRED,
        )
        return WebAuthnOptions(options=json.loads(options_to_json(options)))

    @post("/unlock", summary="Verify the user-verified assertion that unlocks the app")
    async def unlock(
        self, request: Request, principal: NamedDependency[Principal], data: JSONBody[WebAuthnResponse]
    ) -> Unlocked:
        device = await _device(principal)
        challenge = await _take_challenge(principal, device)
        if not device["webauthn_credential_id"] or data.credential.get("id") != device["webauthn_credential_id"]:
            raise REFUSED
        rp_id, origins = relying_party(request)
        try:
            verified = verify_authentication_response(
                credential=readable_credential(data.credential, REFUSED),
                expected_challenge=challenge,
                expected_rp_id=rp_id,
                expected_origin=origins,
                credential_public_key=b64url_decode(device["webauthn_public_key"]),
                credential_current_sign_count=device["webauthn_sign_count"],
                require_user_verification=True,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
            raise REFUSED from exc
        await Device.update({Device.webauthn_sign_count: verified.new_sign_count}).where(
            (Device.school_id == principal.school_id) & (Device.id == principal.device_id)
        )
        return Unlocked(unlocked=True)


ROUTES = [AppLockController]
