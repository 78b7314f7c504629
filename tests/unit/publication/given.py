"""Publication's use cases run in memory up to a point of a topic's life, to test the next one from."""

from datetime import date, timedelta
from uuid import uuid4

from yishi_contracts import ImplementationStarted, Measure, Merged, ResolutionAdopted
from yishi_contracts.receipts import receipt_check

from services.kit.auth import Role
from services.kit.fakes import FakeService
from services.publication.service_layer import conclusion, implementation
from services.publication.service_layer.disclosures import start_disclosure

from ..factories import adopted, screened, submitted
from .fakes import CONFIG, FakePublicationViews, actor

Service = FakeService[FakePublicationViews]
STAFF = actor(Role.staff)
CODES = ["7K3MQ-9XD4P", "J3SLS-CFV5E", "H4NPW-8RT6Y"]
"""The receipt codes of a topic's submitter (the first) and of the submitters of duplicates merged into it."""


def checked(topic_id, code: str = CODES[0], **over: object):
    """A TopicSubmitted carrying the check of its receipt code, as intake sends it."""
    return submitted(topic_id, receipt_check=receipt_check(CONFIG.receipt_secret, topic_id, code), **over)


def merged_duplicate(service: Service, into, code: str) -> None:
    """A duplicate topic, with a receipt code of its own, merged into ``into``."""
    duplicate = uuid4()
    service.views.feed(checked(duplicate, code))
    service.views.feed(screened(duplicate, decision=Merged(merged_into=into)))


async def disclosed(service: Service, *deadlines: date) -> ResolutionAdopted:
    """A submitted topic whose resolution the reaction to ResolutionAdopted put on disclosure."""
    topic_id = uuid4()
    resolution = adopted(topic_id)
    if deadlines:
        resolution = resolution.model_copy(update={"measures": [
            Measure(description=f"措施{i}", responsible_party="社区居委会", deadline=dl) for i, dl in enumerate(deadlines)
        ]})
    service.views.feed(checked(topic_id))
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
    for code in CODES[1:len(ratings)]:
        merged_duplicate(service, started.topic_id, code)
    for code, rating in zip(CODES, ratings):
        await implementation.rate(service, CONFIG, started.topic_id, rating, code)
    return started
