"""First sign-in of an account the school created (temporary password) or a freshly activated parent.

Steps, each needed only while not done: new password (must_change_password), confirm the student's
information (students), validate an e-mail address by a link, accept the IT charter. When none is
left, first_login_done_at is set and the session reaches the rest of the API (see principal.py).
"""

from __future__ import annotations

from datetime import timedelta

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.accounts import codes
from api.accounts.directory import set_contacts
from api.accounts.guards import require_same_origin
from api.accounts.structs import (
    CharterAcceptance,
    Done,
    EmailToken,
    EmailToVerify,
    FirstLoginState,
    FirstLoginSteps,
    NewPassword,
    StudentConfirmation,
    StudentInfo,
)
from api.auth.passwords import hash_password, password_problems, verify_password
from api.auth.principal import Principal
from api.config import get_settings
from api.errors import ApiError
from api.notifications.sender import mask, send_email
from api.openapi import errors
from api.ratelimit import client_ip, limit
from db.accounts.tables import UserSession, VerificationCode
from db.core.tables import Enrolment, SchoolClass, User

EMAIL_LINK_TTL = timedelta(hours=24)
# The student step leaves a marker row (no column for it on app_user, which another domain owns).
STUDENT_CONFIRMED = "student_confirmed"


async def _user(principal: Principal) -> dict:
    return await User.select().where((User.school_id == principal.school_id) & (User.id == principal.user_id)).first()


async def _student_confirmed(user: dict) -> bool:
    return await VerificationCode.exists().where(
        (VerificationCode.school_id == user["school_id"])
        & (VerificationCode.user_id == user["id"])
        & (VerificationCode.purpose == STUDENT_CONFIRMED)
    )


async def _steps(user: dict) -> FirstLoginSteps:
    return FirstLoginSteps(
        password=bool(user["must_change_password"]),
        student=user["role"] == "student" and not await _student_confirmed(user),
        email=user["email_verified_at"] is None,
        charter=user["charter_accepted_at"] is None,
    )


async def _complete_if_done(user_id, school_id) -> bool:
    user = await User.select().where((User.school_id == school_id) & (User.id == user_id)).first()
    steps = await _steps(user)
    if any((steps.password, steps.student, steps.email, steps.charter)):
        return False
    if user["first_login_done_at"] is None:
        await User.update({User.first_login_done_at: codes.now()}).where(
            (User.school_id == school_id) & (User.id == user_id)
        )
    return True


async def _class_name(user: dict) -> str:
    enrolment = (
        await Enrolment.select(Enrolment.class_id)
        .where((Enrolment.school_id == user["school_id"]) & (Enrolment.student_id == user["id"]))
        .first()
    )
    if not enrolment:
        return ""
    row = (
        await SchoolClass.select(SchoolClass.name)
        .where((SchoolClass.school_id == user["school_id"]) & (SchoolClass.id == enrolment["class_id"]))
        .first()
    )
    return row["name"] if row else ""


