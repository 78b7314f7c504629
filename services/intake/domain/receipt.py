"""Receipt codes (回执码): what a resident keeps to follow their topic.

Ten characters from an alphabet without look-alikes (no 0/O, 1/I), shown as two groups
of five; about 50 bits, so codes cannot be guessed in practice.
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 10
_SEPARATORS = re.compile(r"[\s\-_－—]")


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_receipt_code(text: str) -> str | None:
    """The canonical form of what a resident typed, or None if it cannot be a code."""
    raw = _SEPARATORS.sub("", text).upper()
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{raw[:5]}-{raw[5:]}"
