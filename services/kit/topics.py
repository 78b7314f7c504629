"""Kafka topics are created explicitly (auto-create is off): right partitions, right replication."""

import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from .kafka_security import aiokafka_options
from .settings import KafkaSecurity

log = logging.getLogger(__name__)

_TOPIC_ALREADY_EXISTS = 36


async def ensure_topics(
    bootstrap_servers: str,
    names: Iterable[str],
    *,
    partitions: int,
    replication_factor: int,
    security: KafkaSecurity | None = None,
) -> list[str]:
    """Create the topics that do not exist yet; return the ones created. Harmless to repeat."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, client_id="yishi-topics", **aiokafka_options(security)
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = sorted(set(names) - existing)
        if not missing:
            return []
        try:
            response = await admin.create_topics(
                [NewTopic(name, num_partitions=partitions, replication_factor=replication_factor) for name in missing]
            )
        except TopicAlreadyExistsError:
            return []
        created = []
        for name, code, *rest in getattr(response, "topic_errors", []):
            if code == 0:
                created.append(name)
            elif code != _TOPIC_ALREADY_EXISTS:
                raise RuntimeError(f"could not create Kafka topic {name}: error {code} {rest}")
        if created:
            log.info("created Kafka topics %s (%d partitions)", created, partitions)
        return created
    finally:
        await admin.close()
