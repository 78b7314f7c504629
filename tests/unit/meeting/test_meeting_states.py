"""Random sequences of commands never bring a meeting into an invalid state.

Every command is tried; refused ones change nothing. After each accepted command the
events are checked against the state *before* it, with the quorum recomputed in integers.
"""

from uuid import UUID

from hypothesis import HealthCheck, settings
from hypothesis import event as note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from yishi_contracts import ResolutionAdopted

from services.meeting.domain import (
    DECIDED, AdoptByConsensus, CastVote, CloseMeeting, CloseVote, DeferTopic, DropTopic, EntryKind,
    InviteParticipants, Meeting, MeetingClosed, MeetingOpened, MeetingRefused, MeetingStatus, OpenMeeting, OpenVote,
    RecordArrival, RecordDeparture, RecordDissent, RecordMinutesEntry, Role, TopicStatus, VoteCast, VoteChoice,
    VoteClosed, VoteOpened,
)

from .builders import CHAIR, GUEST, MEASURES, MEMBERS, NOW, OTHER, TEXT, TOPIC_A, TOPIC_B, invitation, later, schedule

people = st.sampled_from([*MEMBERS, CHAIR, GUEST, "stranger"])
topics = st.sampled_from([TOPIC_A, TOPIC_B, TOPIC_A, TOPIC_B, OTHER])
texts = st.sampled_from([TEXT, "短", "  ", "不同意这个方案的选址"])
commands = st.one_of(
    st.builds(RecordArrival, people),
    st.builds(RecordDeparture, people),
    st.builds(RecordArrival, st.sampled_from(MEMBERS)),
    st.builds(InviteParticipants, st.frozensets(st.sampled_from(MEMBERS), max_size=9)),
    st.just(OpenMeeting()),
    st.builds(RecordMinutesEntry, topics, people, st.sampled_from(EntryKind), texts),
    st.builds(RecordDissent, topics, people, texts),
    st.builds(AdoptByConsensus, topics, texts, st.sampled_from([MEASURES, ()])),
    st.builds(OpenVote, topics, texts, st.sampled_from([MEASURES, ()])),
    st.builds(CastVote, topics, people, st.sampled_from(VoteChoice)),
    st.builds(CastVote, topics, st.sampled_from(MEMBERS), st.sampled_from(VoteChoice)),
    st.builds(CloseVote, topics),
    st.builds(DeferTopic, topics, texts),
    st.builds(DropTopic, topics, texts),
    st.just(CloseMeeting()),
)


def quorum(meeting: Meeting) -> bool:
    present = sum(1 for p, role in meeting.present.items() if role is Role.fixed_member)
    total = len(meeting.fixed_members)
    return total > 0 and 3 * present >= 2 * total


class MeetingMachine(RuleBasedStateMachine):
    @initialize()
    def schedule_and_invite(self) -> None:
        self.meeting = Meeting()
        self.stream: list[object] = []
        self.minute = 0
        for command in (schedule(), invitation()):
            events = self.meeting.decide(command, now=NOW)
            self.meeting, self.stream = self.meeting.apply_all(events), [*self.stream, *events]

    @rule(command=commands)
    def try_command(self, command: object) -> None:
        self.minute += 1
        before = self.meeting
        try:
            events = self.meeting.decide(command, now=later(self.minute))  # type: ignore[arg-type]
        except MeetingRefused as refusal:
            assert refusal.error and refusal.message_zh and refusal.message_en
            assert self.meeting == before  # a decision never changes the meeting
            return
        self.meeting = self.meeting.apply_all(events)
        assert before == Meeting.fold(self.stream)  # folding the events in left the earlier meeting as it was
        self.stream += events
        for event in events:
            note(type(event).__name__)
            self.check(before, event)

    @rule(members=st.lists(st.sampled_from(MEMBERS), min_size=4, max_size=9, unique=True), open_it=st.booleans())
    def members_arrive(self, members: list[str], open_it: bool) -> None:
        for member in members:
            self.try_command(RecordArrival(member))
        if open_it:
            self.try_command(OpenMeeting())

    @rule(topic=topics, choices=st.lists(st.sampled_from(VoteChoice), max_size=9), close=st.booleans())
    def members_vote(self, topic: UUID, choices: list[VoteChoice], close: bool) -> None:
        self.try_command(OpenVote(topic, TEXT, MEASURES))
        for member, choice in zip(MEMBERS, choices):
            self.try_command(CastVote(topic, member, choice))
        if close:
            self.try_command(CloseVote(topic))

    @rule(topic=topics, dissent=st.booleans())
    def consensus(self, topic: UUID, dissent: bool) -> None:
        if dissent:
            self.try_command(RecordDissent(topic, MEMBERS[0], "不同意这个方案的选址"))
        self.try_command(AdoptByConsensus(topic, TEXT, MEASURES))

    def check(self, before: Meeting, event: object) -> None:
        if isinstance(event, (MeetingOpened, VoteOpened, VoteCast, VoteClosed, ResolutionAdopted)):
            assert quorum(before), f"{type(event).__name__} without quorum"
        if isinstance(event, VoteCast):
            assert before.present.get(event.member_id) is Role.fixed_member
            assert event.member_id not in before.topics[event.topic_id].votes
            assert before.topics[event.topic_id].status is TopicStatus.voting
        if isinstance(event, VoteOpened):
            assert before.topics[event.topic_id].status is TopicStatus.pending
        if isinstance(event, ResolutionAdopted):
            assert before.topics[event.topic_id].status in (TopicStatus.pending, TopicStatus.voting)
            assert event.attendance.fixed_members_total == len(before.fixed_members)
        if isinstance(event, MeetingClosed):
            assert before.status is MeetingStatus.open
            assert all(topic.status in DECIDED for topic in before.topics.values())

    @invariant()
    def state_is_consistent(self) -> None:
        meeting = self.meeting
        assert [entry.number for entry in meeting.minutes] == list(range(1, len(meeting.minutes) + 1))
        for topic in meeting.topics.values():
            assert set(topic.votes) <= set(MEMBERS)
            if topic.status is TopicStatus.voting:
                assert topic.motion is not None
        if meeting.status is MeetingStatus.closed:
            assert all(topic.status in DECIDED for topic in meeting.topics.values())
        if meeting.status is not MeetingStatus.scheduled:
            assert meeting.fixed_members
        assert all(person in {*MEMBERS, CHAIR, GUEST} for person in meeting.present)

    @invariant()
    def replay_rebuilds_the_state(self) -> None:
        again = Meeting.fold(self.stream)
        assert again.status is self.meeting.status and again.topics == self.meeting.topics
        assert again.present == self.meeting.present and again.minutes == self.meeting.minutes


MeetingMachine.TestCase.settings = settings(
    max_examples=100, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestMeetingStateMachine = MeetingMachine.TestCase
