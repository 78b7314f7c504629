"""A meeting's printable documents (会议纪要、协商议事决议), read from its own stream.

Who may fetch them:
- the minutes: staff and the council (chair and members) of the meeting's community, or of
  an office whose scope covers it — they name every speaker and each dissenter; available
  once the meeting has opened, marked as a draft until it closes;
- a resolution, once adopted: anyone, without a token — it is what the public board
  shows, and like the public ``ResolutionAdopted`` it names no dissenter.
"""

from dataclasses import dataclass
from urllib.parse import quote
from uuid import UUID

from services.kit.auth import Actor, Role
from services.kit.ports import Service
from services.kit.refusal import CHINA_TIME, NOT_FOUND

from ..documents import build, pdf
from ..domain import Meeting, MeetingStatus
from ..domain.refusals import refusal
from .ports import MeetingViews, Roster, stream_id

MINUTES_READERS = (Role.staff, Role.council_chair, Role.council_member)


@dataclass(frozen=True)
class Printed:
    """A rendered document and the name a browser saves it under."""

    content: bytes
    filename: str
    ascii_filename: str

    @property
    def disposition(self) -> str:
        return f'inline; filename="{self.ascii_filename}"; filename*=UTF-8\'\'{quote(self.filename)}'


@dataclass(frozen=True)
class _Loaded:
    events: list[object]
    meeting: Meeting
    titles: dict[UUID, str | None]
    roster: Roster | None
    community_name: str | None
    """From the registry's replica: 清波门社区 (None before the replica knows the community)."""

    def directory(self) -> build.Directory:
        """The names the meeting kept; the roster as it is now for any it did not keep."""
        if self.roster is None:
            return build.Directory.of(self.meeting)
        roster = self.roster
        chair = {roster.chair_id: roster.chair_name} if roster.chair_id and roster.chair_name else {}
        return build.Directory.of(self.meeting, roster.named(), chair)


async def _load(service: Service[MeetingViews], meeting_id: UUID, actor: Actor | None) -> _Loaded:
    async with service.commands.units() as uow:
        loaded = await uow.load(stream_id(meeting_id))
        if not loaded.events:
            raise refusal("meeting_not_found", NOT_FOUND)
        meeting = Meeting.fold(loaded.events)
        if actor is not None:
            actor.ensure_community(meeting.community_id)
        titles = await uow.views.titles(list(meeting.topics))
        roster = await uow.views.roster(meeting.community_id)
        names = await uow.views.community_names(meeting.community_id)
    return _Loaded(loaded.events, meeting, titles, roster, names.name)


def _sat_on(meeting: Meeting) -> str:
    convened = meeting.convened
    assert convened is not None
    return f"{convened.scheduled_for.astimezone(CHINA_TIME):%Y%m%d}"


async def minutes_pdf(service: Service[MeetingViews], actor: Actor, meeting_id: UUID) -> Printed:
    """会议纪要 of a meeting of the actor's community, once it has opened."""
    loaded = await _load(service, meeting_id, actor)
    if loaded.meeting.status is MeetingStatus.scheduled:
        raise refusal("minutes_not_ready")
    doc = build.minutes(loaded.events, loaded.directory(), loaded.titles, community_name=loaded.community_name)
    content = await pdf.in_background(pdf.minutes_pdf, doc, service.clock.now())
    day = _sat_on(loaded.meeting)
    return Printed(content, f"会议纪要-{day}.pdf", f"minutes-{day}.pdf")


async def resolution_pdf(service: Service[MeetingViews], meeting_id: UUID, topic_id: UUID) -> Printed:
    """协商议事决议 on one topic, for anyone once the meeting adopted it."""
    loaded = await _load(service, meeting_id, None)
    if topic_id not in loaded.meeting.topics:
        raise refusal("topic_not_on_agenda", NOT_FOUND)
    doc = build.resolution(loaded.events, loaded.directory(), topic_id, loaded.titles.get(topic_id),
                           community_name=loaded.community_name)
    if doc is None:
        raise refusal("no_resolution", NOT_FOUND)
    content = await pdf.in_background(pdf.resolution_pdf, doc)
    day = _sat_on(loaded.meeting)
    return Printed(content, f"协商议事决议-{day}.pdf", f"resolution-{day}.pdf")

