"""HTTP endpoints of pairing: the desktop page (cookie session) and the phone (DPoP)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from api.auth.principal import Principal, current_principal
from api.errors import ApiError
from api.openapi import errors
from api.pairing import desktop, devices, service
from api.pairing.profiles import PROFILE
from api.pairing.structs import (
    Claimed,
    ClaimPairing,
    CreatePairing,
    LinkedDevice,
    OpenedHere,
    OpenHere,
    PairingCreated,
    PairingStatus,
    Profile,
    RefreshRequest,
    TokenPair,
)
from api.read_models import READ_RESPONSES, family_read, read_response


async def desktop_family(request: Request) -> Principal:
    """A parent or student signed in on the web space (pairing is started from a desktop session)."""
    principal = await current_principal(request)
    if principal.via != "session":
        raise ApiError(403, "desktop_only", "Cette action se fait depuis l'espace web, pas depuis l'application.")
    if not principal.is_family:
        raise ApiError(403, "forbidden", "L'application mobile est réservée aux parents et aux élèves.")
    return principal


PHONE_ONLY = ApiError(401, "dpop_required", "Cette action se fait depuis l'application mobile.")


async def phone(request: Request) -> Principal:
    principal = await current_principal(request)
    if principal.via != "device":
        raise PHONE_ONLY
    return principal


class DesktopPairingController(Controller):
    path = "/api/pairing"
    tags = ["pairing"]
    dependencies = {"principal": Provide(desktop_family)}

    @post(
        "/pairings",
        summary="Create a pairing QR code with an ephemeral code (kills the previous one)",
        responses=errors(429),
    )
    async def create(self, principal: NamedDependency[Principal], data: JSONBody[CreatePairing]) -> PairingCreated:
        return await service.create_pairing(principal, data.code)

    @get("/pairings/{pairing_id:uuid}", summary="Status of a pairing QR code (polled by the desktop page)")
    async def status(self, principal: NamedDependency[Principal], pairing_id: FromPath[UUID]) -> PairingStatus:
        return await service.pairing_status(principal, pairing_id)

    @post(
        "/browser",
        summary="Add this browser as a profile from the signed-in session: no QR, no code (DPoP proof of its new key)",
        description=(
            "The session (cookie + `X-CSRF-Token`) proves who is asking; the `DPoP` header is a proof signed by "
            "the browser's new non-extractable P-256 key, whose public JWK it carries (no `ath`). Answers the same "
            "device-bound tokens as a phone's claim. Idempotent by `client_id`: a retry with the same key gets the "
            "same device with fresh tokens. `shared`: the profile ends with this session (sign-out, expiry) and "
            "after `idle_timeout` seconds without a request. 401 codes: `not_authenticated`, `session_expired`, "
            "`dpop_required`, `proof_invalid`, `use_dpop_nonce` (retry with the `DPoP-Nonce` header's value), "
            "`proof_replayed`; 403: `csrf`, `forbidden` (not a parent or student), `desktop_only` (a device "
            "token), `first_login_required`; 409: `client_id_reused`; 429: `too_many_requests`."
        ),
        responses=errors(409, 429),
    )
    async def open_here(
        self, request: Request, principal: NamedDependency[Principal], data: JSONBody[OpenHere]
    ) -> OpenedHere:
        return await desktop.open_here(request, principal, data)

    @get("/devices", summary="Linked devices of the signed-in user", responses=errors())
    async def list_devices(self, principal: NamedDependency[Principal]) -> list[LinkedDevice]:
        return await devices.list_devices(principal)

    @delete(
        "/devices/{device_id:uuid}",
        summary="Revoke a linked device (effective on its next request)",
        responses=errors(404),
    )
    async def revoke(self, principal: NamedDependency[Principal], device_id: FromPath[UUID]) -> None:
        await devices.revoke_from_desktop(principal, device_id)


class PhonePairingController(Controller):
    path = "/api/pairing"
    tags = ["pairing"]

    @post(
        "/claim",
        summary="Claim a pairing from the phone (QR secret + code + DPoP proof of the new key)",
        responses=errors(404, 410, 429),
    )
    async def claim(self, request: Request, data: JSONBody[ClaimPairing]) -> Claimed:
        return await service.claim_pairing(request, data)

    @post("/token", summary="Refresh the device's tokens (rotating refresh token + DPoP proof)")
    async def token(self, request: Request, data: JSONBody[RefreshRequest]) -> TokenPair:
        return await devices.refresh(request, data.refresh_token)

    @get("/profile", summary="The phone profile: user, school, children", responses=READ_RESPONSES)
    async def profile(self, request: Request) -> Response[Profile]:
        if not request.headers.get("authorization", "").startswith("DPoP "):
            raise PHONE_ONLY  # as the `phone` dependency answers a desktop session
        return read_response(request, await family_read(request, PROFILE), stamped=False)

    @delete("/device", summary="Unpair this phone (from the phone)", dependencies={"principal": Provide(phone)})
    async def unpair(self, principal: NamedDependency[Principal]) -> None:
        await devices.revoke(principal.school_id, principal.device_id, "phone")


ROUTES = [DesktopPairingController, PhonePairingController]
