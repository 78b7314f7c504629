"""The ledger's paths on real Kafka and PostgreSQL: a history fed on the four services'
topics is kept by the running publication service; its 台账 over HTTP (JSON, CSV, Excel, read
back) equals a recount of everything on the topics; who may read it; open data without a
login; and ``yishi rebuild publication`` rebuilds the ledger equal to the live one."""

import csv
import io
import os
import random
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from yishi_contracts import STREAMS, DivisionRegistered, Envelope
from yishi_contracts.codes import Category, TopicSource, label_zh

from services.kit.binding import from_kafka, to_kafka
from services.publication.app import build_runtime
from services.publication.entrypoints.http import publication_router
from services.publication.ledger.figures import HEADERS_ZH
from services.publication.ledger.http import ledger_router
from services.publication.ledger.open_data import FIELDS
from services.publication.ledger.queries import zero
from services.publication.ledger.rules import Period
from services.publication.service_layer.config import PublicationConfig
from tests.integration.publication.conftest import KEY, MovableClock, token
from tests.support.eventually import eventually
from tests.support.in_process import module_settings, running
from tests.support.kafka_reading import read_all
from tests.support.ledger_history import history, recount

ROOT = Path(__file__).resolve().parents[3]
DIVISIONS = [("330102000000", "district", "上城区", "330100000000"), ("330102001000", "street", "清波街道", "330102000000"),
             ("330102001051", "community", "清波门社区", "330102001000"),
             ("330102001052", "community", "劳动路社区", "330102001000")]
DISTRICT_OFFICE = token("330102", "district_office")


def _topic_of(event: Any) -> str:
    return next(s.topic for s in STREAMS if type(event) in s.events)


@pytest.fixture(scope="module")
async def ledger(infra):
    clock = MovableClock()
    clock.advance(datetime(2028, 1, 1, tzinfo=UTC) - clock.now())  # after every event of the history
    config = PublicationConfig.from_env()
    runtime = build_runtime(module_settings(infra, "publication", tick_seconds=0.5), clock=clock, config=config)
    app = runtime.create_app(title="ledger under test", routers=[publication_router(runtime, config), ledger_router(runtime)])
    async with running(infra, runtime, app, key=KEY) as (client, producer, db):
        registered = [DivisionRegistered(code=code, community_id=code, level=level, name=name, parent_code=parent,
                                         registered_at=datetime(2025, 1, 1, tzinfo=UTC), registered_by="city")
                      for code, level, name, parent in DIVISIONS]
        events = registered + history(random.Random(21), topics=80,
                                      communities=("330102001051", "330102001052", "330102002001"))
        for event in events:
            record = to_kafka(Envelope.wrap(event, source=next(s.source for s in STREAMS if type(event) in s.events)))
            await producer.send(runtime.settings.kafka.topic(_topic_of(event)), record.value, key=record.key,
                                headers=record.headers)
        await producer.flush()
        yield runtime, client, db, clock


async def _all_events(runtime) -> list[Any]:
    out = []
    for stream in STREAMS:
        records = await read_all(runtime.settings.kafka.bootstrap_servers, runtime.settings.kafka.topic(stream.topic))
        out += [from_kafka(r.headers, r.key, r.value).data for r in records]
    return out


async def _ledger(client, **params: str) -> Any:
    answer = await client.get("/ledger", params=params, headers=DISTRICT_OFFICE)
    assert answer.status_code == 200, answer.text
    return answer


async def test_the_district_ledger_equals_a_recount_of_the_topics(ledger) -> None:
    runtime, client, _, clock = ledger
    period = Period.parse("2026")

    async def probe() -> tuple[dict[str, Any], dict[str, Any]]:
        found = (await _ledger(client, division="330102000000", period="2026")).json()
        expected = {**zero(), **recount(await _all_events(runtime), "330102", period.start, period.end,
                                        period.as_of(clock.now()))}
        return {k: found["total"]["figures"][k] for k in expected}, expected

    def same(pair: tuple[dict[str, Any], dict[str, Any]]) -> bool:
        found, expected = pair
        return all(abs(found[k] - v) <= 0.051 if k.startswith("median_") and v is not None and found[k] is not None
                   else found[k] == v for k, v in expected.items())

    found, _ = await eventually(probe, same, timeout=90, what="the ledger to equal the recount")
    assert found["received"] > 20 and found["meetings_held"] > 0 and found["adopted"] > 0
    body = (await _ledger(client, division="330102000000", period="2026")).json()
    assert body["name"] == "上城区" and body["period_zh"] == "2026年" and list(body["headers_zh"]) == list(HEADERS_ZH)
    assert [r["code"] for r in body["levels"]["street"]] == ["330102001000", "330102002000"]
    assert body["levels"]["street"][0]["name"] == "清波街道"


async def test_the_excel_has_chinese_headers_and_a_sheet_per_level(ledger) -> None:
    _, client, _, _ = ledger
    listed = (await _ledger(client, division="330102000000", period="2026", breakdown="all")).json()
    answer = await _ledger(client, division="330102000000", period="2026", format="xlsx")
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(answer.content), read_only=True)
    assert book.sheetnames == ["合计", "街道", "社区"]
    total = list(book["合计"].iter_rows(values_only=True))
    assert total[0][0] == "上城区 2026年 协商议事台账"
    assert list(total[1]) == ["区划代码", "区划名称", "层级", *HEADERS_ZH.values()]
    assert total[2][:3] == ("330102000000", "上城区", "区县")
    assert list(total[2][3:]) == [listed["total"]["figures"][k] for k in HEADERS_ZH]
    communities = list(book["社区"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1]) for r in communities] == [("330102001051", "清波门社区"), ("330102001052", "劳动路社区"),
                                                   ("330102002001", None)]
    by_code = {r["code"]: r["figures"] for r in listed["levels"]["community"]}
    for row in communities:
        assert list(row[3:]) == [by_code[row[0]][k] for k in HEADERS_ZH]


