"""The task list from ``tasks_view`` applies the overdue grace (逾期宽限) in effect when each task's
round started, read from the registry replica, whatever order the settings and the starts arrive
in (a rebuild replays council's topic and publication's in no fixed order)."""

from datetime import date, timedelta

import pytest
from yishi_contracts import Envelope

from services.kit.db import connect
from services.kit.projection import apply_once
from services.publication.adapters.tasks_view import task_page
from services.publication.projection import build_projection
from services.publication.service_layer.task_query import task_query

from .test_ledger_overdue_grace import DEADLINE, LAODONGLU, QINGBOMEN, STARTED, STREET, _settings, _started


@pytest.mark.parametrize("settings_first", [True, False])
async def test_a_three_day_grace_keeps_a_task_off_the_overdue_list_next_door_to_one_on_it(
        make_database, settings_first: bool) -> None:
    settings = [_settings(QINGBOMEN, "community", 3, STARTED - timedelta(days=30)),
                _settings(STREET, "street", 5, STARTED + timedelta(seconds=1))]  # after the start: not for it
    starts = [_started(QINGBOMEN), _started(LAODONGLU)]
    events = settings + starts if settings_first else starts + settings
    projection = build_projection(None)  # type: ignore[arg-type]  # reactions are not run here
    conn = await connect(make_database("publication"))
    try:
        for event in events:
            async with conn.transaction():
                await apply_once(conn, projection, [Envelope.wrap(event, source="/yishi/test")], service="publication",
                                 reactions=False)

        async def overdue(today: date) -> dict[str, int]:
            page = await task_page(conn, task_query(STREET[:9], overdue=True), today)
            assert page.total == len(page.tasks)
            return {t.community_id: t.days_overdue for t in page.tasks}

        assert await overdue(DEADLINE) == {}
        assert await overdue(DEADLINE + timedelta(days=1)) == {LAODONGLU: 1}  # the city's default: no grace
        assert await overdue(DEADLINE + timedelta(days=3)) == {LAODONGLU: 3}
        assert await overdue(DEADLINE + timedelta(days=4)) == {LAODONGLU: 4, QINGBOMEN: 1}  # its 3 days passed
        everything = await task_page(conn, task_query(STREET[:9]), DEADLINE + timedelta(days=4))
        assert [(t.community_id, t.overdue) for t in everything.tasks] == [(LAODONGLU, True), (QINGBOMEN, True)]
        assert [r["round_started_at"] for r in await conn.fetch("SELECT round_started_at FROM tasks_view")] == [STARTED] * 2
    finally:
        await conn.close()

