"""The community's settings and names in publication, on real Kafka and PostgreSQL: a community
that sets a 5-day disclosure (公示期) gets it for a resolution published afterwards while its
neighbour keeps the city's 7 days; the board shows the names, a rejection's explanation and
referral, and the disclosure's end."""

from datetime import date, timedelta
from uuid import uuid4

from yishi_contracts import COUNCIL, INTAKE, CommunitySettingsChanged, Rejected

from tests.support.eventually import eventually
from tests.support.registry import LAODONGLU, QINGBOMEN, seed_registry
from tests.unit.factories import screened, submitted

from .conftest import Publication
from .test_publication import resolved, until_status


async def _settings_known(p: Publication, code: str) -> None:
    await eventually(lambda: p.db.fetchval("SELECT count(*) FROM registry_settings WHERE code = $1", code),
                     lambda n: n >= 1, what=f"{code}'s settings in publication's replica")


async def test_a_five_day_disclosure_applies_to_what_is_published_after_it_and_not_next_door(publication) -> None:
    p = publication
    await seed_registry(p.runtime.settings.kafka, [QINGBOMEN, LAODONGLU], databases=[p.runtime.settings.database_url])
    await p.feed(COUNCIL.topic, CommunitySettingsChanged(
        community_id=QINGBOMEN, code=QINGBOMEN, level="community", disclosure_days=5, effective_from=p.clock.now(),
        changed_by="qbm-party"))
    await _settings_known(p, QINGBOMEN)

    five, seven = await resolved(p, QINGBOMEN, date(2030, 1, 31)), await resolved(p, LAODONGLU, date(2030, 1, 31))
    for topic_id, days in ((five, 5), (seven, 7)):
        [started] = await eventually(lambda t=topic_id: p.published("yishi.DisclosureStarted", t), lambda e: len(e) == 1,
                                     what="DisclosureStarted on Kafka")
        assert started.ends_at - started.published_at == timedelta(days=days)
        shown = (await p.client.get(f"/topics/{topic_id}")).json()
        assert shown["disclosure"]["ends_at"] == shown["disclosure_ends_at"]
    names = (await p.client.get(f"/topics/{five}")).json()["community"]
    assert names["path"] == "清波门社区 · 清波街道 · 上城区"


async def test_the_board_shows_names_the_rejections_explanation_and_referral(publication) -> None:
    p = publication
    await seed_registry(p.runtime.settings.kafka, [LAODONGLU], databases=[p.runtime.settings.database_url])
    rejected = uuid4()
    await p.feed(INTAKE.topic, submitted(rejected, LAODONGLU, title="邻里漏水纠纷"))
    await p.feed(COUNCIL.topic, screened(rejected, LAODONGLU, Rejected(
        reason="individual_dispute", explanation="属于两户之间的个体纠纷", referral="mediation",
        referral_note="请联系社区人民调解委员会")))
    entry = await until_status(p, LAODONGLU, rejected, "rejected")
    assert entry["community"]["name"] == "劳动路社区" and entry["community"]["street"] == "清波街道"
    assert (entry["exclusion_explanation"], entry["referral_zh"]) == ("属于两户之间的个体纠纷", "人民调解")
    html = (await p.client.get(f"/communities/{LAODONGLU}/board.html")).text
    for shown in ("劳动路社区协商议事公开栏", "劳动路社区 · 清波街道 · 上城区", "属于两户之间的个体纠纷", "转介：人民调解",
                  "请联系社区人民调解委员会", 'data-label="当前进度"', "@media (max-width: 640px)"):
        assert shown in html, shown
