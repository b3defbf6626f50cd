"""Request and response bodies of the account endpoints (msgspec Structs, validated on the way in)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

import msgspec

Identifier = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
Phone = Annotated[str, msgspec.Meta(min_length=6, max_length=30)]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
FlowToken = Annotated[str, msgspec.Meta(min_length=20, max_length=100)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=12)]


class SignIn(msgspec.Struct):
    identifier: Identifier
    password: Password
    profile: Literal["famille", "personnel"] = "famille"


class SessionUser(msgspec.Struct):
    id: UUID
    role: str
    first_name: str
    last_name: str
    identifier: str
    school_id: UUID
    school_name: str


class Child(msgspec.Struct):
    id: UUID
    first_name: str
    last_name: str
    class_name: str


class SessionBody(msgspec.Struct):
    user: SessionUser
    csrf_token: str
    first_login_pending: bool
    children: list[Child]


class ActivationStart(msgspec.Struct):
    last_name: Name
    first_name: Name
    phone: Phone


class FlowStarted(msgspec.Struct):
    flow: str
    message: str


class ActivationVerify(msgspec.Struct):
    flow: FlowToken
    code: Code
    birth_dates: Annotated[list[date], msgspec.Meta(min_length=1, max_length=10)]


class ActivatedAccount(msgspec.Struct):
    identifier: str
    school: str


class ActivationVerified(msgspec.Struct, omit_defaults=True):
    identifier: str  # the identifiers, comma-separated when the parent has accounts in several schools
    children: list[str]  # first names, to reassure the parent they are on the right account
    accounts: list[ActivatedAccount] | None = None  # only when there are several (one per school)


class ActivationComplete(msgspec.Struct):
    flow: FlowToken
    password: Password


class Resend(msgspec.Struct):
    flow: FlowToken


class Done(msgspec.Struct):
    message: str


class PasswordCheck(msgspec.Struct):
    password: Annotated[str, msgspec.Meta(max_length=200)]
    flow: str = ""


class PasswordVerdict(msgspec.Struct):
    ok: bool
    classes: dict[str, bool]
    problems: list[str]


class FirstLoginSteps(msgspec.Struct):
    password: bool  # True: this step is still to do
    student: bool
    email: bool
    charter: bool


class StudentInfo(msgspec.Struct):
    first_name: str
    last_name: str
    class_name: str


class FirstLoginState(msgspec.Struct):
    role: str
    steps: FirstLoginSteps
    done: bool
    student: StudentInfo | None
    email: str | None
    email_sent_to: str | None


class NewPassword(msgspec.Struct):
    new_password: Password


class StudentConfirmation(msgspec.Struct):
    birth_date: date
    confirmed: bool


class EmailToVerify(msgspec.Struct):
    email: Email


class EmailToken(msgspec.Struct):
    token: FlowToken


class CharterAcceptance(msgspec.Struct):
    accepted: bool


Channel = Literal["sms", "email"]


class IdentifierRecovery(msgspec.Struct):
    channel: Channel
    value: Annotated[str, msgspec.Meta(min_length=3, max_length=200)]  # phone or e-mail on file


class PasswordRecoveryStart(msgspec.Struct):
    identifier: Identifier
    channel: Channel


class CodeCheck(msgspec.Struct):
    flow: FlowToken
    code: Code


class PasskeyOptions(msgspec.Struct):
    flow: str
    options: str  # PublicKeyCredential*Options as JSON (base64url binary fields), for the browser


class PasskeyRegistration(msgspec.Struct):
    flow: FlowToken
    credential: Annotated[str, msgspec.Meta(max_length=20_000)]  # the browser's credential as JSON
    name: Annotated[str, msgspec.Meta(max_length=80)] = ""


class PasskeySignInStart(msgspec.Struct):
    identifier: Identifier


class PasskeySignIn(msgspec.Struct):
    flow: FlowToken
    credential: Annotated[str, msgspec.Meta(max_length=20_000)]


class PasskeyItem(msgspec.Struct):
    id: UUID
    name: str
    created_at: str
    last_used_at: str | None
