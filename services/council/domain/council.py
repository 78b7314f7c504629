"""The "1+7+X" council of one community (协商议事会).

1 chair (协商议事会主席, the community party committee's deputy secretary), at least 7 fixed
members (固定成员) nominated by democratic recommendation (民主推荐) and confirmed by the
party committee (党委确认), and X invitees per topic (kept in research, never members).

Event-sourced: each command method is a pure decision returning the new events without
changing the council: its private event and the public roster snapshot after it
(CouncilCompositionChanged: the chair and the confirmed fixed members serving that day),
which the meeting service keeps for quorum and votes. ``apply`` folds an event in.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from uuid import UUID

from yishi_contracts import CouncilCompositionChanged, CouncilMember, MemberCategory

from services.kit.refusal import INVALID

from .refusal import CouncilRefused, local_date

__all__ = ["Council", "MemberCategory", "form_council"]

FIXED_MEMBERS_REQUIRED = 7


@dataclass(frozen=True)
class CouncilFormed:
    council_id: UUID
    community_id: str
    at: datetime


@dataclass(frozen=True)
class ChairAppointed:
    council_id: UUID
    member_id: str
    name: str
    at: datetime


@dataclass(frozen=True)
class MemberNominated:
    council_id: UUID
    member_id: str
    name: str
    category: MemberCategory
    term_start: date
    term_end: date
    at: datetime


@dataclass(frozen=True)
class MemberConfirmed:
    council_id: UUID
    member_id: str
    at: datetime


@dataclass(frozen=True)
class MemberLeft:
    council_id: UUID
    member_id: str
    left_on: date
    reason: str
    at: datetime


CouncilEvent = CouncilFormed | ChairAppointed | MemberNominated | MemberConfirmed | MemberLeft


@dataclass(frozen=True)
class Chair:
    member_id: str
    name: str


@dataclass(frozen=True)
class FixedMember:
    member_id: str
    name: str
    category: MemberCategory
    term_start: date
    term_end: date
    confirmed: bool = False
    left_on: date | None = None

    def serves_on(self, on: date) -> bool:
        """Confirmed, within the term, and not yet left on that date."""
        in_term = self.term_start <= on <= self.term_end
        return self.confirmed and in_term and (self.left_on is None or on < self.left_on)


@dataclass(frozen=True)
class Readiness:
    """What a council has, on one date, of what it needs to act (screen, convene)."""

    on: date
    has_chair: bool
    confirmed_members: int
    cppcc_members: int

    @property
    def members_missing(self) -> int:
        return max(0, FIXED_MEMBERS_REQUIRED - self.confirmed_members)

    @property
    def can_act(self) -> bool:
        return self.has_chair and self.members_missing == 0 and self.cppcc_members >= 1

    def missing_zh(self) -> list[str]:
        missing = [] if self.has_chair else ["尚未任命协商议事会主席"]
        if self.members_missing:
            missing.append(f"尚缺{self.members_missing}名经党委确认的固定成员")
        if self.cppcc_members < 1:
            missing.append("至少需要1名政协委员")
        return missing

    def missing_en(self) -> list[str]:
        missing = [] if self.has_chair else ["no chair has been appointed"]
        if self.members_missing:
            missing.append(f"{self.members_missing} more fixed member(s) confirmed by the party committee needed")
        if self.cppcc_members < 1:
            missing.append("at least 1 CPPCC member is needed")
        return missing


def form_council(council_id: UUID, community_id: str, *, now: datetime) -> list[object]:
    """Command: set up the council of a community (the first events of its stream)."""
    if not (len(community_id) == 12 and community_id.isascii() and community_id.isdigit()):
        raise CouncilRefused(
            "invalid_community", "社区编码应为12位统计用区划代码", "the community id must be a 12-digit division code",
            kind=INVALID,
        )
    local_date(now)
    return [CouncilFormed(council_id, community_id, now), Council(council_id, community_id).roster(now)]


@dataclass(frozen=True)
class Council:
    council_id: UUID
    community_id: str
    chair: Chair | None = None
    members: dict[str, FixedMember] = field(default_factory=dict)

    @classmethod
    def fold(cls, events: Sequence[object]) -> "Council | None":
        """The council a stream describes; None for an empty stream."""
        council = None
        for event in events:
            if council is not None:
                council = council.apply(event)
            elif isinstance(event, CouncilFormed):
                council = cls(event.council_id, event.community_id)
            else:
                raise ValueError("a council stream starts with CouncilFormed")
        return council

    def apply(self, event: object) -> "Council":
        """One event folded in; the public roster snapshots change nothing (they follow from the rest)."""
        members = dict(self.members)
        chair = self.chair
        if isinstance(event, ChairAppointed):
            chair = Chair(event.member_id, event.name)
        elif isinstance(event, MemberNominated):
            members[event.member_id] = FixedMember(
                event.member_id, event.name, event.category, event.term_start, event.term_end
            )
        elif isinstance(event, MemberConfirmed):
            members[event.member_id] = replace(members[event.member_id], confirmed=True)
        elif isinstance(event, MemberLeft):
            members[event.member_id] = replace(members[event.member_id], left_on=event.left_on)
        return replace(self, chair=chair, members=members)

    def roster(self, now: datetime) -> CouncilCompositionChanged:
        """The public snapshot: the chair and the confirmed fixed members serving today."""
        on = local_date(now)
        serving = sorted((m for m in self.members.values() if m.serves_on(on)), key=lambda m: m.member_id)
        return CouncilCompositionChanged(
            community_id=self.community_id,
            council_id=self.council_id,
            chair_id=self.chair.member_id if self.chair else None,
            chair_name=self.chair.name if self.chair else None,
            fixed_members=[
                CouncilMember(member_id=m.member_id, name=m.name, category=m.category, term_start=m.term_start,
                              term_end=m.term_end)
                for m in serving
            ],
            changed_at=now,
        )

    def _with_roster(self, event: CouncilEvent) -> list[object]:
        return [event, self.apply(event).roster(event.at)]

    # -- commands ---------------------------------------------------------------------

    def appoint_chair(self, member_id: str, name: str, *, now: datetime) -> list[object]:
        """The party committee's deputy secretary presides; a new appointment replaces the old."""
        _require_text(member_id, name)
        if self._current(member_id, local_date(now)):
            raise CouncilRefused(
                "chair_is_fixed_member", "主席不能同时担任固定成员（“1”与“7”为不同人员）",
                "the chair cannot also be a fixed member (the '1' and the '7' are different people)",
            )
        return self._with_roster(ChairAppointed(self.council_id, member_id, name.strip(), now))

    def nominate(
        self, member_id: str, name: str, category: MemberCategory, term_start: date, term_end: date, *, now: datetime
    ) -> list[object]:
        """Democratic recommendation (民主推荐) puts a person forward for a term."""
        _require_text(member_id, name)
        if term_end <= term_start:
            raise CouncilRefused("invalid_term", "任期结束日期须晚于开始日期", "the term must end after it starts", kind=INVALID)
        if self.chair and self.chair.member_id == member_id:
            raise CouncilRefused(
                "chair_is_fixed_member", "主席不能同时担任固定成员（“1”与“7”为不同人员）",
                "the chair cannot also be a fixed member (the '1' and the '7' are different people)",
            )
        if self._current(member_id, local_date(now)):
            raise CouncilRefused(
                "already_member", "该人员已在本届协商议事会中", "this person is already on the council"
            )
        return self._with_roster(
            MemberNominated(self.council_id, member_id, name.strip(), MemberCategory(category), term_start, term_end, now)
        )

    def confirm(self, member_id: str, *, now: datetime) -> list[object]:
        """The party committee confirms a nominee (党委确认)."""
        member = self._current(member_id, local_date(now))
        if member is None:
            raise CouncilRefused("not_nominated", "该人员未经民主推荐或已离任", "this person was not nominated or has left")
        if member.confirmed:
            raise CouncilRefused("already_confirmed", "该成员已经党委确认", "this member is already confirmed")
        return self._with_roster(MemberConfirmed(self.council_id, member_id, now))

    def leave(self, member_id: str, left_on: date, reason: str, *, now: datetime) -> list[object]:
        """A fixed member leaves before the term ends (a term's end needs no event: dates decide)."""
        member = self.members.get(member_id)
        if member is None or member.left_on is not None:
            raise CouncilRefused("not_member", "该人员不是本协商议事会的在任成员", "this person is not a serving member")
        if not reason.strip():
            raise CouncilRefused("reason_required", "请说明离任原因", "give the reason for leaving", kind=INVALID)
        return self._with_roster(MemberLeft(self.council_id, member_id, left_on, reason.strip(), now))

    # -- queries ----------------------------------------------------------------------

    def readiness(self, on: date) -> Readiness:
        serving = [m for m in self.members.values() if m.serves_on(on)]
        cppcc = sum(1 for m in serving if m.category == MemberCategory.cppcc_member)
        return Readiness(on, self.chair is not None, len(serving), cppcc)

    def ensure_can_act(self, on: date) -> None:
        ready = self.readiness(on)
        if not ready.can_act:
            raise CouncilRefused(
                "council_not_ready",
                "协商议事会尚不能履职：" + "；".join(ready.missing_zh()),
                "the council cannot act yet: " + "; ".join(ready.missing_en()),
            )

    def is_chair(self, member_id: str) -> bool:
        return self.chair is not None and self.chair.member_id == member_id

    def serving_member(self, member_id: str, on: date) -> FixedMember | None:
        """The confirmed fixed member serving on that date, or None."""
        member = self.members.get(member_id)
        return member if member is not None and member.serves_on(on) else None

    def _current(self, member_id: str, on: date) -> FixedMember | None:
        member = self.members.get(member_id)
        if member is None or member.left_on is not None or member.term_end < on:
            return None
        return member


def _require_text(member_id: str, name: str) -> None:
    if not member_id.strip() or not name.strip():
        raise CouncilRefused("name_required", "须填写成员编号和姓名", "a member id and a name are required", kind=INVALID)
