"""A parent activates their own account (EduConnect "Activer mon compte"):

1. name, first name, mobile number known to the school → a 6-digit code by SMS;
2. the code and the birth date of each child → the identifier (p.nom, numbered if taken) is shown;
3. a password of their choosing → the account is active.

No step tells whether the details match an account (no enumeration): step 1 opens a flow for
everyone (`codes.open_public_flow`; with no match, a dead one whose code matches nothing), sends the
SMS after answering, and stays silent past the per-person limit; step 2 checks the code before the
birth dates, so a stranger only ever meets the code's answers, the same on a dead flow.

The school is not known at step 1: the contact directory (api/accounts/directory.py) gives every
account holding that phone, in every school, and each is checked in its own school (name, not yet
activated). A parent with children in two schools has an account in each: one SMS code, and at
step 2 every account whose children's birth dates are all among those typed is activated (the
union must be exactly the dates typed); none is picked arbitrarily, and an account another school
created with the same name and phone gains nothing without its own school's birth dates.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from litestar import Controller, Request, Response, post
from litestar.background_tasks import BackgroundTask
from litestar.params import JSONBody

from api.accounts import codes
from api.accounts.directory import phone_key, users_holding
from api.accounts.guards import require_same_origin
from api.accounts.identifiers import allocate_identifier
from api.accounts.phones import normalise_phone
from api.accounts.structs import (
    ActivatedAccount,
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
from api.errors import ApiError
from api.notifications.sender import send_sms
from api.ratelimit import client_ip, limit
from db.accounts.tables import VerificationCode
from db.core.tables import Guardianship, LoginIdentifier, School, User

PURPOSE = "activation"
SENT = "Si ces informations correspondent à un compte à activer, un code vous a été envoyé par SMS."
HOUR = timedelta(hours=1)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c.isalnum())


def sms_text(code: str) -> str:
    return f"Cartable : votre code d'activation est {code}. Il est valable 10 minutes. Ne le communiquez à personne."


async def _accounts_to_activate(data: ActivationStart) -> list[dict]:
    """Every parent account, in any school, with this phone and name that is still to activate."""
    phone = normalise_phone(data.phone)
    found = []
    for user in await users_holding(phone_key(data.phone)):
        if (
            user["role"] == "parent"
            and user["activated_at"] is None
            and not user["disabled"]
            and _folded(user["last_name"]) == _folded(data.last_name)
            and _folded(user["first_name"]) == _folded(data.first_name)
            and normalise_phone(user["phone"]) == phone
        ):
            found.append(user)
    return found


async def _proven_accounts(row: dict, birth_dates: set) -> tuple[list[tuple], list[dict]]:
    """The flow's accounts whose children's birth dates are all among `birth_dates`, and those children;
    nothing unless together they account for exactly the dates typed."""
    proven, children = [], []
    for school_id, user_id in codes.flow_accounts(row):
        kids = await _children_birth_dates(school_id, user_id)
        expected = {kid["birth_date"] for kid in kids if kid["birth_date"]}
        if expected and expected <= birth_dates:
            proven.append((school_id, user_id))
            children += kids
    if {kid["birth_date"] for kid in children} != birth_dates:
        return [], []
    return proven, children


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
    async def start(self, request: Request, data: JSONBody[ActivationStart]) -> Response[FlowStarted]:
        require_same_origin(request)
        await limit("activation:ip", client_ip(request), max_hits=10, window=HOUR)
        accounts = await _accounts_to_activate(data)
        refs = [(account["school_id"], account["id"]) for account in accounts]
        flow, code = await codes.open_public_flow(PURPOSE, refs, destination="sms")
        sends = []
        if await codes.may_send(refs, otherwise=f"{PURPOSE}:{normalise_phone(data.phone)}"):
            lead = accounts[0]  # every match holds this phone: one SMS for the person
            sends.append(BackgroundTask(send_sms, lead["school_id"], lead["phone"], sms_text(code)))
        return codes.answer(FlowStarted(flow=flow, message=SENT), sends)

    @post("/resend", summary="A new SMS code for the same flow (throttled)", status_code=200)
    async def resend(self, request: Request, data: JSONBody[Resend]) -> Response[Done]:
        require_same_origin(request)
        await limit("activation:ip", client_ip(request), max_hits=10, window=HOUR)
        row = await codes.find_flow(data.flow, PURPOSE)
        sends = []
        if row is not None and row["verified_at"] is None:
            code = await codes.renew_code(row, data.flow)
            accounts = codes.flow_accounts(row)
            # A dead flow does what a live one does: reads an account (NOBODY's), counts a send.
            school_id, user_id = accounts[0] if accounts else codes.NOBODY
            lead = await User.select(User.phone).where((User.school_id == school_id) & (User.id == user_id)).first()
            if await codes.may_send(accounts, otherwise=str(row["id"])) and lead:
                sends.append(BackgroundTask(send_sms, school_id, lead["phone"], sms_text(code)))
        return codes.answer(Done(message="Si la démarche est en cours, un nouveau code a été envoyé par SMS."), sends)

    @post("/verify", summary="Step 2: SMS code + children's birth dates → identifier", status_code=200)
    async def verify(self, request: Request, data: JSONBody[ActivationVerify]) -> ActivationVerified:
        require_same_origin(request)
        await limit("code:verify:ip", client_ip(request), max_hits=30, window=timedelta(minutes=15))
        row = await codes.find_flow(data.flow, PURPOSE)
        # The code first: only who received it learns anything about the birth dates (or the account).
        await codes.check_code(row, data.flow, data.code, then_verify=False)
        proven, children = await _proven_accounts(row, set(data.birth_dates))
        if not proven:  # this try is spent, as a wrong code's would be
            raise ApiError(
                400,
                "wrong_birth_dates",
                "Les dates de naissance ne correspondent pas à celles de vos enfants connues de l'établissement.",
            )
        await codes.mark_verified(row)
        # The accounts step 3 activates: those proven here.
        await VerificationCode.update({VerificationCode.accounts: codes.account_refs(proven)}).where(
            (VerificationCode.school_id == row["school_id"]) & (VerificationCode.id == row["id"])
        )
        activated = []
        for school_id, user_id in proven:
            user = await User.select().where((User.school_id == school_id) & (User.id == user_id)).first()
            school = await School.select(School.name).where(School.id == school_id).first()
            activated.append(ActivatedAccount(await _identifier_of(user), school["name"]))
        return ActivationVerified(
            identifier=", ".join(account.identifier for account in activated),
            children=sorted(child["first_name"] for child in children),
            accounts=activated if len(activated) > 1 else None,
        )

    @post("/complete", summary="Step 3: choose the password → account active", status_code=200)
    async def complete(self, request: Request, data: JSONBody[ActivationComplete]) -> Done:
        require_same_origin(request)
        row = await codes.require_verified(data.flow, PURPOSE)
        users = await codes.finish_with_password(row, data.password, {User.activated_at: codes.now()})
        if len(users) == 1:
            return Done(message=f"Votre compte est activé. Votre identifiant : {users[0]['identifier']}.")
        identifiers = ", ".join(user["identifier"] for user in users)
        return Done(message=f"Vos comptes sont activés. Vos identifiants : {identifiers}.")


class PasswordCheckController(Controller):
    path = "/api/accounts/password-check"
    tags = ["accounts"]

    @post("/", summary="Live feedback on a candidate password (rule + common-password list)", status_code=200)
    async def check(self, request: Request, data: JSONBody[PasswordCheck]) -> PasswordVerdict:
        await limit("password-check:ip", client_ip(request), max_hits=300, window=timedelta(minutes=15))
        problems = password_problems(data.password)
        return PasswordVerdict(ok=not problems, classes=character_classes(data.password), problems=problems)


ROUTES = [ActivationController, PasswordCheckController]
