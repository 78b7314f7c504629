"""Reading a whole topic in a test."""

from aiokafka import ConsumerRecord

from services.kit.kafka_reading import read_to_end


async def read_all(bootstrap_servers: str, topic: str) -> list[ConsumerRecord]:
    return [record async for batch in read_to_end(bootstrap_servers, [topic]) for record in batch]
