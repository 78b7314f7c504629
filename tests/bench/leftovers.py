"""What a run leaves on the servers is removed after it: its topics and its databases.

Every run makes a new topic prefix (12 partitions a topic, some holding hundreds of thousands
of events) and new databases. On a shared broker, what earlier runs left slowed the later ones
down — a broker holding some 3,900 partitions from a day of runs answered the relay's commits
with a p99 of 0.6–1.7 s — so the second and third of three runs measured the leftovers."""

import asyncio
from collections.abc import Iterable

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient


async def drop(infra, *, prefix: str, databases: Iterable[str]) -> None:
    """Delete every topic named with ``prefix`` (the services' own and dead-letter topics too)
    and drop the databases, whoever is still connected."""
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.bootstrap_servers)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if topics:
            await admin.delete_topics(topics)
    finally:
        await admin.close()
    await drop_databases(infra, databases)


async def drop_databases(infra, databases: Iterable[str]) -> None:
    conn = await asyncpg.connect(infra.admin_url)
    try:
        for database in databases:
            await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await conn.close()


def drop_now(infra, *, prefix: str, databases: Iterable[str]) -> None:
    asyncio.run(drop(infra, prefix=prefix, databases=list(databases)))