async def test_the_csv_is_utf8_with_a_bom_and_reads_back(ledger) -> None:
    _, client, _, _ = ledger
    listed = (await _ledger(client, division="330102001000", period="2026")).json()
    answer = await _ledger(client, division="330102001000", period="2026", format="csv")
    assert answer.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["区划代码", "区划名称", "层级", *HEADERS_ZH.values()]
    assert rows[1][:3] == ["330102001000", "清波街道", "街道"]
    assert [r[0] for r in rows[2:]] == ["330102001051", "330102001052"]
    figures = listed["total"]["figures"]
    assert rows[1][3:] == ["" if figures[k] is None else str(figures[k]) for k in HEADERS_ZH]


@pytest.mark.parametrize(("division", "headers", "status"), [
    ("330102001000", token("330102002", "street_office"), 403),
    ("330102001000", token("330102001051", "council_member"), 403),
    ("330102001052", token("330102001051", "council_chair"), 403),
    ("330105000000", token("330102", "district_office"), 403),
    ("city", token("330102", "district_office"), 403),
    ("330102001000", {}, 401),
    ("330102001051", token("330102001051", "council_member"), 200),
    ("330102001051", token("330102001", "street_office"), 200),
    ("city", token("3301", "city_office"), 200),
])
async def test_who_may_read_the_ledger(ledger, division: str, headers: dict[str, str], status: int) -> None:
    _, client, _, _ = ledger
    answer = await client.get("/ledger", params={"division": division, "period": "2026-Q3"}, headers=headers)
    assert answer.status_code == status, answer.text
    if status != 200:
        assert answer.json()["message_zh"] and answer.json()["message_en"]


@pytest.mark.parametrize("params", [{"division": "330102000000", "period": "2026-13"},
                                    {"division": "3301020", "period": "2026"},
                                    {"division": "330102000000", "period": "2026", "format": "pdf"}])
async def test_a_bad_request_is_a_422_in_both_languages(ledger, params: dict[str, str]) -> None:
    _, client, _, _ = ledger
    answer = await client.get("/ledger", params=params, headers=DISTRICT_OFFICE)
    assert answer.status_code == 422 and answer.json()["message_zh"] and answer.json()["message_en"]


async def test_open_data_is_the_public_records_without_a_login(ledger) -> None:
    runtime, client, db, _ = ledger
    answer = await client.get("/open-data/330102001051", params={"period": "2026"})
    assert answer.status_code == 200, answer.text
    records = answer.json()["records"]
    titled = await db.fetchval("SELECT count(*) FROM board WHERE community_id = '330102001051' AND title IS NOT NULL "
                               "AND submitted_at < '2026-12-31T16:00Z'")
    assert 0 < len(records) <= titled and all(set(r) == set(FIELDS) for r in records)
    assert not {"phone", "name", "contact", "submitted_by", "staff_id"} & set(FIELDS)
    # Names next to the codes: the community with its street and district, and each code's Chinese.
    assert answer.json()["community"] == {"code": "330102001051", "name": "清波门社区", "street": "清波街道",
                                          "district": "上城区", "path": "清波门社区 · 清波街道 · 上城区"}
    accepted = next(r for r in records if r["category"])
    assert accepted["category_zh"] == label_zh(Category(accepted["category"])) and accepted["screening_outcome_zh"] == "立项"
    assert all(r["source_zh"] == label_zh(TopicSource(r["source"])) for r in records if r["source"])
    as_csv = await client.get("/open-data/330102001051", params={"period": "2026", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [r["topic_id"] for r in rows] == [r["topic_id"] for r in records]
    assert {(r["community_id"], r["community_name"], r["street"], r["district"]) for r in rows} == {
        ("330102001051", "清波门社区", "清波街道", "上城区")}
    assert (await client.get("/open-data/330102001051", params={"period": "x"})).status_code == 422


async def test_yishi_rebuild_publication_rebuilds_the_ledger_equal_to_live(ledger) -> None:
    runtime, client, db, _ = ledger
    await test_the_district_ledger_equals_a_recount_of_the_topics(ledger)
    before = (await _ledger(client, division="330102000000", period="2026", breakdown="all")).json()
    rows_before = await db.fetch("SELECT * FROM ledger_topics ORDER BY topic_id")
    settings = runtime.settings
    env = {**os.environ, "YISHI_PUBLICATION_DATABASE_URL": settings.database_url,
           "YISHI_KAFKA_BOOTSTRAP_SERVERS": settings.kafka.bootstrap_servers,
           "YISHI_KAFKA_TOPIC_PREFIX": settings.kafka.topic_prefix}
    done = subprocess.run([str(Path(sys.executable).parent / "yishi"), "rebuild", "publication"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    applied = int(done.stdout.split(" applied")[0].rsplit(",", 1)[1])
    assert applied >= len(rows_before), done.stdout  # every topic's events replayed into the copy
    assert await db.fetch("SELECT * FROM ledger_topics ORDER BY topic_id") == rows_before
    assert (await _ledger(client, division="330102000000", period="2026", breakdown="all")).json() == before
