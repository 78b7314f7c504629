"""Receipt codes (回执码): what a resident keeps to follow their topic.

Ten characters from an alphabet without look-alikes (no 0/O, 1/I), shown as two groups
of five; about 50 bits, so codes cannot be guessed in practice.
"""

import secrets

from yishi_contracts.receipts import ALPHABET, LENGTH, canonical_receipt_code

from services.kit.refusal import NOT_FOUND, RefusalKind

from .submission import SubmissionRefused



def new_receipt_code() -> str:
    # 32 letters: the low 5 bits of each random byte pick one uniformly (256 = 8 × 32).
    raw = "".join(ALPHABET[byte & 31] for byte in secrets.token_bytes(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_receipt_code(text: str) -> str | None:
    """The canonical form of what a resident typed, or None if it cannot be a code."""
    return canonical_receipt_code(text)


def receipt_not_found() -> SubmissionRefused:
    return SubmissionRefused(
        "receipt_not_found", "没有找到该回执码对应的议题", "no topic has this receipt code", kind=NOT_FOUND
    )


def unreadable_receipt_code() -> SubmissionRefused:
    return SubmissionRefused(
        "invalid_receipt_code",
        "回执码格式不正确：应为10位字母数字，如 7K3MQ-9XD4P",
        "a receipt code has 10 letters and digits, like 7K3MQ-9XD4P",
        kind=RefusalKind.malformed,
    )
