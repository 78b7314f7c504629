"""The minutes and resolutions of a meeting, built from its events (pure: no I/O, no clock).

The meeting's stream is folded event by event, so each document says what was true at the
moment it speaks of: attendance at the opening for the minutes, at the adoption for a
resolution. People are named from the ``Directory``: the names the meeting kept when it
invited them, and the council's roster for what an older stream did not keep.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from yishi_contracts import DecisionMethod, Measure, ResolutionAdopted

from ..domain import (
    AgendaItemDeferred, AgendaItemDropped, AttendanceRecorded, DissentRecorded, Guest, Meeting, MeetingClosed,
    MeetingOpened, MeetingStatus, Movement, NamedMember, Role, VoteClosed,
)
from ..domain.rules import fraction_text
from . import labels as zh
from .model import (
    Decision, Dissent, MeasureLine, Minutes, Person, Quorum, Resolution, Sitting, TopicRecord, Voice,
)


@dataclass(frozen=True)
class Directory:
    """Who is who at one meeting, by the ids its events use."""

    chair_id: str
    chair_name: str | None
    members: Mapping[str, NamedMember]
    """Fixed members by id, in the roster's order."""
    guests: Mapping[str, Guest] = field(default_factory=dict)

    @classmethod
    def of(cls, meeting: Meeting, roster: Iterable[NamedMember] = (), chairs: Mapping[str, str] | None = None
           ) -> "Directory":
        """The names the meeting kept; for anyone it did not name, the roster's as it is now
        (``chairs``: the roster's chair's name by id)."""
        convened = meeting.convened
        if convened is None:
            raise ValueError("a meeting never scheduled has no documents")
        members = {m.member_id: m for m in roster}
        members.update(meeting.named)
        chair_name = convened.chair_name or (chairs or {}).get(convened.chair_id)
        return cls(convened.chair_id, chair_name, members, dict(meeting.guests))

    def person(self, person_id: str, note: str = "") -> Person:
        if person_id == self.chair_id:
            return Person(self.chair_name or zh.UNKNOWN_NAME, zh.CHAIR, note=note)
        guest = self.guests.get(person_id)
        if guest is not None:
            return Person(guest.description, zh.INVITEE, zh.INVITEE_KINDS[guest.kind], note)
        member = self.members.get(person_id)
        if member is None:
            return Person(zh.UNKNOWN_NAME, zh.FIXED_MEMBER, note=note)
        return Person(member.name, zh.FIXED_MEMBER, zh.category(member.category), note)

    def in_roster_order(self, member_ids: Iterable[str]) -> list[str]:
        order = {member_id: i for i, member_id in enumerate(self.members)}
        return sorted(member_ids, key=lambda m: (order.get(m, len(order)), m))


def _rules_line(meeting: Meeting) -> str:
    rules = meeting.rules
    base = "在场有表决权的固定成员" if rules.abstentions_count_as_present else "赞成票与反对票之和"
    return (f"法定人数为固定成员的 {fraction_text(rules.quorum)}；"
            f"表决时赞成票须超过{base}的 {fraction_text(rules.adoption)}")


def _council(community_id: str, community_name: str | None) -> str:
    return f"{community_name}协商议事会" if community_name else f"社区（{community_id}）协商议事会"


def _sitting(meeting: Meeting, who: Directory, community_name: str | None, opened: datetime | None,
             closed: datetime | None) -> Sitting:
    convened = meeting.convened
    assert convened is not None
    chair = who.person(convened.chair_id, zh.PRESIDING if opened is not None else "")
    return Sitting(
        council=_council(convened.community_id, community_name), place=convened.place,
        when=zh.sitting_time(convened.scheduled_for, opened, closed), chair=chair, rules=_rules_line(meeting),
    )


def _quorum(meeting: Meeting, present: int, total: int) -> Quorum:
    invitees = sum(1 for role in meeting.present.values() if role is Role.invitee)
    return Quorum(present, total, meeting.rules.quorum_required(total), invitees)


def _measures(measures: Sequence[Measure]) -> tuple[MeasureLine, ...]:
    return tuple(MeasureLine(m.description, m.responsible_party, zh.day(m.deadline)) for m in measures)


def _invitees(meeting: Meeting, who: Directory, ids: Iterable[str]) -> tuple[Person, ...]:
    return tuple(who.person(p) for p in ids if meeting.role_of(p) is Role.invitee)


