"""One council runtime per test module on real Kafka and PostgreSQL, called in-process over HTTP."""

import uuid
from collections.abc import AsyncIterator

import pytest
from yishi_contracts import INTAKE

from services.council.app import create_app
from tests.support.eventually import eventually
from tests.support.in_process import InProcess, bearer, module_settings, running
from tests.unit.factories import submitted

KEY = "council-integration-test-key-0123456789abcdef"
TERM = {"term_start": "2026-01-01", "term_end": "2028-12-31"}
CATEGORIES = ["cppcc_member", "two_committees", "two_committees", "owners_committee",
              "resident_representative", "resident_representative", "health_station"]
_next_community = iter(range(1, 10_000))


def new_community() -> str:
    """A fresh community per test, so tests sharing the module's runtime do not meet."""
    return f"3301020{uuid.uuid4().int % 100:02d}{next(_next_community):03d}"


def token(community: str, *roles: str, sub: str = "worker-1") -> dict[str, str]:
    return bearer(KEY, sub, *roles, scope=community)


class Council(InProcess):
    async def submit(self, community: str, title: str, **over: object) -> uuid.UUID:
        """A topic submitted through intake's Kafka topic, waited for until council has it."""
        event = submitted(community_id=community, title=title, **over)
        await self.feed(INTAKE.topic, event)
        await eventually(lambda: self.status(event.topic_id), lambda s: s is not None, what=f"{title} received")
        return event.topic_id

    async def status(self, topic_id: uuid.UUID) -> str | None:
        return await self.db.fetchval(
            "SELECT status FROM council_topics WHERE topic_id = $1 AND submitted_at IS NOT NULL", topic_id
        )

    async def form(self, community: str, *, members: list[str] = CATEGORIES, chair: bool = True) -> str:
        """A council formed over HTTP: the chair, then each member nominated and confirmed."""
        party = token(community, "party_committee", sub="party-1")
        response = await self.client.post("/councils", json={"community_id": community}, headers=party)
        assert response.status_code == 201, response.text
        council_id = response.json()["council_id"]
        if chair:
            r = await self.client.put(f"/councils/{council_id}/chair", json={"member_id": "chair", "name": "王书记"},
                                      headers=party)
            assert r.status_code == 200, r.text
        for i, category in enumerate(members):
            body = {"member_id": f"m{i}", "name": f"成员{i}", "category": category, **TERM}
            r = await self.client.post(f"/councils/{council_id}/members", json=body, headers=token(community, "staff"))
            assert r.status_code == 201, r.text
            r = await self.client.post(f"/councils/{council_id}/members/m{i}/confirmation", headers=party)
            assert r.status_code == 200, r.text
        return council_id


@pytest.fixture(scope="module")
async def council(infra) -> AsyncIterator[Council]:
    app = create_app(module_settings(infra, "council"))
    runtime = app.state.runtime
    async with running(infra, runtime, app, key=KEY) as (client, producer, db):
        yield Council(runtime, client, producer, db, infra.bootstrap_servers)


@pytest.fixture
def community() -> str:
    return new_community()
