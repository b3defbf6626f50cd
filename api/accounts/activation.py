"""A parent activates their own account (EduConnect "Activer mon compte"):

1. name, first name, mobile number known to the school → a 6-digit code by SMS;
2. the code and the birth date of each child → the identifier (p.nom, numbered if taken) is shown;
3. a password of their choosing → the account is active.

Step 1 answers the same whether or not the details match an account (no enumeration): with no
match, the flow token is a dead one and step 2 says "Code incorrect".
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from litestar import Controller, Request, post
from litestar.params import JSONBody

from api.accounts import codes
from api.accounts.guards import require_same_origin
from api.accounts.identifiers import allocate_identifier
from api.accounts.phones import normalise_phone
from api.accounts.structs import (
    ActivationComplete,
    ActivationStart,
    ActivationVerified,
    ActivationVerify,
    Done,
    FlowStarted,
    PasswordCheck,
    PasswordVerdict,
    Resend,
)
from api.auth.passwords import character_classes, password_problems
from api.auth.tokens import new_secret
from api.errors import ApiError
from api.notifications.sender import send_sms
from api.ratelimit import client_ip, limit
from db.core.tables import Guardianship, LoginIdentifier, User

PURPOSE = "activation"
SENT = "Si ces informations correspondent à un compte à activer, un code vous a été envoyé par SMS."
HOUR = timedelta(hours=1)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c.isalnum())


def sms_text(code: str) -> str:
    return f"Cartable : votre code d'activation est {code}. Il est valable 10 minutes. Ne le communiquez à personne."


async def _find_parent(data: ActivationStart) -> dict | None:
    # The school is not known yet, so this one query spans schools (rare: account activation only).
    candidates = await User.select().where(
        (User.role == "parent")
        & User.activated_at.is_null()
        & (User.disabled == False)  # noqa: E712
        & User.last_name.ilike(data.last_name.strip())
    )
    phone = normalise_phone(data.phone)
    for user in candidates:
        if _folded(user["first_name"]) == _folded(data.first_name) and normalise_phone(user["phone"]) == phone:
            return user
    return None


async def _children_birth_dates(school_id, parent_id) -> list[dict]:
    links = await Guardianship.select(Guardianship.student_id).where(
        (Guardianship.school_id == school_id) & (Guardianship.parent_id == parent_id)
    )
    if not links:
        return []
    return await User.select(User.first_name, User.birth_date).where(
        (User.school_id == school_id) & User.id.is_in([link["student_id"] for link in links])
    )


async def _identifier_of(user: dict) -> str:
    """The user's identifier, allocating one (p.nom…) if the school created the account without it."""
    if user["identifier"]:
        known = await LoginIdentifier.exists().where(LoginIdentifier.identifier == user["identifier"].lower())
        if known:
            return user["identifier"]
    return await allocate_identifier(user["school_id"], user["id"], user["first_name"], user["last_name"])


class ActivationController(Controller):
    path = "/api/accounts/activation"
    tags = ["accounts"]

    @post("/start", summary="Step 1: name, first name, phone → SMS code", status_code=200)
    async def start(self, request: Request, data: JSONBody[ActivationStart]) -> FlowStarted:
        require_same_origin(request)
        await limit("activation:ip", client_ip(request), max_hits=10, window=HOUR)
        parent = await _find_parent(data)
        if parent is None:
            return FlowStarted(flow=new_secret(), message=SENT)
        await codes.throttle_sends(parent["id"])
        flow, code = await codes.issue(
            school_id=parent["school_id"], user_id=parent["id"], purpose=PURPOSE, destination=parent["phone"]
        )
        await send_sms(parent["school_id"], parent["phone"], sms_text(code))
        return FlowStarted(flow=flow, message=SENT)

    @post("/resend", summary="A new SMS code for the same flow (throttled)", status_code=200)
    async def resend(self, request: Request, data: JSONBody[Resend]) -> Done:
        require_same_origin(request)
        await limit("activation:ip", client_ip(request), max_hits=10, window=HOUR)
        row = await codes.find_flow(data.flow, PURPOSE)
        if row is not None and row["verified_at"] is None:
            code = await codes.renew_code(row, data.flow)
            await send_sms(row["school_id"], row["destination"], sms_text(code))
        return Done(message="Si la démarche est en cours, un nouveau code a été envoyé par SMS.")

    @post("/verify", summary="Step 2: SMS code + children's birth dates → identifier", status_code=200)
    async def verify(self, request: Request, data: JSONBody[ActivationVerify]) -> ActivationVerified:
        require_same_origin(request)
        await limit("code:verify:ip", client_ip(request), max_hits=30, window=timedelta(minutes=15))
        row = await codes.find_flow(data.flow, PURPOSE)
        if row is not None and row["verified_at"] is None:
            children = await _children_birth_dates(row["school_id"], row["user_id"])
            expected = {child["birth_date"] for child in children if child["birth_date"]}
            if not expected or set(data.birth_dates) != expected:
                # Checked before the code so a wrong date costs a try like a wrong code does.
                if codes.now() < row["expires_at"] and await codes.add_attempt(row) is not None:
                    raise ApiError(
                        400,
                        "wrong_birth_dates",
                        "Les dates de naissance ne correspondent pas à celles de vos enfants "
                        "connues de l'établissement.",
                    )
        await codes.check_code(row, data.flow, data.code)
        user = await User.select().where((User.school_id == row["school_id"]) & (User.id == row["user_id"])).first()
        children = await _children_birth_dates(row["school_id"], row["user_id"])
        return ActivationVerified(
            identifier=await _identifier_of(user), children=sorted(child["first_name"] for child in children)
        )

    @post("/complete", summary="Step 3: choose the password → account active", status_code=200)
    async def complete(self, request: Request, data: JSONBody[ActivationComplete]) -> Done:
        require_same_origin(request)
        row = await codes.require_verified(data.flow, PURPOSE)
        user = await codes.finish_with_password(row, data.password, {User.activated_at: codes.now()})
        return Done(message=f"Votre compte est activé. Votre identifiant : {user['identifier']}.")


class PasswordCheckController(Controller):
    path = "/api/accounts/password-check"
    tags = ["accounts"]

    @post("/", summary="Live feedback on a candidate password (rule + common-password list)", status_code=200)
    async def check(self, request: Request, data: JSONBody[PasswordCheck]) -> PasswordVerdict:
        await limit("password-check:ip", client_ip(request), max_hits=300, window=timedelta(minutes=15))
        problems = password_problems(data.password)
        return PasswordVerdict(ok=not problems, classes=character_classes(data.password), problems=problems)


ROUTES = [ActivationController, PasswordCheckController]
