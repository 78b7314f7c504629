"""Receipt codes (回执码) and the receipt check TopicSubmitted carries.

A resident keeps the receipt code intake issued; other services never see it. So that a
service may still recognise it (publication: a satisfaction rating by receipt code),
TopicSubmitted carries ``receipt_check`` = HMAC-SHA256(secret, topic_id || receipt_code),
base64url without padding, over the canonical code ``XXXXX-XXXXX``. The secret is shared only
by the services that issue and check codes (``YISHI_RECEIPT_SECRET``): a subscriber of the public
stream cannot test candidate codes against the check.
"""

import base64
import hashlib
import hmac
import re
import unicodedata
from uuid import UUID

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Without look-alikes (no 0/O, 1/I)."""
LENGTH = 10
_SEPARATORS = re.compile(r"[\s\-_－—]")


def canonical_receipt_code(text: str) -> str | None:
    """The canonical form ``XXXXX-XXXXX`` of what a resident typed, or None if it cannot be a code.

    Full-width letters and digits (a Chinese input method's) are read as their ASCII forms."""
    raw = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{raw[:5]}-{raw[5:]}"


def receipt_check(secret: str, topic_id: UUID, receipt_code: str) -> str:
    """The check of a canonical receipt code for its topic (43 characters, base64url)."""
    digest = hmac.new(secret.encode(), f"{topic_id}{receipt_code}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def matches(secret: str, topic_id: UUID, receipt_code: str, check: str) -> bool:
    """Whether the code is the topic's, compared in constant time."""
    return hmac.compare_digest(receipt_check(secret, topic_id, receipt_code), check)
