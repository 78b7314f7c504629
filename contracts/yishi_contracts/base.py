"""What every public event shares: its stable type name, its version, and its keys."""

from datetime import datetime
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

# 统计用区划代码: 12 digits — district/county (6), street/town (9), community/village (12).
# Using the official code as the community id gives every figure its hierarchy for free.
CommunityId = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]

# Free text a person wrote: surrounding whitespace trimmed, never empty.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp must carry a timezone (时间必须带时区)")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


class Event(BaseModel):
    """The data of one public event.

    Subclasses set ``type_name`` (a stable name, never a Python import path) and
    ``version``; a breaking change to the data makes a new version, an added optional
    field does not. Readers ignore fields they do not know (tolerant reader). The
    ``subject`` is the stream the event belongs to and its Kafka key.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    type_name: ClassVar[str]
    version: ClassVar[int] = 1

    community_id: CommunityId

    @classmethod
    def cloudevent_type(cls) -> str:
        """The CloudEvents ``type`` attribute: name and major version, e.g. ``yishi.TopicSubmitted.v1``."""
        return f"{cls.type_name}.v{cls.version}"

    def subject(self) -> str:
        """The stream this event belongs to; TopicEvent and every other concrete event define it."""
        raise TypeError(f"{type(self).__name__} does not name its stream")


class TopicEvent(Event):
    """An event about one consultation topic (议题): its stream and key is the topic id."""

    topic_id: UUID

    def subject(self) -> str:
        return str(self.topic_id)
