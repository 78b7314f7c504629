"""Ready-made histories to start the publication tests from."""

from datetime import date, datetime, timedelta
from uuid import uuid4

from yishi_contracts import Measure

from services.publication.domain import Disclosure, DisclosurePolicy, Implementation, PublicationRefused, publish, start

from ..factories import NOW, adopted

PUBLISHED = NOW + timedelta(hours=2)


def disclosure(period_days: int = 7) -> Disclosure:
    disclosure = Disclosure.fold([publish(adopted(uuid4()), now=PUBLISHED, policy=DisclosurePolicy(timedelta(days=period_days)))])
    assert disclosure is not None
    return disclosure


def concluded() -> Disclosure:
    d = disclosure()
    return d.apply(d.conclude(now=d.ends_at))


def measures(*deadlines: date) -> list[Measure]:
    return [Measure(description=f"任务{i}", responsible_party="社区居委会", deadline=dl) for i, dl in enumerate(deadlines)]


def implementation(*deadlines: date) -> Implementation:
    d = concluded()
    d = Disclosure(d.topic_id, d.community_id, d.resolution_id, tuple(measures(*deadlines)) if deadlines else d.measures,
                   d.published_at, d.ends_at, outcome=d.outcome)
    impl = Implementation.fold([start(d, now=d.ends_at)])
    assert impl is not None
    return impl


def completed(impl: Implementation, now: datetime) -> Implementation:
    for task in impl.current_tasks():
        if task.completed_at is not None:
            continue
        for event in impl.complete_task(task.spec.task_id, now=now):
            impl = impl.apply(event)
    return impl


def assert_explained(refused: PublicationRefused, error: str) -> None:
    assert refused.error == error
    assert refused.message_zh.strip() and refused.message_en.strip()
    assert str(refused) == refused.message_en

