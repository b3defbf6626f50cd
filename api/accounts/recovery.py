""" "Identifiant perdu" and "Mot de passe perdu", by SMS or e-mail to what the school has on file.

Every answer is the same whether or not an account matches: nothing here tells a stranger that an
identifier, a phone number or an address exists. The same limits count for everyone, messages go
out after the answer, a lost password opens a flow for everyone (`codes.open_public_flow`, dead when
no account can receive the code), and past a per-person limit nothing is sent, silently: a lost
identifier is limited per contact (as the lookup reads it: one phone however typed) and spends each
person's code budget (`codes.may_send`); a browser the person signed in from has a budget of its own.
A contact is looked up in the contact directory
(api/accounts/directory.py), then each account in its own school: a parent with accounts in two
schools gets each school's identifier(s), in one message per school.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from litestar import Controller, Request, Response, post
from litestar.background_tasks import BackgroundTask
from litestar.params import JSONBody

from api.accounts import codes, known_browsers
from api.accounts.directory import PHONE_DIGITS, email_key, phone_key, users_holding
from api.accounts.guards import require_same_origin
from api.accounts.identifiers import locate, normalise
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
from api.notifications.sender import send_email, send_sms
from api.ratelimit import client_ip, limit, within
from db.core.tables import User

PURPOSE = "password_recovery"
HOUR = timedelta(hours=1)
IDENTIFIER_SENT = "Si un compte correspond à ces coordonnées, votre identifiant vient de vous être envoyé."
CODE_SENT = (
    "Si un compte correspond, un code de validation a été envoyé au téléphone ou à l'adresse e-mail enregistrés."
)


def _contact_key(channel: str, value: str) -> str | None:
    """The directory's key for what was typed ("tel:" + the last 9 digits, or "email:" + the address),
    None when it cannot be a phone or an address."""
    return phone_key(value) if channel == "sms" else email_key(value)


async def _accounts_by_contact(channel: str, value: str) -> list[dict]:
    """Accounts that can sign in (identifier, password, not disabled) holding this phone or e-mail.
    Phones are compared on their last 9 digits."""
    key = _contact_key(channel, value)
    digits = normalise_phone(value)[-PHONE_DIGITS:]
    found = []
    for user in await users_holding(key):
        if not user["identifier"] or user["password_hash"] is None or user["disabled"]:
            continue
        if channel == "sms" and normalise_phone(user["phone"])[-PHONE_DIGITS:] == digits:
            found.append(user)
        elif channel != "sms" and (user["email"] or "").lower() == value.strip().lower():
            found.append(user)
    return found


async def _user(school_id, user_id) -> dict | None:
    return await User.select().where((User.school_id == school_id) & (User.id == user_id)).first()


async def _recoverable(identifier: str) -> dict | None:
    """The account an identifier names, if it may recover its password (not disabled). An unknown
    identifier reads an account too (`codes.NOBODY`): the same statements for everyone."""
    found = await locate(identifier)
    user = await _user(*((found["school_id"], found["user_id"]) if found else codes.NOBODY))
    return user if user and not user["disabled"] else None


def _account(school_id, user_id) -> dict:
    """An account as `known_browsers.recognised` names it."""
    return {"school_id": school_id, "user_id": user_id}


def _destination(user: dict | None, channel: str) -> str | None:
    """Where a code for `user` goes on `channel` ("sms" or "email"): what the school has on file."""
    if user is None:
        return None
    return user["phone"] if channel == "sms" else user["email"]


def _message(school_id, channel: str, destination: str, subject: str, text: str) -> BackgroundTask:
    """An SMS or e-mail to send once the answer is out."""
    if channel == "sms":
        return BackgroundTask(send_sms, school_id, destination, text)
    return BackgroundTask(send_email, school_id, destination, subject, text)


async def _flow_browser(request: Request, row: dict | None) -> UUID | None:
    """This browser's entry for the account of a password flow, if it signed in to it before."""
    accounts = codes.flow_accounts(row) if row is not None else []
    return await known_browsers.recognised(request, _account(*accounts[0]) if accounts else None)


