"""One-time codes and flow tokens for the multi-step account flows.

A flow starts with `issue()`: the browser gets a flow token (its school and row plus 256 random
bits, see api/auth/tokens.py: it is found in one school), the user gets a 6-digit code by SMS or
e-mail. Only SHA-256(flow) and SHA-256(flow:code) are stored, so a database leak reveals neither.
A code lives 10 minutes, is single use, and 3 wrong tries burn it (a new one must be requested,
which is throttled).

Flows that start before anyone signs in (activation, lost password, passkey sign-in) must not tell
whether an account exists: `open_public_flow()` opens one for whoever asked, a real person or not.
Its row is kept in a school drawn at random (so the token's school says nothing about the person),
lists the accounts it acts on in `accounts` (none for a made-up person: a dead flow whose code
matches nothing), and keeps no contact detail, only the channel. Every later step then runs the
same code on a dead flow as on a live one: the same tries, messages, throttles and expiry.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from uuid import UUID, uuid4

from litestar import Response
from litestar.background_tasks import BackgroundTask, BackgroundTasks

from api.accounts.guards import clear_failures
from api.auth.passwords import hash_password, password_problems
from api.auth.sessions import close_all_sessions
from api.auth.tokens import decoy_token, digest, new_secret, parse_routed_token, routed_token, same
from api.clock import now
from api.errors import ApiError
from api.ratelimit import limit, within, within_each
from db.accounts.tables import VerificationCode
from db.core.tables import School, User

CODE_TTL = timedelta(minutes=10)
# After the code was right, the rest of the flow (birth dates, password) may take a little longer.
VERIFIED_TTL = timedelta(minutes=20)
MAX_ATTEMPTS = 3
SENDS_PER_WINDOW = 3
SEND_WINDOW = timedelta(minutes=15)

# (school id, user id) of an account that cannot exist: what a dead flow reads where a live one reads
# its person's rows, so that both send the same statements (no timing difference to measure).
NOBODY = (UUID(int=0), UUID(int=0))

WRONG_CODE = ApiError(400, "wrong_code", "Code incorrect.")
FLOW_EXPIRED = ApiError(400, "flow_expired", "Cette démarche a expiré ou est déjà terminée. Recommencez.")
CODE_EXPIRED = ApiError(400, "code_expired", "Ce code a expiré. Demandez un nouveau code.")
CODE_BURNT = ApiError(400, "code_blocked", "Trop d'essais avec ce code. Demandez un nouveau code.")


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _code_hash(flow: str, code: str) -> str:
    return digest(f"{flow}:{code.strip()}")


async def throttle_sends(user_id: UUID) -> None:
    """A signed-in user's sends (SENDS_PER_WINDOW per person): a 429 beyond, which tells nothing new."""
    await limit(
        "code:send",
        str(user_id),
        max_hits=SENDS_PER_WINDOW,
        window=SEND_WINDOW,
        message="Trop de codes demandés. Réessayez dans quelques minutes.",
    )


async def may_send(accounts: list[tuple[UUID, UUID]], *, otherwise: str, known_browser: UUID | None = None) -> bool:
    """Whether a code may go to this person now (SENDS_PER_WINDOW per person, whatever the flow).

    Silent: past the limit nothing is sent, and the answer stays the one everybody gets. Counted for
    everyone: with no account, on a digest of `otherwise` (what the person typed, or their dead flow),
    so that a made-up person costs the same write as a real one.

    `known_browser`: this browser's entry for the person's account (api/accounts/known_browsers.py),
    if it signed in to it before. It has SENDS_PER_WINDOW of its own first: anyone may spend the
    person's by asking for their codes, and "Mot de passe perdu" (where a sign-in lock sends its
    owner) must not stay silent for the owner's own browser. Only the owner's browser can meet this
    branch, so it tells strangers nothing."""
    if known_browser is not None and accounts:
        if await within("code:send:browser", str(known_browser), max_hits=SENDS_PER_WINDOW, window=SEND_WINDOW):
            return True
    subject = str(accounts[0][1]) if accounts else f"nobody:{digest(otherwise)}"
    allowed = await within("code:send", subject, max_hits=SENDS_PER_WINDOW, window=SEND_WINDOW)
    return bool(accounts) and allowed


