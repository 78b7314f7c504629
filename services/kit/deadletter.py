"""Dead letters: a record a consumer cannot read is parked, with the reason, and the consumer goes on."""

from dataclasses import dataclass

from aiokafka import AIOKafkaProducer, ConsumerRecord

from .metrics import DEAD_LETTERS


@dataclass(frozen=True)
class DeadLetter:
    record: ConsumerRecord
    reason: str
    detail: str


class DeadLetterPublisher:
    def __init__(self, producer: AIOKafkaProducer, *, topic: str, service: str) -> None:
        self._producer = producer
        self.topic = topic
        self._service = service

    async def publish(self, letters: list[DeadLetter]) -> None:
        """Publish and wait for the broker's acknowledgement of every letter."""
        deliveries = []
        for letter in letters:
            record = letter.record
            headers = list(record.headers or ()) + [
                ("yishi_dlq_reason", letter.reason.encode()),
                ("yishi_dlq_detail", letter.detail[:1000].encode("utf-8", "replace")),
                ("yishi_dlq_consumer", self._service.encode()),
                ("yishi_dlq_topic", record.topic.encode()),
                ("yishi_dlq_partition", str(record.partition).encode()),
                ("yishi_dlq_offset", str(record.offset).encode()),
            ]
            deliveries.append(
                await self._producer.send(self.topic, value=record.value, key=record.key, headers=headers)
            )
            DEAD_LETTERS.labels(self._service, letter.reason).inc()
        for delivery in deliveries:
            await delivery
