"""Notifications of a paired profile (phone only, DPoP): its push subscription and its settings.

GET    /api/push/settings        the VAPID public key, whether subscribed, what is muted, quiet hours, reminder
PUT    /api/push/settings        change them (idempotent)
PUT    /api/push/subscription    the browser's subscription for this profile (replaces the previous one)
DELETE /api/push/subscription    stop pushing to this profile on this device

The permission is asked by the app from Réglages only; a revoked or unpaired device loses its
subscription (api/pairing/devices.py).
"""

from __future__ import annotations

import json
import re
from datetime import time, timedelta

from litestar import Controller, Request, Response, delete, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody

from api.auth.principal import Principal
from api.clock import now
from api.errors import ApiError
from api.openapi import errors
from api.pairing.controllers import phone
from api.pairing.desktop import SHARED_COMPUTER, shared_computer
from api.push.keys import public_key
from api.push.structs import Kind, PushSettingsIn, PushSettingsOut, SubscriptionIn
from api.push.subscriptions import forget_device
from api.push.webpush import check_endpoint, check_keys
from api.ratelimit import limit
from api.read_models import conditional_responses, struct_response
from db.push.tables import PushSettings, PushSubscription
from piccolo_conf import DB

KINDS = [
    Kind("homework", "Travail à faire nouveau ou modifié"),
    Kind("lesson", "Cours annulé ou déplacé"),
    Kind("evaluation", "Évaluations publiées"),
    Kind("vie_scolaire", "Absences et retards"),
    Kind("message", "Nouveaux messages"),
    Kind("information", "Informations et sondages"),
    Kind("teleservice", "Démarches (bourse, orientation)"),
    Kind("reminder", "Rappel du travail pour le lendemain"),
]
HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# $1 school, $2 reader: the students whose notifications the reader may tune.
_CHILDREN = "SELECT student_id FROM family_audience($1, $2, NULL)"
_ENSURE_SETTINGS = """
INSERT INTO push_settings (id, school_id, device_id, muted, quiet_start, quiet_end, generic_text, reminder_enabled,
                           reminder_time, updated_at)
VALUES (gen_random_uuid(), $1, $2, '[]', '21:00', '07:00', false, false, '18:00', $3)
ON CONFLICT (school_id, device_id) DO NOTHING
"""
_SAVE_SUBSCRIPTION = """
INSERT INTO push_subscription (id, school_id, user_id, device_id, endpoint, p256dh, auth, created_at, updated_at)
VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $7)
ON CONFLICT (school_id, device_id) DO UPDATE
SET endpoint = EXCLUDED.endpoint, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, updated_at = EXCLUDED.updated_at
"""


def _clock(value: str | None, field: str) -> time | None:
    if value is None:
        return None
    match = HHMM.match(value)
    if not match:
        raise ApiError(400, "invalid", "Heure invalide (hh:mm).", details={field: "format"})
    return time(int(match.group(1)), int(match.group(2)))


def _hhmm(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


async def _settings(principal: Principal) -> PushSettingsOut:
    where = (PushSettings.school_id == principal.school_id) & (PushSettings.device_id == principal.device_id)
    await DB.pool.execute(_ENSURE_SETTINGS, principal.school_id, principal.device_id, now())
    row = await PushSettings.select().where(where).first()
    subscribed = await PushSubscription.exists().where(
        (PushSubscription.school_id == principal.school_id) & (PushSubscription.device_id == principal.device_id)
    )
    return PushSettingsOut(
        public_key=public_key(),
        subscribed=subscribed,
        kinds=KINDS,
        muted=json.loads(row["muted"]) if isinstance(row["muted"], str) else row["muted"],
        quiet_start=_hhmm(row["quiet_start"]),
        quiet_end=_hhmm(row["quiet_end"]),
        generic_text=row["generic_text"],
        reminder_enabled=row["reminder_enabled"],
        reminder_time=_hhmm(row["reminder_time"]),
    )


async def _checked_muted(principal: Principal, muted: list[str]) -> list[str]:
    rows = await DB.pool.fetch(_CHILDREN, principal.school_id, principal.user_id)
    children = {str(row["student_id"]) for row in rows}
    kinds = {kind.id for kind in KINDS}
    for pair in muted:
        child, _, kind = pair.partition(":")
        if child not in children or kind not in kinds:
            raise ApiError(400, "invalid", "Réglage de notification inconnu.", details={"muted": pair})
    return sorted(set(muted))


class PushController(Controller):
    path = "/api/push"
    tags = ["notifications"]
    dependencies = {"principal": Provide(phone)}

    @get(
        "/settings",
        summary="This profile's notification settings and the VAPID public key (ETag, 304)",
        responses=conditional_responses(),
    )
    async def read_settings(self, request: Request, principal: NamedDependency[Principal]) -> Response[PushSettingsOut]:
        return struct_response(request, await _settings(principal))

    @put("/settings", summary="Change this profile's notification settings (idempotent)", responses=errors(429))
    async def write_settings(
        self, principal: NamedDependency[Principal], data: JSONBody[PushSettingsIn]
    ) -> PushSettingsOut:
        quiet = (_clock(data.quiet_start, "quiet_start"), _clock(data.quiet_end, "quiet_end"))
        if (quiet[0] is None) != (quiet[1] is None):
            raise ApiError(400, "invalid", "Indiquez le début et la fin du silence.", details={"quiet_end": "missing"})
        reminder = _clock(data.reminder_time, "reminder_time")
        muted = await _checked_muted(principal, data.muted)
        await limit("push:settings", str(principal.device_id), max_hits=120, window=timedelta(hours=1))
        await DB.pool.execute(_ENSURE_SETTINGS, principal.school_id, principal.device_id, now())
        await PushSettings.update(
            {
                PushSettings.muted: muted,
                PushSettings.quiet_start: quiet[0],
                PushSettings.quiet_end: quiet[1],
                PushSettings.generic_text: data.generic_text,
                PushSettings.reminder_enabled: data.reminder_enabled,
                PushSettings.reminder_time: reminder,
                PushSettings.updated_at: now(),
            }
        ).where((PushSettings.school_id == principal.school_id) & (PushSettings.device_id == principal.device_id))
        return await _settings(principal)

    @put("/subscription", summary="Push to this profile on this device (the browser's subscription)",
         responses=errors(409, 429))  # fmt: skip
    async def subscribe(self, principal: NamedDependency[Principal], data: JSONBody[SubscriptionIn]) -> PushSettingsOut:
        if await shared_computer(principal.school_id, principal.device_id):
            raise SHARED_COMPUTER  # it would keep showing a child's news to whoever uses it next
        check_endpoint(data.endpoint)
        check_keys(data.keys.p256dh, data.keys.auth)
        await limit("push:subscribe", str(principal.device_id), max_hits=30, window=timedelta(hours=1))
        await DB.pool.execute(_ENSURE_SETTINGS, principal.school_id, principal.device_id, now())
        await DB.pool.execute(
            _SAVE_SUBSCRIPTION,
            principal.school_id,
            principal.user_id,
            principal.device_id,
            data.endpoint,
            data.keys.p256dh,
            data.keys.auth,
            now(),
        )
        return await _settings(principal)

    @delete("/subscription", summary="Stop pushing to this profile on this device", responses=errors())
    async def unsubscribe(self, principal: NamedDependency[Principal]) -> None:
        await forget_device(principal.school_id, principal.device_id)


ROUTES = [PushController]
