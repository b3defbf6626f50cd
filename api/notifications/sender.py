"""The one way to send an SMS or an e-mail.

    await send_sms(school_id, "+33612345678", "Votre code : 123456")
    await send_email(school_id, "a@b.fr", "Objet", "Texte")

Both go through the configured `Sender`. The default, `OutboxSender`, records every message in the
`outbox_message` table and the server log (the demo shows the outbox so a flow can be finished
without a phone). A real provider is a configuration swap: set CARTABLE_SENDER to
"package.module:factory" (a callable returning a Sender), or call `use_sender()` at start-up.
"""

from __future__ import annotations

import importlib
import logging
import os
from typing import Protocol
from uuid import UUID

from db.accounts.tables import OutboxMessage

logger = logging.getLogger("cartable.notifications")


class Sender(Protocol):
    async def send(self, *, school_id: UUID, channel: str, destination: str, subject: str, text: str) -> None: ...


class OutboxSender:
    """Development/demo sender: nothing leaves the server."""

    async def send(self, *, school_id: UUID, channel: str, destination: str, subject: str, text: str) -> None:
        await OutboxMessage.insert(
            OutboxMessage(
                school_id=school_id, channel=channel, destination=destination, subject=subject[:200], body=text
            )
        )
        logger.info("%s to %s: %s %s", channel, mask(destination), subject, text)


def mask(destination: str) -> str:
    """A phone number or address as it may be shown back: 06 •• •• •• 78, s•••@example.fr."""
    if "@" in destination:
        name, _, domain = destination.partition("@")
        return f"{name[:1]}•••@{domain}"
    digits = destination.replace(" ", "")
    return f"{digits[:2]} •• •• •• {digits[-2:]}" if len(digits) >= 4 else "••"


_sender: Sender | None = None


def _configured_sender() -> Sender:
    spec = os.environ.get("CARTABLE_SENDER", "").strip()
    if not spec:
        return OutboxSender()
    module_name, _, factory = spec.partition(":")
    return getattr(importlib.import_module(module_name), factory)()


def use_sender(sender: Sender | None) -> None:
    """Swap the sender (None: back to the configured one)."""
    global _sender
    _sender = sender


def current_sender() -> Sender:
    global _sender
    if _sender is None:
        _sender = _configured_sender()
    return _sender


async def send_sms(school_id: UUID, phone: str, text: str) -> None:
    await current_sender().send(school_id=school_id, channel="sms", destination=phone, subject="", text=text)


async def send_email(school_id: UUID, address: str, subject: str, text: str) -> None:
    await current_sender().send(school_id=school_id, channel="email", destination=address, subject=subject, text=text)
