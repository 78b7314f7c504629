"""Print every public Yishi event as it arrives: all it needs is yishi-contracts and aiokafka.

    YISHI_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 python subscriber.py    # Ctrl-C to stop
"""

import asyncio
import os
import signal

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from yishi_contracts import STREAMS, MalformedMessage, from_kafka, status_marked_by
from yishi_contracts.lifecycle import label


def show(record: ConsumerRecord) -> None:
    try:
        event = from_kafka(record.headers, record.key, record.value)
    except MalformedMessage as exc:  # not a Yishi event this version knows: skip it, say why
        print(f"skipped {record.topic}/{record.partition}@{record.offset}: {exc.reason}", flush=True)
        return
    status = status_marked_by(event.data)  # where the event moves its topic along the six steps
    print(event.time.isoformat(), event.type, event.communityid, event.subject,
          label(status) if status else "-", event.data.model_dump_json(), flush=True)


async def main() -> None:
    prefix = os.environ.get("YISHI_KAFKA_TOPIC_PREFIX", "")
    consumer = AIOKafkaConsumer(
        *(prefix + stream.topic for stream in STREAMS),
        bootstrap_servers=os.environ.get("YISHI_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        group_id=os.environ.get("SUBSCRIBER_GROUP", "example-subscriber"),
        auto_offset_reset="earliest",  # a new group starts from the first event
    )
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    await consumer.start()
    try:
        while not stop.is_set():
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    show(record)
    finally:
        await consumer.stop()  # commits the offsets of what was shown


if __name__ == "__main__":
    asyncio.run(main())
