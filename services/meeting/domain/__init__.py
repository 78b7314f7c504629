"""The meeting service's domain (组织协商, step 4 of the six-step procedure).

Pure Python: no I/O, no clock. ``Meeting`` decides commands into events and folds them;
``MeetingRules`` holds a community's quorum and majority as exact fractions.
"""

from .commands import (
    AdoptByConsensus, CastVote, CloseMeeting, CloseVote, Command, DeferTopic, DropTopic, InviteParticipants,
    OpenMeeting, OpenVote, PutOnAgenda, RecordArrival, RecordDeparture, RecordDissent, RecordMinutesEntry,
    ScheduleMeeting,
)
from .events import (
    CONSULTATION_ROOM, AttendanceRecorded, DissentRecorded, EntryKind, Guest, MeetingClosed, MeetingOpened,
    MeetingScheduled, MinutesEntryRecorded, Movement, ParticipantsInvited, Role, TopicDeferred, TopicDropped,
    TopicPutOnAgenda, VoteCast, VoteChoice, VoteClosed, VoteOpened,
)
from .meeting import Meeting, TopicState
from .refusals import REFUSALS, MeetingRefused
from .rules import ONE_HALF, TWO_THIRDS, MeetingRules
from .status import DECIDED, MeetingStatus, TopicStatus

__all__ = [
    "AdoptByConsensus", "AttendanceRecorded", "CONSULTATION_ROOM", "CastVote", "CloseMeeting", "CloseVote", "Command",
    "DECIDED", "DeferTopic", "DissentRecorded", "DropTopic", "EntryKind", "Guest", "InviteParticipants", "Meeting",
    "MeetingClosed", "MeetingOpened", "MeetingRefused", "MeetingRules", "MeetingScheduled", "MeetingStatus",
    "MinutesEntryRecorded", "Movement", "ONE_HALF", "OpenMeeting", "OpenVote", "ParticipantsInvited", "PutOnAgenda",
    "REFUSALS", "RecordArrival", "RecordDeparture", "RecordDissent", "RecordMinutesEntry", "Role", "ScheduleMeeting",
    "TWO_THIRDS", "TopicDeferred", "TopicDropped", "TopicPutOnAgenda", "TopicState", "TopicStatus", "VoteCast",
    "VoteChoice", "VoteClosed", "VoteOpened",
]