class FirstLoginController(Controller):
    path = "/api/accounts/first-login"
    tags = ["accounts"]

    @get("/", summary="What is left to do at first login")
    async def state(self, principal: NamedDependency[Principal]) -> FirstLoginState:
        user = await _user(principal)
        steps = await _steps(user)
        pending = (
            await VerificationCode.select(VerificationCode.destination)
            .where(
                (VerificationCode.school_id == user["school_id"])
                & (VerificationCode.user_id == user["id"])
                & (VerificationCode.purpose == "email")
                & VerificationCode.used_at.is_null()
                & (VerificationCode.expires_at > codes.now())
            )
            .order_by(VerificationCode.created_at, ascending=False)
            .first()
        )
        student = None
        if user["role"] == "student":
            student = StudentInfo(
                first_name=user["first_name"], last_name=user["last_name"], class_name=await _class_name(user)
            )
        return FirstLoginState(
            role=user["role"],
            steps=steps,
            done=user["first_login_done_at"] is not None,
            student=student,
            email=user["email"],
            email_sent_to=mask(pending["destination"]) if pending else None,
        )

    @post("/password", summary="Replace the temporary password", status_code=200, responses=errors(409))
    async def password(self, principal: NamedDependency[Principal], data: JSONBody[NewPassword]) -> Done:
        user = await _user(principal)
        if not user["must_change_password"]:
            raise ApiError(409, "step_done", "Votre mot de passe a déjà été changé.")
        problems = password_problems(
            data.new_password, personal=(user["identifier"], user["first_name"], user["last_name"])
        )
        if verify_password(user["password_hash"], data.new_password):
            problems.insert(0, "Choisissez un mot de passe différent du mot de passe provisoire.")
        if problems:
            raise ApiError(400, "weak_password", problems[0], details={"problems": problems})
        await User.update(
            {User.password_hash: hash_password(data.new_password), User.must_change_password: False}
        ).where((User.school_id == user["school_id"]) & (User.id == user["id"]))
        # Any other session opened with the temporary password ends now.
        await UserSession.delete().where(
            (UserSession.school_id == user["school_id"])
            & (UserSession.user_id == user["id"])
            & (UserSession.id != principal.session_id)
        )
        await _complete_if_done(user["id"], user["school_id"])
        return Done(message="Mot de passe modifié.")

    @post("/student", summary="The student confirms their information", status_code=200, responses=errors(404, 429))
    async def student(self, principal: NamedDependency[Principal], data: JSONBody[StudentConfirmation]) -> Done:
        user = await _user(principal)
        if user["role"] != "student":
            raise ApiError(404, "not_found", "Cette étape ne vous concerne pas.")
        if not data.confirmed:
            raise ApiError(
                400,
                "not_confirmed",
                "Cochez la case pour confirmer vos informations, ou signalez une erreur au secrétariat.",
            )
        await limit("first-login:student", str(user["id"]), max_hits=5, window=timedelta(minutes=15))
        if user["birth_date"] and user["birth_date"] != data.birth_date:
            raise ApiError(
                400, "wrong_birth_date", "Cette date de naissance ne correspond pas à celle connue de l'établissement."
            )
        if not await _student_confirmed(user):
            await codes.issue(
                school_id=user["school_id"],
                user_id=user["id"],
                purpose=STUDENT_CONFIRMED,
                destination="",
                with_code=False,
                ttl=timedelta(0),
            )
        await _complete_if_done(user["id"], user["school_id"])
        return Done(message="Informations confirmées.")

    @post("/email", summary="Send a validation link to an e-mail address", status_code=200, responses=errors(429))
    async def email(self, principal: NamedDependency[Principal], data: JSONBody[EmailToVerify]) -> Done:
        user = await _user(principal)
        await codes.throttle_sends(user["id"])
        address = data.email.strip()
        token, _ = await codes.issue(
            school_id=user["school_id"],
            user_id=user["id"],
            purpose="email",
            destination=address,
            with_code=False,
            ttl=EMAIL_LINK_TTL,
        )
        link = f"{get_settings().public_url}/espace/premiere-connexion.html?validation={token}"
        await send_email(
            user["school_id"],
            address,
            "Validez votre adresse e-mail",
            f"Bonjour {user['first_name']},\n\nPour valider votre adresse e-mail, ouvrez ce lien "
            f"(valable 24 heures) :\n{link}\n\nSi vous n'êtes pas à l'origine de cette demande, "
            "ignorez ce message.",
        )
        return Done(message=f"Un lien de validation a été envoyé à {mask(address)}.")

    @post("/email/confirm", summary="Open the e-mailed link (works without a session)", status_code=200)
    async def confirm_email(self, request: Request, data: JSONBody[EmailToken]) -> Done:
        require_same_origin(request)
        await limit("email-link:ip", client_ip(request), max_hits=30, window=timedelta(minutes=15))
        row = await codes.find_flow(data.token, "email")
        if row is None or row["expires_at"] <= codes.now() or not await codes.finish(row):
            raise ApiError(
                400, "link_expired", "Ce lien de validation a expiré ou a déjà servi. Demandez un nouveau lien."
            )
        await set_contacts(row["school_id"], row["user_id"], email=row["destination"])
        await User.update({User.email_verified_at: codes.now()}).where(
            (User.school_id == row["school_id"]) & (User.id == row["user_id"])
        )
        await _complete_if_done(row["user_id"], row["school_id"])
        return Done(message="Votre adresse e-mail est validée.")

    @post("/charter", summary="Accept the IT charter", status_code=200)
    async def charter(self, principal: NamedDependency[Principal], data: JSONBody[CharterAcceptance]) -> Done:
        if not data.accepted:
            raise ApiError(400, "charter_not_accepted", "Vous devez accepter la charte pour utiliser l'ENT.")
        await User.update({User.charter_accepted_at: codes.now()}).where(
            (User.school_id == principal.school_id)
            & (User.id == principal.user_id)
            & User.charter_accepted_at.is_null()
        )
        await _complete_if_done(principal.user_id, principal.school_id)
        return Done(message="Charte acceptée.")


ROUTES = [FirstLoginController]
