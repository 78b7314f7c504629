"""The meeting service's domain (组织协商, step 4 of the six-step procedure).

Pure Python: no I/O, no clock. ``Meeting`` is folded from its events and decides commands
into new ones; ``AgendaCandidate`` says whether a topic may go on an agenda (不调研不协商);
``MeetingRules`` holds a community's quorum and majority as exact fractions.
"""

from .agenda import AgendaCandidate
from .commands import (
    AdoptByConsensus, CastVote, CloseMeeting, CloseVote, Command, DeferTopic, DropTopic, InviteParticipants,
    OpenMeeting, OpenVote, PutOnAgenda, RecordArrival, RecordDeparture, RecordDissent, RecordMinutesEntry,
    ScheduleMeeting,
)
from .events import (
    CONSULTATION_ROOM, AgendaItemDeferred, AgendaItemDropped, AttendanceRecorded, DissentRecorded, EntryKind, Guest,
    MeetingClosed, MeetingConvened, MeetingOpened, MinutesEntryRecorded, Movement, NamedMember, ParticipantsInvited,
    Role, TopicPutOnAgenda, VoteCast, VoteChoice, VoteClosed, VoteOpened,
)
from .invitations import Invitation
from .meeting import Meeting, TopicState
from .refusals import REFUSALS, MeetingRefused
from .rules import ONE_HALF, TWO_THIRDS, MeetingRules
from .status import DECIDED, MeetingStatus, TopicStatus

PRIVATE_EVENTS = (
    MeetingConvened, TopicPutOnAgenda, ParticipantsInvited, AttendanceRecorded, MeetingOpened, MinutesEntryRecorded,
    DissentRecorded, VoteOpened, VoteCast, VoteClosed, AgendaItemDeferred, AgendaItemDropped, MeetingClosed,
)
"""The meeting's private domain events, stored as ``meeting.<ClassName>.v1``."""

__all__ = [
    "AdoptByConsensus", "AgendaCandidate", "AgendaItemDeferred", "AgendaItemDropped", "AttendanceRecorded",
    "CONSULTATION_ROOM", "CastVote", "CloseMeeting", "CloseVote", "Command", "DECIDED", "DeferTopic",
    "DissentRecorded", "DropTopic", "EntryKind", "Guest", "Invitation", "InviteParticipants", "Meeting",
    "MeetingClosed", "MeetingConvened", "MeetingOpened", "MeetingRefused", "MeetingRules", "MeetingStatus",
    "MinutesEntryRecorded", "Movement", "NamedMember", "ONE_HALF", "OpenMeeting", "OpenVote", "PRIVATE_EVENTS",
    "ParticipantsInvited", "PutOnAgenda", "REFUSALS", "RecordArrival", "RecordDeparture", "RecordDissent",
    "RecordMinutesEntry", "Role", "ScheduleMeeting", "TWO_THIRDS", "TopicPutOnAgenda", "TopicState", "TopicStatus",
    "VoteCast", "VoteChoice", "VoteClosed", "VoteOpened",
]
