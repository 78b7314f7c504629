"""Proving a rating by receipt code (凭回执码评价): a resident who submitted the topic, or a
duplicate merged into it, rates with the receipt code intake gave them.

Publication never sees a code: it keeps, from each TopicSubmitted, the code's check (an HMAC
under a secret shared with intake, ``yishi_contracts.receipts``) and tests what the resident
types against the checks of the topic and of the topics merged into it.
"""

from collections.abc import Sequence
from uuid import UUID

from yishi_contracts.receipts import canonical_receipt_code, matches

from .refusal import INVALID, NOT_NOW, PublicationRefused

ReceiptCheck = tuple[UUID, str]
"""A topic and the check of its receipt code."""


def wrong_receipt_code() -> PublicationRefused:
    return PublicationRefused(
        "wrong_receipt_code",
        "受理编号（回执码）不正确，请核对提交议题时收到的10位编号，如 7K3MQ-9XD4P",
        "the receipt code is not this topic's (nor of a topic merged into it)",
        kind=INVALID,
    )


def proven_code(checks: Sequence[ReceiptCheck], typed: str, *, secret: str) -> str:
    """The canonical code, if it is the receipt code of one of ``checks``' topics.

    A topic submitted before receipt checks existed (contracts 1.3.0) has none: when none of
    the topics has one, a rating by code cannot be proven and is refused as not possible here.
    """
    if not checks:
        raise PublicationRefused(
            "receipt_check_unavailable",
            "该议题提交时尚未启用回执码评价，无法凭回执码评价；如需反映意见请联系社区",
            "this topic was submitted before receipt checks existed: it cannot be rated by receipt code",
            kind=NOT_NOW,
        )
    code = canonical_receipt_code(typed)
    if code is None or not any(matches(secret, topic_id, code, check) for topic_id, check in checks):
        raise wrong_receipt_code()
    return code