class RecoveryController(Controller):
    path = "/api/accounts/recovery"
    tags = ["accounts"]

    @post("/identifier", summary="Identifiant perdu: send my identifier(s) to my phone or e-mail", status_code=200)
    async def identifier(self, request: Request, data: JSONBody[IdentifierRecovery]) -> Response[Done]:
        require_same_origin(request)
        await limit("recovery:ip", client_ip(request), max_hits=10, window=HOUR)
        # Counted for every contact, known or not, as the lookup reads it ("06 11 22 33 44" and
        # "+33611223344" are one phone); past the limit, silence (no enumeration).
        contact = _contact_key(data.channel, data.value) or f"{data.channel}:{data.value.strip().lower()}"
        within_limit = await within("recovery:contact", contact, max_hits=3, window=HOUR)
        accounts = await _accounts_by_contact(data.channel, data.value)
        if within_limit:  # each person's send budget, the one their codes use (one statement for all)
            allowed = await codes.may_send_each([(a["school_id"], a["id"]) for a in accounts], otherwise=contact)
            accounts = [account for account, ok in zip(accounts, allowed, strict=True) if ok]
        by_school: dict = {}
        for account in accounts if within_limit else []:
            by_school.setdefault(account["school_id"], []).append(account)
        sends = []
        for school_id, mine in by_school.items():  # each school sends its own accounts' identifiers
            names = ", ".join(sorted(account["identifier"] for account in mine))
            text = f"Cartable : votre identifiant est {names}. Conservez-le précieusement."
            destination = _destination(mine[0], data.channel)
            sends.append(_message(school_id, data.channel, destination, "Votre identifiant", text))
        return codes.answer(Done(message=IDENTIFIER_SENT), sends)

    @post("/password/start", summary="Mot de passe perdu: a code by SMS or e-mail", status_code=200)
    async def password_start(self, request: Request, data: JSONBody[PasswordRecoveryStart]) -> Response[FlowStarted]:
        require_same_origin(request)
        user = await _recoverable(data.identifier)
        # The owner's own browser has budgets of its own (codes.may_send); no cookie, no statement.
        known_browser = await known_browsers.recognised(request, user and _account(user["school_id"], user["id"]))
        await known_browsers.ceiling("recovery", request, known_browser, max_hits=10, window=HOUR)
        destination = _destination(user, data.channel)
        accounts = [(user["school_id"], user["id"])] if destination else []
        flow, code = await codes.open_public_flow(PURPOSE, accounts, destination=data.channel)
        sends = []
        otherwise = f"{PURPOSE}:{normalise(data.identifier)}"
        if await codes.may_send(accounts, otherwise=otherwise, known_browser=known_browser):
            text = (
                f"Cartable : votre code pour changer de mot de passe est {code}. Il est valable 10 minutes. "
                "Si vous n'avez rien demandé, ignorez ce message."
            )
            sends.append(_message(user["school_id"], data.channel, destination, "Mot de passe perdu", text))
        return codes.answer(FlowStarted(flow=flow, message=CODE_SENT), sends)

    @post("/password/resend", summary="A new code for the same flow (throttled)", status_code=200)
    async def password_resend(self, request: Request, data: JSONBody[Resend]) -> Response[Done]:
        require_same_origin(request)
        row = await codes.find_flow(data.flow, PURPOSE)
        known_browser = await _flow_browser(request, row)
        await known_browsers.ceiling("recovery", request, known_browser, max_hits=10, window=HOUR)
        sends = []
        if row is not None and row["verified_at"] is None:
            code = await codes.renew_code(row, data.flow)
            accounts = codes.flow_accounts(row)
            # A dead flow does what a live one does: reads an account (NOBODY's), counts a send.
            school_id, user_id = accounts[0] if accounts else codes.NOBODY
            destination = _destination(await _user(school_id, user_id), row["destination"])
            if await codes.may_send(accounts, otherwise=str(row["id"]), known_browser=known_browser) and destination:
                text = f"Cartable : votre nouveau code est {code}. Il est valable 10 minutes."
                sends.append(_message(school_id, row["destination"], destination, "Mot de passe perdu", text))
        return codes.answer(Done(message="Si la démarche est en cours, un nouveau code a été envoyé."), sends)

    @post("/password/verify", summary="Check the code", status_code=200)
    async def password_verify(self, request: Request, data: JSONBody[CodeCheck]) -> Done:
        require_same_origin(request)
        row = await codes.find_flow(data.flow, PURPOSE)
        known_browser = await _flow_browser(request, row)
        await known_browsers.ceiling("code:verify", request, known_browser, max_hits=30, window=timedelta(minutes=15))
        await codes.check_code(row, data.flow, data.code)
        return Done(message="Code vérifié. Choisissez votre nouveau mot de passe.")

    @post("/password/complete", summary="Choose the new password", status_code=200)
    async def password_complete(self, request: Request, data: JSONBody[ActivationComplete]) -> Done:
        require_same_origin(request)
        row = await codes.require_verified(data.flow, PURPOSE)
        [user] = await codes.finish_with_password(row, data.password)
        return Done(message=f"Votre mot de passe est modifié. Identifiant : {user['identifier']}.")


ROUTES = [RecoveryController]
