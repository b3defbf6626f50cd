""" "Identifiant perdu" and "Mot de passe perdu", by SMS or e-mail to what the school has on file.

Every answer is the same whether or not an account matches: nothing here tells a stranger that an
identifier, a phone number or an address exists. A contact is looked up in the contact directory
(api/accounts/directory.py), then each account in its own school: a parent with accounts in two
schools gets each school's identifier(s), in one message per school.
"""

from __future__ import annotations

from datetime import timedelta

from litestar import Controller, Request, post
from litestar.params import JSONBody

from api.accounts import codes
from api.accounts.directory import PHONE_DIGITS, accounts_with, email_key, phone_key
from api.accounts.guards import require_same_origin
from api.accounts.identifiers import locate
from api.accounts.phones import normalise_phone
from api.accounts.structs import (
    ActivationComplete,
    CodeCheck,
    Done,
    FlowStarted,
    IdentifierRecovery,
    PasswordRecoveryStart,
    Resend,
)
from api.auth.tokens import decoy_token
from api.errors import ApiError
from api.notifications.sender import send_email, send_sms
from api.ratelimit import client_ip, limit
from db.core.tables import User

PURPOSE = "password_recovery"
HOUR = timedelta(hours=1)
IDENTIFIER_SENT = "Si un compte correspond à ces coordonnées, votre identifiant vient de vous être envoyé."
CODE_SENT = (
    "Si un compte correspond, un code de validation a été envoyé au téléphone ou à l'adresse e-mail enregistrés."
)


async def _accounts_by_contact(channel: str, value: str) -> list[dict]:
    """Accounts that can sign in (identifier, password, not disabled) holding this phone or e-mail.
    Phones are compared on their last 9 digits."""
    key = phone_key(value) if channel == "sms" else email_key(value)
    digits = normalise_phone(value)[-PHONE_DIGITS:]
    found = []
    for school_id, user_id in await accounts_with(key):
        user = await User.select().where((User.school_id == school_id) & (User.id == user_id)).first()
        if user is None or not user["identifier"] or user["password_hash"] is None or user["disabled"]:
            continue
        if channel == "sms" and normalise_phone(user["phone"])[-PHONE_DIGITS:] == digits:
            found.append(user)
        elif channel != "sms" and (user["email"] or "").lower() == value.strip().lower():
            found.append(user)
    return found


async def _within(scope: str, subject: str, max_hits: int, window: timedelta = HOUR) -> bool:
    try:
        await limit(scope, subject, max_hits=max_hits, window=window)
    except ApiError:
        return False
    return True


class RecoveryController(Controller):
    path = "/api/accounts/recovery"
    tags = ["accounts"]

    @post("/identifier", summary="Identifiant perdu: send my identifier(s) to my phone or e-mail", status_code=200)
    async def identifier(self, request: Request, data: JSONBody[IdentifierRecovery]) -> Done:
        require_same_origin(request)
        await limit("recovery:ip", client_ip(request), max_hits=10, window=HOUR)
        accounts = await _accounts_by_contact(data.channel, data.value)
        # Too many requests for one contact: stay silent rather than answer differently (no enumeration).
        if accounts and await _within("recovery:contact", data.value.strip().lower(), 3):
            by_school: dict = {}
            for account in accounts:
                by_school.setdefault(account["school_id"], []).append(account)
            for school_id, mine in by_school.items():  # each school sends its own accounts' identifiers
                names = ", ".join(sorted(account["identifier"] for account in mine))
                text = f"Cartable : votre identifiant est {names}. Conservez-le précieusement."
                if data.channel == "sms":
                    await send_sms(school_id, mine[0]["phone"], text)
                else:
                    await send_email(school_id, mine[0]["email"], "Votre identifiant", text)
        return Done(message=IDENTIFIER_SENT)

    @post("/password/start", summary="Mot de passe perdu: a code by SMS or e-mail", status_code=200)
    async def password_start(self, request: Request, data: JSONBody[PasswordRecoveryStart]) -> FlowStarted:
        require_same_origin(request)
        await limit("recovery:ip", client_ip(request), max_hits=10, window=HOUR)
        found = await locate(data.identifier)
        user = None
        if found:
            user = (
                await User.select()
                .where((User.school_id == found["school_id"]) & (User.id == found["user_id"]))
                .first()
            )
        destination = None
        if user and not user["disabled"]:
            destination = user["phone"] if data.channel == "sms" else user["email"]
        if not destination or not await _within(
            "code:send", str(user["id"]), codes.SENDS_PER_WINDOW, codes.SEND_WINDOW
        ):
            return FlowStarted(flow=decoy_token(), message=CODE_SENT)
        flow, code = await codes.issue(
            school_id=user["school_id"], user_id=user["id"], purpose=PURPOSE, destination=destination
        )
        text = (
            f"Cartable : votre code pour changer de mot de passe est {code}. Il est valable 10 minutes. "
            "Si vous n'avez rien demandé, ignorez ce message."
        )
        if data.channel == "sms":
            await send_sms(user["school_id"], destination, text)
        else:
            await send_email(user["school_id"], destination, "Mot de passe perdu", text)
        return FlowStarted(flow=flow, message=CODE_SENT)

    @post("/password/resend", summary="A new code for the same flow (throttled)", status_code=200)
    async def password_resend(self, request: Request, data: JSONBody[Resend]) -> Done:
        require_same_origin(request)
        row = await codes.find_flow(data.flow, PURPOSE)
        if row is not None and row["verified_at"] is None:
            code = await codes.renew_code(row, data.flow)
            text = f"Cartable : votre nouveau code est {code}. Il est valable 10 minutes."
            if "@" in row["destination"]:
                await send_email(row["school_id"], row["destination"], "Mot de passe perdu", text)
            else:
                await send_sms(row["school_id"], row["destination"], text)
        return Done(message="Si la démarche est en cours, un nouveau code a été envoyé.")

    @post("/password/verify", summary="Check the code", status_code=200)
    async def password_verify(self, request: Request, data: JSONBody[CodeCheck]) -> Done:
        require_same_origin(request)
        await limit("code:verify:ip", client_ip(request), max_hits=30, window=timedelta(minutes=15))
        await codes.check_code(await codes.find_flow(data.flow, PURPOSE), data.flow, data.code)
        return Done(message="Code vérifié. Choisissez votre nouveau mot de passe.")

    @post("/password/complete", summary="Choose the new password", status_code=200)
    async def password_complete(self, request: Request, data: JSONBody[ActivationComplete]) -> Done:
        require_same_origin(request)
        row = await codes.require_verified(data.flow, PURPOSE)
        [user] = await codes.finish_with_password(row, data.password)
        return Done(message=f"Votre mot de passe est modifié. Identifiant : {user['identifier']}.")


ROUTES = [RecoveryController]
