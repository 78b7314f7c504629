"""Intake's views port in memory: submissions and the receipt view, kept like the SQL ones."""

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from yishi_contracts import Envelope, Status

from services.intake.domain.contact import ContactRead, SubmitterContact
from services.intake.domain.progress import current_status, steps_of
from services.intake.service_layer.ports import Filed, Filing, NewSubmission, ReceiptView
from services.kit.fakes import FakeService
from services.kit.streams import EventCodec


@dataclass
class Progress:
    title: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)


class FakeIntakeViews:
    def __init__(self) -> None:
        self.submissions: dict[UUID, NewSubmission] = {}
        self.progress: dict[UUID, Progress] = {}
        self.taken: set[str] = set()
        """Receipt codes a concurrent submission holds (the next insert of one clashes)."""
        self.reads: list[ContactRead] = []

    def apply(self, envelope: Envelope[Any]) -> None:
        """The inline projection: intake's own events as they are recorded, and upstream ones fed in."""
        for step in steps_of(envelope.data, envelope.time):
            kept = self.progress.setdefault(step.topic_id, Progress())
            kept.title = step.title or kept.title
            kept.history = sorted([*kept.history, step.entry], key=lambda h: h["at"])  # as the SQL keeps it

    async def add_submission(self, submission: NewSubmission) -> Filing:
        codes = {s.receipt_code for s in self.submissions.values()} | self.taken
        if (earlier := self._under_key(submission)) is not None:
            return Filing(kept=False, earlier=earlier)
        if submission.topic_id in self.submissions or submission.receipt_code in codes:
            return Filing(kept=False)
        self.submissions[submission.topic_id] = submission
        return Filing(kept=True)

    def _under_key(self, new: NewSubmission) -> Filed | None:
        """The submission on file under the new one's key, in its community for its caller."""
        if new.idempotency is None:
            return None
        for s in self.submissions.values():
            key = s.idempotency
            if key and s.community_id == new.community_id and (key.key, key.caller) == (new.idempotency.key,
                                                                                          new.idempotency.caller):
                return Filed(s.topic_id, s.receipt_code, s.community_id, key.request_digest)
        return None

    async def submission_with_code(self, receipt_code: str) -> Filed | None:
        return next((self._filed(s) for s in self.submissions.values() if s.receipt_code == receipt_code), None)

    @staticmethod
    def _filed(s: NewSubmission) -> Filed:
        return Filed(s.topic_id, s.receipt_code, s.community_id)

    async def progress_status(self, topic_id: UUID) -> Status | None:
        kept = self.progress.get(topic_id)
        return current_status(kept.history) if kept else None

    async def receipt(self, receipt_code: str) -> ReceiptView | None:
        filed = await self.submission_with_code(receipt_code)
        if filed is None:
            return None
        s, kept = self.submissions[filed.topic_id], self.progress.get(filed.topic_id, Progress())
        return ReceiptView(s.receipt_code, s.topic_id, s.community_id, kept.title,
                           current_status(kept.history) or Status.submitted, s.submitted_at, kept.history)

    async def submitter_contact(self, topic_id: UUID) -> SubmitterContact | None:
        s = self.submissions.get(topic_id)
        return SubmitterContact(s.topic_id, s.community_id, s.contact_name, s.contact_phone) if s else None

    async def record_contact_read(self, read: ContactRead) -> None:
        self.reads.append(read)

    async def contact_reads(self, division: str, *, limit: int, offset: int) -> list[ContactRead]:
        within = [r for r in reversed(self.reads) if r.community_id.startswith(division)]
        return sorted(within, key=lambda r: r.read_at, reverse=True)[offset:offset + limit]


def intake_service() -> FakeService[FakeIntakeViews]:
    return FakeService(FakeIntakeViews(), service="intake", codec=EventCodec("intake", ()))


def feed(service: FakeService[FakeIntakeViews], event: Any, **wrap: Any) -> None:
    """An upstream service's event reaching the receipt view (as the consumer would apply it)."""
    service.views.apply(Envelope.wrap(event, source="/yishi/test", time=wrap.get("time")))
