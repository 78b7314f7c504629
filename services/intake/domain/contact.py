"""Calling a submitter back (回访): who may see a submitter's contact, and the record of each read.

A submitter's name and phone stay in intake. The council chair or the staff of the topic's
own community may see them to call back about that topic; every read is kept (who, when,
which topic) for the district or city office to audit. No contact is in any event.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.kit.auth import SCOPE, Actor, Role
from services.kit.refusal import INVALID, NOT_FOUND

from .submission import SubmissionRefused

CALLERS = (Role.council_chair, Role.staff)
"""Who may read a submitter's contact (their own community's topics only)."""
AUDITORS = (Role.district_office, Role.city_office)
"""Who may list the reads over their division."""
PAGE_SIZE = 50


@dataclass(frozen=True)
class SubmitterContact:
    """What a submitter left to be called back on; either may be missing."""

    topic_id: UUID
    community_id: str
    name: str | None
    phone: str | None


@dataclass(frozen=True)
class ContactRead:
    """One read of a submitter's contact: by whom, when, of which topic (never the contact)."""

    topic_id: UUID
    community_id: str
    reader_id: str
    reader_roles: tuple[str, ...]
    read_at: datetime


def read_by(actor: Actor, contact: SubmitterContact, *, now: datetime) -> ContactRead:
    """The record of ``actor`` reading the contact; refuses a topic that left none."""
    if contact.name is None and contact.phone is None:
        raise SubmissionRefused("no_contact", "提交人没有留下联系方式", "the submitter left no contact", kind=NOT_FOUND)
    roles = tuple(sorted(role.value for role in actor.roles if role in CALLERS))
    return ContactRead(contact.topic_id, contact.community_id, actor.id, roles, now)


def topic_not_found() -> SubmissionRefused:
    return SubmissionRefused("topic_not_found", "没有找到该议题", "no such topic", kind=NOT_FOUND)


def audited_division(actor: Actor, division: str | None) -> str:
    """The division prefix an auditor lists: their own scope unless a narrower one is asked for."""
    division = division if division is not None else actor.scope
    if not SCOPE.fullmatch(division):
        raise SubmissionRefused(
            "invalid_division", "区划代码应为2、4、6、9或12位数字", "a division is a 2, 4, 6, 9 or 12 digit code prefix",
            kind=INVALID,
        )
    actor.ensure_community(division)
    return division


def page_number(page: int) -> int:
    if page < 1:
        raise SubmissionRefused("invalid_page", "页码从1开始", "pages are numbered from 1", kind=INVALID)
    return page
