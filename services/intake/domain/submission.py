"""A topic submission (议题收集): who may submit what, through which channel.

The rules of "党政交、委员提、社会征": a resident submitting for themselves does so online
as a resident source; staff enter topics collected at the service station, on household
visits, in the grid or by phone, from any of the three sources.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from yishi_contracts import Channel, DivisionLevel, Status, SubmitterKind, TopicResubmitted, TopicSource, TopicSubmitted

from services.kit.refusal import INVALID, NOT_NOW, Refusal
from services.kit.registry import CommunityNames


class SubmissionRefused(Refusal):
    """What intake refuses: a submission its rules forbid, a receipt code it cannot read or find."""


@dataclass(frozen=True)
class SubmitTopic:
    """Command: take a consultation topic in."""

    community_id: str
    title: str
    description: str
    source: TopicSource
    channel: Channel
    submitted_by: SubmitterKind
    location: str | None = None
    staff_id: str | None = None


def ensure_open_community(code: str, community: CommunityNames | None) -> None:
    """A topic is taken in only for a registered community that is still active (在册社区)."""
    if community is None or not community.registered or community.level != DivisionLevel.community:
        raise SubmissionRefused(
            "unknown_community", f"区划代码{code}不是已登记的社区，请核对社区代码",
            f"{code} is not a registered community: check the community's code", kind=INVALID, community_id=code,
        )
    if not community.active:
        raise SubmissionRefused(
            "retired_community", f"{community.name}（{code}）已撤销，不再受理议题",
            f"{code} has been retired and takes no topics", kind=INVALID, community_id=code,
        )


def submit(command: SubmitTopic, *, now: datetime, topic_id: UUID | None = None) -> TopicSubmitted:
    """Decide a submission; return the event, or raise SubmissionRefused."""
    if command.submitted_by == SubmitterKind.resident:
        if command.source != TopicSource.resident:
            raise SubmissionRefused(
                "source_not_allowed",
                "居民本人提交的议题来源只能是“社会征”（resident）",
                "a resident submitting for themselves can only be the 'resident' source",
                kind=INVALID,
            )
        if command.channel != Channel.online:
            raise SubmissionRefused(
                "channel_not_allowed",
                "居民本人只能通过线上渠道提交；其他渠道请由网格员或工作人员代录",
                "residents submit online themselves; other channels are entered by staff",
                kind=INVALID,
            )
    elif not command.staff_id:
        raise SubmissionRefused(
            "staff_id_required", "工作人员代录时须注明工作人员编号", "staff entries must name the staff member",
            kind=INVALID,
        )
    elif command.source == TopicSource.party_government and command.channel == Channel.online:
        raise SubmissionRefused(
            "channel_not_allowed",
            "党政交办的议题应由工作人员按交办渠道录入，不能选“线上”",
            "topics assigned by the party/government are entered by staff, not via the online channel",
            kind=INVALID,
        )
    return TopicSubmitted(
        topic_id=topic_id or uuid4(),
        community_id=command.community_id,
        title=command.title,
        description=command.description,
        location=command.location,
        source=command.source,
        channel=command.channel,
        submitted_by=command.submitted_by,
        staff_id=command.staff_id if command.submitted_by == SubmitterKind.staff else None,
        submitted_at=now,
    )


@dataclass(frozen=True)
class Submission:
    """A topic as intake took it in: its stream holds the submission and any details added."""

    topic_id: UUID
    community_id: str
    resubmissions: int = 0

    @classmethod
    def fold(cls, events: Sequence[object]) -> "Submission | None":
        """None for a topic not taken in yet (an empty stream)."""
        submission = None
        for event in events:
            submission = submission.apply(event) if submission else cls.start(event)
        return submission

    @classmethod
    def start(cls, event: object) -> "Submission":
        if not isinstance(event, TopicSubmitted):
            raise ValueError(f"a topic's stream starts with its submission, not {type(event).__name__}")
        return cls(event.topic_id, event.community_id)

    def apply(self, event: object) -> "Submission":
        if isinstance(event, TopicResubmitted):
            return Submission(self.topic_id, self.community_id, self.resubmissions + 1)
        return self

    def resubmit(self, details: str, *, status: Status, now: datetime) -> list[object]:
        """The submitter supplies the details the council asked for (补充材料).

        ``status`` is where the topic stands now (the council's screening is not in this stream).
        """
        if status != Status.returned:
            raise SubmissionRefused(
                "not_returned",
                "只有被退回补充材料的议题才能补充材料",
                "details can be added only to a topic that was returned for details",
                kind=NOT_NOW,
            )
        resubmitted = TopicResubmitted(
            topic_id=self.topic_id, community_id=self.community_id, details=details, resubmitted_at=now
        )
        return [resubmitted]
