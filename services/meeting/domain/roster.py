"""Whether the council can convene (1+7+X): its chair, seven confirmed fixed members in
term, at least one of them a CPPCC member. Pure: the roster and the day are passed in."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from yishi_contracts import MemberCategory

from .refusals import refusal

MIN_FIXED_MEMBERS = 7


@dataclass(frozen=True)
class RosterMember:
    """A confirmed fixed member with the category and the term the party committee confirmed."""

    member_id: str
    category: MemberCategory
    term_start: date
    term_end: date

    def in_term(self, day: date) -> bool:
        return self.term_start <= day <= self.term_end


def convening_members(chair_id: str | None, members: Iterable[RosterMember], day: date) -> frozenset[str]:
    """The fixed members to invite to a meeting on ``day``, refusing if the council cannot convene."""
    in_term = [m for m in members if m.in_term(day)]
    if (
        not chair_id
        or len(in_term) < MIN_FIXED_MEMBERS
        or not any(m.category is MemberCategory.cppcc_member for m in in_term)
    ):
        raise refusal("council_incomplete")
    return frozenset(m.member_id for m in in_term)
