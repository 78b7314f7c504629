"""Runs one outbox relay in its own process, so a test can SIGKILL it at any point.

    python -m tests.support.relay_process DATABASE_URL BOOTSTRAP_SERVERS BATCH_SIZE
"""

import asyncio
import sys

from services.kit.relay import OutboxRelay, build_producer


async def main(database_url: str, bootstrap_servers: str, batch_size: int) -> None:
    producer = build_producer(bootstrap_servers, "relay-under-test")
    await producer.start()
    relay = OutboxRelay(
        service="relay-test", database_url=database_url, producer=producer, batch_size=batch_size, poll_seconds=0.2
    )
    try:
        await relay.run()
    finally:
        await producer.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
