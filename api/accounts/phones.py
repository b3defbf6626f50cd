"""French mobile numbers compared the way people type them: "06 12 34 56 78", "+33 6 12…"."""

import re


def normalise_phone(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits
