"""KnownCommunities: open communities are read once per interval, anything else every time,
and a change to the replica is heard at once (and not undone by a read made meanwhile)."""

from services.kit.registry import CommunityNames
from services.kit.registry_cache import KnownCommunities, forget_everywhere

OPEN = CommunityNames("330102001051", "清波门社区", "清波街道", "上城区", "community", active=True)
RETIRED = CommunityNames("330102001052", "劳动路社区", "清波街道", "上城区", "community", active=False)
UNKNOWN = CommunityNames("330102001099", None, "清波街道", "上城区", None, active=False)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Replica:
    def __init__(self, *names: CommunityNames) -> None:
        self.names = {n.code: n for n in names}
        self.reads: list[str] = []

    async def read(self, code: str) -> CommunityNames:
        self.reads.append(code)
        return self.names[code]


async def test_an_open_community_is_read_once_per_interval() -> None:
    clock, replica = Clock(), Replica(OPEN)
    known = KnownCommunities(ttl_seconds=2, clock=clock)
    assert [await known.names(OPEN.code, replica.read) for _ in range(3)] == [OPEN] * 3
    assert replica.reads == [OPEN.code]
    clock.now += 2.5
    assert await known.names(OPEN.code, replica.read) == OPEN
    assert replica.reads == [OPEN.code, OPEN.code]


async def test_unknown_and_retired_codes_are_read_every_time() -> None:
    replica = Replica(RETIRED, UNKNOWN)
    known = KnownCommunities(clock=Clock())
    for _ in range(2):
        assert await known.names(RETIRED.code, replica.read) == RETIRED
        assert await known.names(UNKNOWN.code, replica.read) == UNKNOWN
    assert replica.reads == [RETIRED.code, UNKNOWN.code] * 2


async def test_a_change_to_the_replica_is_heard_at_once_and_not_undone_before_it_commits() -> None:
    clock, replica = Clock(), Replica(OPEN)
    known = KnownCommunities(ttl_seconds=60, settle_seconds=1, clock=clock)
    await known.names(OPEN.code, replica.read)
    forget_everywhere()  # the replica's handler, inside the consumer's transaction
    await known.names(OPEN.code, replica.read)  # still the old row: not kept while the change settles
    await known.names(OPEN.code, replica.read)
    assert len(replica.reads) == 3
    replica.names[OPEN.code] = CommunityNames(OPEN.code, OPEN.name, OPEN.street, OPEN.district, "community", False)
    clock.now += 1.5
    assert not (await known.names(OPEN.code, replica.read)).active
    assert len(replica.reads) == 4


async def test_a_read_begun_before_the_change_is_not_kept() -> None:
    clock, replica = Clock(), Replica(OPEN)
    known = KnownCommunities(settle_seconds=1, clock=clock)

    async def slow_read(code: str) -> CommunityNames:
        names = await replica.read(code)
        known.forget()  # the change arrives while the read is on its way
        clock.now += 5  # and settles before the read returns
        return names

    await known.names(OPEN.code, slow_read)
    await known.names(OPEN.code, replica.read)
    assert len(replica.reads) == 2


async def test_the_memory_is_bounded() -> None:
    replica = Replica(*(CommunityNames(f"3301020010{n:02d}", f"社区{n}", None, None, "community", True) for n in range(5)))
    known = KnownCommunities(max_entries=3, clock=Clock())
    for code in replica.names:
        await known.names(code, replica.read)
    for code in replica.names:
        await known.names(code, replica.read)
    assert len(replica.reads) == 10  # each of the five pushed out before it was asked again
    assert len(known._open) == 3
