"""Events published by the intake service (收集议题)."""

from typing import Annotated

from pydantic import StringConstraints

from ..base import AwareDatetime, TopicEvent
from ..codes import Channel, SubmitterKind, TopicSource

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=80)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=2000)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class TopicSubmitted(TopicEvent):
    """A consultation topic (议题) was collected — step 1 of the six-step procedure.

    Carries no personal data: the submitter's name and phone stay inside intake.
    """

    type_name = "yishi.TopicSubmitted"
    version = 1

    title: Title
    description: Description
    location: Place | None = None
    source: TopicSource
    channel: Channel
    submitted_by: SubmitterKind
    staff_id: str | None = None
    """The staff account that entered it on a resident's behalf; None when the resident did."""
    submitted_at: AwareDatetime
    receipt_check: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{43}$")] | None = None
    """HMAC-SHA256 of the topic id and its receipt code under a secret the issuing and checking
    services share, base64url (``yishi_contracts.receipts``); never the code. None on topics
    submitted before contracts 1.3.0."""


class TopicResubmitted(TopicEvent):
    """The submitter supplied the details the council asked for (补充材料); back to screening."""

    type_name = "yishi.TopicResubmitted"
    version = 1

    details: Description
    resubmitted_at: AwareDatetime
