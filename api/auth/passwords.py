"""Password hashing (argon2id) and the EduConnect password rule."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP / ASVS 5.0 appendix C minimum for argon2id: m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

SPECIAL_CHARACTERS = "!?@#$%^&*<>£µ.;,"
MIN_LENGTH = 8
MAX_LENGTH = 128  # long passphrases (64+ characters) are welcome
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "accounts" / "common_passwords.txt"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-time check; a missing hash still costs one verification (no timing oracle)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def character_classes(password: str) -> dict[str, bool]:
    return {
        "lower": any(c.islower() for c in password),
        "upper": any(c.isupper() for c in password),
        "digit": any(c.isdigit() for c in password),
        "special": any(c in SPECIAL_CHARACTERS for c in password),
    }


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    return password.lower() in _common_passwords()


def password_problems(password: str, *, personal: tuple[str, ...] = ()) -> list[str]:
    """French reasons why `password` breaks the rule (empty list: acceptable).

    The EduConnect rule: at least 8 characters and 3 of the 4 classes; plus no well-known password
    and not the account's own identifier or names (`personal`).
    """
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Le mot de passe doit comporter au moins {MIN_LENGTH} caractères.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Le mot de passe doit comporter au plus {MAX_LENGTH} caractères.")
    if sum(character_classes(password).values()) < 3:
        problems.append(
            "Le mot de passe doit respecter 3 des 4 critères : minuscule, majuscule, chiffre, caractère spécial."
        )
    lowered = password.lower()
    if is_common(password):
        problems.append("Ce mot de passe est trop courant : choisissez-en un autre.")
    elif any(part and len(part) >= 3 and part.lower() in lowered for part in personal):
        problems.append("Le mot de passe ne doit pas contenir votre identifiant ou votre nom.")
    return problems


_DUMMY_HASH = _hasher.hash("not a password: keeps unknown accounts as slow as known ones")
