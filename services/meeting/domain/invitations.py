"""Who is invited with a topic (邀请 X of 1+7+X): the invitees its research names, and more.

An invitee is known by role, never by a private person's contact data; one without an id
gets the topic's next number, ``x:<topic>:<n>``, after the guests already invited.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from yishi_contracts import InviteeKind

from .events import Guest


@dataclass(frozen=True)
class Invitation:
    """One invitee asked for, for one agenda topic; ``person_id`` None: the next number."""

    topic_id: UUID
    kind: InviteeKind
    description: str
    person_id: str | None = None


def numbered(wanted: Iterable[Invitation], invited: Iterable[Guest] = ()) -> tuple[Guest, ...]:
    """The guests for these invitations, numbered per topic after ``invited``."""
    earlier = list(invited)
    guests: list[Guest] = []
    for item in wanted:
        person_id = item.person_id
        if not person_id:
            taken = sum(1 for guest in (*earlier, *guests) if guest.topic_id == item.topic_id)
            person_id = f"x:{item.topic_id}:{taken + 1}"
        guests.append(Guest(person_id, item.topic_id, item.kind, item.description))
    return tuple(guests)
