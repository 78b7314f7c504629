"""The README's registry example over HTTP on the four services as OS processes: the city,
district and street register 清波门社区 and its neighbours, the community sets a 5-day
disclosure, and intake then takes topics for them — and refuses a code nobody registered."""

import asyncio
from pathlib import Path

import httpx

from deploy.localstack.demo import register_demo_communities
from tests.support.eventually import eventually
from tests.support.processes import TEST_JWT_KEY, token

HANGZHOU = Path(__file__).resolve().parents[1] / "data" / "hangzhou.csv"
QINGBOMEN = "330102001051"


def _qingbo_csv() -> bytes:
    lines = HANGZHOU.read_text(encoding="utf-8").splitlines()
    return "\n".join([lines[0], *(line for line in lines[1:] if line.split(",")[2] == "330102001000")]).encode()


async def test_the_readmes_registry_example_works_as_written(system) -> None:
    council, intake = system["council"].url, system["intake"].url
    city = token("hangzhou", "city_office", scope="3301")
    district = token("shangcheng", "district_office", scope="330102")
    street = token("qingbo", "street_office", scope="330102001")
    party = token("party-qingbomen", "party_committee", scope=QINGBOMEN)
    async with httpx.AsyncClient(timeout=30) as client:
        shangcheng = await client.post(f"{council}/divisions", headers=city, json={"code": "330102000000", "name": "上城区"})
        assert shangcheng.status_code in (201, 409), shangcheng.text  # 409: the e2e fixture registered it already
        qingbo = await client.post(f"{council}/divisions", headers=district, json={"code": "330102001000", "name": "清波街道"})
        assert qingbo.status_code in (201, 409), qingbo.text
        imported = await client.post(f"{council}/divisions/import", headers={**street, "content-type": "text/csv"},
                                     content=_qingbo_csv())
        assert imported.status_code == 200 and imported.json()["summary"]["refused"] == 0, imported.text
        shown = (await client.get(f"{council}/divisions/{QINGBOMEN}")).json()
        assert shown["path"] == "清波门社区 · 清波街道 · 上城区"

        changed = await client.put(f"{council}/divisions/{QINGBOMEN}/settings", headers=party, json={"disclosure_days": 5})
        assert changed.status_code == 200, changed.text
        effective = (await client.get(f"{council}/divisions/{QINGBOMEN}/settings")).json()["effective"]
        assert (effective["disclosure_days"]["value"], effective["disclosure_days"]["source"]) == (5, "community")
        assert (effective["quorum"]["value"], effective["quorum"]["source"]) == ("2/3", "city")

        topic = {"community_id": QINGBOMEN, "title": "中山街学生上下学道路拥堵",
                 "description": "每天早晚中山街小学门口车辆拥堵，孩子过马路很危险。"}
        taken = await eventually(lambda: client.post(f"{intake}/topics", json=topic), lambda r: r.status_code == 201,
                                 what="intake taking topics for 清波门社区 once it heard of it")
        assert taken.json()["receipt_code"]
        stranger = await client.post(f"{intake}/topics", json={**topic, "community_id": "330102001099"})
        assert stranger.status_code == 422 and stranger.json()["error"] == "unknown_community"
        assert stranger.json()["message_zh"] and stranger.json()["message_en"]


async def test_the_dev_stacks_demo_communities_are_registered_once(system) -> None:
    council, intake = system["council"].url, system["intake"].url
    first = await asyncio.to_thread(register_demo_communities, council, TEST_JWT_KEY)
    again = await asyncio.to_thread(register_demo_communities, council, TEST_JWT_KEY)
    assert first["refused"] == 0 and (again["added"], again["refused"]) == (0, 0)
    assert again["unchanged"] == first["lines"]
    async with httpx.AsyncClient(timeout=30) as client:
        for code, name in ((QINGBOMEN, "清波门社区"), ("330102001052", "劳动路社区")):
            assert (await client.get(f"{council}/divisions/{code}")).json()["name"] == name
            topic = {"community_id": code, "title": "劳动路路灯不亮", "description": "劳动路的路灯坏了一个多月，晚上很黑。"}
            await eventually(lambda t=topic: client.post(f"{intake}/topics", json=t), lambda r: r.status_code == 201,
                             what=f"intake taking topics for {name}")