async def may_send_each(accounts: list[tuple[UUID, UUID]], *, otherwise: str) -> list[bool]:
    """`may_send` for each of several people (a contact several accounts hold), counted on the same
    per-person budget, in one statement whatever their number (none: counted on `otherwise`)."""
    subjects = [str(user_id) for _, user_id in accounts] or [f"nobody:{digest(otherwise)}"]
    allowed = await within_each("code:send", subjects, max_hits=SENDS_PER_WINDOW, window=SEND_WINDOW)
    return allowed if accounts else []


def answer(body, sends: list[BackgroundTask]) -> Response:
    """The same answer whoever asked; the SMS or e-mail goes out after it, so that neither its
    provider's latency nor its failure tells a real person from a made-up one."""
    return Response(body, background=BackgroundTasks(sends) if sends else None)


async def open_public_flow(
    purpose: str,
    accounts: list[tuple[UUID, UUID]],
    *,
    destination: str,
    with_code: bool = True,
    ttl: timedelta = CODE_TTL,
) -> tuple[str, str]:
    """A pre-sign-in flow acting on `accounts` ((school id, user id), possibly none): (flow token, code).

    `destination` is what the flow keeps: the channel ("sms", "email") or a ceremony's challenge,
    never a phone number or an address (it may be another school's person). See the module docstring."""
    school = await School.raw("SELECT id FROM school ORDER BY random() LIMIT 1")
    if not school:  # no school at all: no account either, and nothing to route a flow to
        return decoy_token(), new_code()
    return await issue(
        school_id=school[0]["id"],
        user_id=None,
        purpose=purpose,
        destination=destination,
        with_code=with_code and bool(accounts),
        ttl=ttl,
        accounts=account_refs(accounts),
    )


def account_refs(accounts: list[tuple[UUID, UUID]]) -> list[dict]:
    """How a flow row lists its accounts (`flow_accounts` reads them back)."""
    return [{"school_id": str(school_id), "user_id": str(user_id)} for school_id, user_id in accounts]


async def issue(
    *,
    school_id: UUID,
    user_id: UUID | None,
    purpose: str,
    destination: str,
    with_code: bool = True,
    ttl: timedelta = CODE_TTL,
    accounts: list[dict] | None = None,
) -> tuple[str, str]:
    """Start a flow; returns (flow token, code). The caller sends the code. Without `with_code`,
    no code can ever match (a ceremony's flow, or a dead flow: the same comparison still runs)."""
    row_id = uuid4()
    flow, code = routed_token(school_id, row_id, new_secret()), new_code()
    await VerificationCode.insert(
        VerificationCode(
            id=row_id,
            accounts=accounts,
            school_id=school_id,
            user_id=user_id,
            purpose=purpose,
            flow_hash=digest(flow),
            code_hash=_code_hash(flow, code) if with_code else "",
            destination=destination,
            expires_at=now() + ttl,
        )
    )
    return flow, code


async def renew_code(row: dict, flow: str) -> str:
    """A fresh code on the same flow (resend): old code dead, tries and clock reset.

    At most SENDS_PER_WINDOW - 1 per flow (429, dead flows alike); the caller asks `may_send()`."""
    await limit(
        "code:resend",
        str(row["id"]),
        max_hits=SENDS_PER_WINDOW - 1,
        window=SEND_WINDOW,
        message="Trop de codes demandés. Réessayez dans quelques minutes.",
    )
    code = new_code()
    await VerificationCode.update(
        {
            VerificationCode.code_hash: _code_hash(flow, code) if flow_accounts(row) else "",
            VerificationCode.attempts: 0,
            VerificationCode.expires_at: now() + CODE_TTL,
            VerificationCode.verified_at: None,
        }
    ).where((VerificationCode.school_id == row["school_id"]) & (VerificationCode.id == row["id"]))
    return code


async def find_flow(flow: str, purpose: str) -> dict | None:
    """The open flow for this token, or None (unknown, finished, or another purpose)."""
    parsed = parse_routed_token(flow)
    if parsed is None:
        return None
    school_id, row_id, _ = parsed
    row = (
        await VerificationCode.select()
        .where(
            (VerificationCode.school_id == school_id)
            & (VerificationCode.id == row_id)
            & (VerificationCode.flow_hash == digest(flow))
        )
        .first()
    )
    if row is None or row["purpose"] != purpose or row["used_at"] is not None:
        return None
    return row


