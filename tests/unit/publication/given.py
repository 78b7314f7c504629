"""Publication's use cases run in memory up to a point of a topic's life, to test the next one from."""

from datetime import date, timedelta
from uuid import uuid4

from yishi_contracts import ImplementationStarted, Measure, ResolutionAdopted

from services.kit.auth import Role
from services.kit.fakes import FakeService
from services.publication.service_layer import conclusion, implementation
from services.publication.service_layer.disclosures import start_disclosure

from ..factories import adopted, submitted
from .fakes import CONFIG, FakePublicationViews, actor

Service = FakeService[FakePublicationViews]
STAFF = actor(Role.staff)
PHONES = ["13800138001", "13900139002", "13700137003"]


async def disclosed(service: Service, *deadlines: date) -> ResolutionAdopted:
    """A submitted topic whose resolution the reaction to ResolutionAdopted put on disclosure."""
    topic_id = uuid4()
    resolution = adopted(topic_id)
    if deadlines:
        resolution = resolution.model_copy(update={"measures": [
            Measure(description=f"措施{i}", responsible_party="社区居委会", deadline=dl) for i, dl in enumerate(deadlines)
        ]})
    service.views.feed(submitted(topic_id))
    envelope = service.views.feed(resolution)
    uow = service.on()
    await start_disclosure(service, uow, envelope, CONFIG)
    uow.commit()
    return resolution


async def implementing(service: Service, *deadlines: date) -> ImplementationStarted:
    """A topic whose disclosure period passed without objections: its first round started."""
    resolution = await disclosed(service, *deadlines)
    service.clock.advance(days=8)
    await conclusion.conclude_due(service)
    return next(e for e in service.published(ImplementationStarted) if e.topic_id == resolution.topic_id)


async def rated(service: Service, *ratings: str) -> ImplementationStarted:
    """A topic whose round is complete and rated by residents."""
    started = await implementing(service, date(2027, 1, 31))
    for task in started.tasks:
        await implementation.complete_task(service, STAFF, started.topic_id, task.task_id)
    for phone, rating in zip(PHONES, ratings):
        await implementation.rate(service, CONFIG, started.topic_id, rating, phone)
    return started