@dataclass
class _Notes:
    """What the fold gathers on the way through a meeting's stream."""

    opened: datetime | None = None
    closed: datetime | None = None
    quorum: Quorum | None = None
    attended: dict[str, None] = field(default_factory=dict)
    late: set[str] = field(default_factory=set)
    decisions: dict[UUID, Decision] = field(default_factory=dict)
    resolutions: dict[UUID, ResolutionAdopted] = field(default_factory=dict)
    reasons: dict[UUID, str] = field(default_factory=dict)
    dissent: dict[UUID, list[tuple[str, str]]] = field(default_factory=dict)

    def take(self, meeting: Meeting, event: object) -> None:
        match event:
            case MeetingOpened():
                self.opened = event.at
                self.quorum = _quorum(meeting, event.fixed_members_present, event.fixed_members_total)
                self.attended.update(dict.fromkeys(meeting.present))
            case AttendanceRecorded(movement=Movement.arrived) if meeting.status is MeetingStatus.open:
                if event.person_id not in self.attended:
                    self.late.add(event.person_id)
                self.attended[event.person_id] = None
            case MeetingClosed():
                self.closed = event.at
            case VoteClosed():
                self.decisions[event.topic_id] = Decision(zh.VOTE, event.tally, event.voting_present)
            case ResolutionAdopted():
                self.resolutions[event.topic_id] = event
                if event.method is DecisionMethod.consensus:
                    self.decisions[event.topic_id] = Decision(zh.CONSENSUS)
            case AgendaItemDeferred() | AgendaItemDropped():
                self.reasons[event.topic_id] = event.reason
            case DissentRecorded():
                self.dissent.setdefault(event.topic_id, []).append((event.member_id, event.opinion))


def _fold(events: Iterable[object], until: UUID | None = None) -> tuple[Meeting, _Notes]:
    """The meeting and the notes after every event, or up to the resolution of topic ``until``."""
    meeting, notes = Meeting(), _Notes()
    for event in events:
        meeting = meeting.apply(event)
        notes.take(meeting, event)
        if until is not None and isinstance(event, ResolutionAdopted) and event.topic_id == until:
            break
    return meeting, notes


def _topic(meeting: Meeting, notes: _Notes, who: Directory, n: int, topic_id: UUID, title: str | None
           ) -> TopicRecord:
    state = meeting.topics[topic_id]
    adopted = notes.resolutions.get(topic_id)
    voices = tuple(
        Voice(e.number, who.person(e.speaker_id), zh.ENTRY_KINDS[e.kind], e.text, zh.clock(e.at))
        for e in meeting.minutes if e.topic_id == topic_id
    )
    text, measures = (adopted.text, adopted.measures) if adopted else (None, ())
    if adopted is None and state.motion is not None:
        text, measures = state.motion.text, state.motion.measures
    return TopicRecord(
        heading=f"议题{zh.ordinal(n)}", title=title or zh.UNKNOWN_TITLE, voices=voices,
        decision=notes.decisions.get(topic_id), outcome=zh.OUTCOMES[state.status], reason=notes.reasons.get(topic_id),
        resolution=text, measures=_measures(measures),
        dissent=tuple(Dissent(who.person(m), opinion) for m, opinion in notes.dissent.get(topic_id, [])),
    )


def minutes(events: Sequence[object], who: Directory, titles: Mapping[UUID, str | None],
            community_name: str | None = None) -> Minutes:
    """会议纪要: who attended (from the opening on), and for each topic what was said and decided."""
    meeting, notes = _fold(events)
    if meeting.convened is None:
        raise ValueError("a meeting never scheduled has no minutes")

    def noted(person_id: str) -> str:
        if person_id not in meeting.present and meeting.status is not MeetingStatus.scheduled:
            return zh.LEFT_EARLY
        return zh.LATE if person_id in notes.late else ""

    fixed = [p for p in notes.attended if meeting.role_of(p) is Role.fixed_member]
    absent = [m for m in meeting.fixed_members if m not in notes.attended]
    return Minutes(
        sitting=_sitting(meeting, who, community_name, notes.opened, notes.closed),
        quorum=notes.quorum,
        attended=tuple(who.person(m, noted(m)) for m in who.in_roster_order(fixed)),
        absent=tuple(who.person(m) for m in who.in_roster_order(absent)),
        invitees=tuple(
            who.person(p, noted(p)) for p in notes.attended if meeting.role_of(p) is Role.invitee
        ),
        topics=tuple(
            _topic(meeting, notes, who, n, topic_id, titles.get(topic_id))
            for n, topic_id in enumerate(meeting.topics, 1)
        ),
        final=meeting.status is MeetingStatus.closed,
    )


def resolution(events: Sequence[object], who: Directory, topic_id: UUID, title: str | None,
               community_name: str | None = None) -> Resolution | None:
    """协商议事决议 on one topic as adopted, or None if the meeting adopted none on it.

    Attendance is the one at the adoption; dissent is published without names, as in the
    public ResolutionAdopted."""
    meeting, notes = _fold(events, until=topic_id)
    adopted = notes.resolutions.get(topic_id)
    if adopted is None:
        return None
    attendance = adopted.attendance
    return Resolution(
        sitting=_sitting(meeting, who, community_name, notes.opened, notes.opened),
        title=title or zh.UNKNOWN_TITLE,
        quorum=_quorum(meeting, attendance.fixed_members_present, attendance.fixed_members_total),
        attended=tuple(who.person(m) for m in who.in_roster_order(meeting.fixed_present)),
        invitees=_invitees(meeting, who, meeting.present),
        decision=notes.decisions[topic_id],
        text=adopted.text,
        measures=_measures(adopted.measures),
        dissent=tuple(Dissent(None, opinion) for opinion in adopted.dissent),
        adopted_on=zh.day(adopted.adopted_at),
    )
