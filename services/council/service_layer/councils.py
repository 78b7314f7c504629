"""Use cases of the 1+7+X council: form it, appoint the chair, nominate, confirm, let go.

Every change is recorded with the public CouncilCompositionChanged snapshot (the chair and
the confirmed fixed members serving today), so the meeting service can keep the roster.
"""

from collections.abc import Callable
from datetime import datetime
from uuid import UUID, uuid4

import asyncpg
from yishi_contracts import CouncilCompositionChanged, CouncilMember

from services.kit.auth import Actor
from services.kit.errors import Refusal
from services.kit.runtime import ServiceRuntime

from ..adapters import topics
from ..domain.council import Council, CouncilEvent, form_council
from ..domain.refusal import local_date


def stream_id(council_id: UUID) -> str:
    return f"council:{council_id}"


def snapshot(council: Council, now: datetime) -> CouncilCompositionChanged:
    on = local_date(now)
    serving = sorted((m for m in council.members.values() if m.serves_on(on)), key=lambda m: m.member_id)
    return CouncilCompositionChanged(
        community_id=council.community_id,
        council_id=council.council_id,
        chair_id=council.chair.member_id if council.chair else None,
        chair_name=council.chair.name if council.chair else None,
        fixed_members=[
            CouncilMember(member_id=m.member_id, name=m.name, category=str(m.category), term_start=m.term_start,
                          term_end=m.term_end)
            for m in serving
        ],
        changed_at=now,
    )


def no_council(community_id: str) -> Refusal:
    return Refusal(
        409, "council_not_ready", f"协商议事会尚不能履职：社区{community_id}尚未组建协商议事会",
        f"the council cannot act yet: community {community_id} has no council",
    )


async def load_versioned(runtime: ServiceRuntime, conn: asyncpg.Connection, council_id: UUID) -> tuple[Council, int]:
    """The council and its stream's version (which counts the public snapshots too)."""
    loaded = await runtime.load(conn, stream_id(council_id))
    own = [e for e in loaded.events if not isinstance(e, CouncilCompositionChanged)]
    if not own:
        raise Refusal(404, "council_unknown", "找不到该协商议事会", "no such council")
    return Council.from_events(own), loaded.version  # type: ignore[arg-type]


async def load(runtime: ServiceRuntime, conn: asyncpg.Connection, council_id: UUID) -> Council:
    return (await load_versioned(runtime, conn, council_id))[0]


async def load_for_community(runtime: ServiceRuntime, conn: asyncpg.Connection, community_id: str) -> Council:
    council_id = await topics.council_of(conn, community_id)
    if council_id is None:
        raise no_council(community_id)
    return await load(runtime, conn, council_id)


async def form(runtime: ServiceRuntime, community_id: str) -> Council:
    """One council per community: forming it twice is refused with the existing council's id."""
    now = runtime.clock.now()
    formed = form_council(uuid4(), community_id, now=now)
    async with runtime.pool.acquire() as conn, conn.transaction():
        existing = await topics.insert_council(conn, formed.council_id, community_id, now)
        if existing is not None:
            raise Refusal(
                409, "council_exists", "本社区已组建协商议事会", "this community already has a council",
                council_id=str(existing),
            )
        council = Council.from_events([formed])
        await runtime.record(
            conn, stream_id=stream_id(council.council_id), expected_version=0,
            events=[formed, snapshot(council, now)], community_id=community_id,
        )
    return council


async def change(
    runtime: ServiceRuntime, council_id: UUID, actor: Actor, decide: Callable[[Council, datetime], CouncilEvent]
) -> Council:
    """Load the council, check the actor's community, decide, record the event and the snapshot."""
    now = runtime.clock.now()
    async with runtime.pool.acquire() as conn, conn.transaction():
        council, expected = await load_versioned(runtime, conn, council_id)
        actor.ensure_community(council.community_id)
        event = decide(council, now)
        changed = council.apply(event)
        await runtime.record(
            conn, stream_id=stream_id(council_id), expected_version=expected,
            events=[event, snapshot(changed, now)], community_id=council.community_id,
        )
    return changed

