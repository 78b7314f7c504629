"""asyncpg pools with JSON codecs, and the errors worth retrying."""

import json
from typing import Any

import asyncpg

# What a consumer treats as "the world is down, try again", not "this message is bad".
TRANSIENT_DB_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)


async def _init_connection(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


def plain_dsn(url: str) -> str:
    """asyncpg wants ``postgresql://``; SQLAlchemy-style ``postgresql+asyncpg://`` is accepted too."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


SERVER_SETTINGS = {"jit": "off"}
"""PostgreSQL's JIT compiles a plan it estimates expensive: for a city's 台账 of a year (half a
million rows aggregated) that took 0.8 s on each of the first five reads — the custom plans —
against 0.2 s for the query itself. The services' queries are short or mid-size aggregates,
where compiling never pays back."""


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 10, **kwargs: Any) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        plain_dsn(url), min_size=min_size, max_size=max_size, init=_init_connection,
        server_settings={**SERVER_SETTINGS, **kwargs.pop("server_settings", {})}, **kwargs,
    )
    assert pool is not None
    return pool


async def connect(url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(plain_dsn(url), server_settings=SERVER_SETTINGS)
    await _init_connection(conn)
    return conn


__all__ = ["TRANSIENT_DB_ERRORS", "connect", "create_pool", "plain_dsn"]