async def check_code(row: dict | None, flow: str, code: str, *, then_verify: bool = True) -> dict:
    """Verify the code of an open flow and mark it verified (single use); raise a clear 400 otherwise.

    `then_verify=False`: the caller checks more (activation's birth dates) then calls `mark_verified`;
    a wrong answer there has cost this try."""
    if row is None:
        raise WRONG_CODE  # unknown flow: same answer as a wrong code (no account enumeration)
    if row["verified_at"] is not None:
        raise ApiError(400, "code_used", "Ce code a déjà été utilisé.")
    if row["expires_at"] <= now():
        raise CODE_EXPIRED
    # Reserve the try before comparing: parallel guesses cannot get past MAX_ATTEMPTS.
    attempts = await add_attempt(row)
    if attempts is None:
        raise CODE_BURNT
    if not same(_code_hash(flow, code), row["code_hash"]):
        left = MAX_ATTEMPTS - attempts
        if left <= 0:
            raise CODE_BURNT
        raise ApiError(400, "wrong_code", f"Code incorrect. Il vous reste {left} essai{'s' if left > 1 else ''}.")
    if then_verify:
        await mark_verified(row)
    return row


async def mark_verified(row: dict) -> None:
    """The code was right: the flow may go on (for VERIFIED_TTL), and the code never serves again."""
    verified = await VerificationCode.raw(
        "UPDATE verification_code SET verified_at = {}, expires_at = {} "
        "WHERE school_id = {} AND id = {} AND verified_at IS NULL RETURNING id",
        now(),
        now() + VERIFIED_TTL,
        row["school_id"],
        row["id"],
    )
    if not verified:  # the same code sent twice at once: only one request wins
        raise ApiError(400, "code_used", "Ce code a déjà été utilisé.")


async def add_attempt(row: dict) -> int | None:
    """Count one try atomically; the new count, or None when no try is left."""
    rows = await VerificationCode.raw(
        "UPDATE verification_code SET attempts = attempts + 1 "
        "WHERE school_id = {} AND id = {} AND attempts < {} RETURNING attempts",
        row["school_id"],
        row["id"],
        MAX_ATTEMPTS,
    )
    return rows[0]["attempts"] if rows else None


async def require_verified(flow: str, purpose: str) -> dict:
    """The flow whose code was already checked, still open and in time (for the final step)."""
    row = await find_flow(flow, purpose)
    if row is None or row["verified_at"] is None or row["expires_at"] <= now():
        raise FLOW_EXPIRED
    return row


async def finish(row: dict) -> bool:
    """Close the flow for good; False if another request closed it first (replay)."""
    rows = await VerificationCode.raw(
        "UPDATE verification_code SET used_at = {} WHERE school_id = {} AND id = {} AND used_at IS NULL RETURNING id",
        now(),
        row["school_id"],
        row["id"],
    )
    return bool(rows)


def flow_accounts(row: dict) -> list[tuple[UUID, UUID]]:
    """(school id, user id) of the accounts a flow acts on: its own, or an activation's proven ones."""
    if row.get("accounts") is None:
        return [(row["school_id"], row["user_id"])]
    accounts = json.loads(row["accounts"]) if isinstance(row["accounts"], str) else row["accounts"]
    return [(UUID(a["school_id"]), UUID(a["user_id"])) for a in accounts]


async def finish_with_password(row: dict, password: str, extra: dict | None = None) -> list[dict]:
    """Last step of activation and recovery: check the new password, close the flow, set it on the
    flow's account(s) (`flow_accounts`).

    Whoever knew the old password is signed out, and a sign-in lock on the account is lifted.
    Returns the user rows (for the identifiers to show).
    """
    users = [
        await User.select().where((User.school_id == school_id) & (User.id == user_id)).first()
        for school_id, user_id in flow_accounts(row)
    ]
    for user in users:
        personal = (user["identifier"], user["first_name"], user["last_name"])
        problems = password_problems(password, personal=personal)
        if problems:
            raise ApiError(400, "weak_password", problems[0], details={"problems": problems})
    if not await finish(row):
        raise FLOW_EXPIRED
    password_hash = hash_password(password)
    for user in users:
        await User.update({User.password_hash: password_hash, User.must_change_password: False, **(extra or {})}).where(
            (User.school_id == user["school_id"]) & (User.id == user["id"])
        )
        await close_all_sessions(user["school_id"], user["id"])
        await clear_failures(user["identifier"].lower())
    return users
