"""The minutes and a resolution as PDFs, from a meeting run over HTTP on real PostgreSQL and
Kafka: who may fetch them, and what a council prints — names and roles, attendance and
quorum, the tally, dissent, measures — with the Chinese fonts embedded."""

import re
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from tests.support.registry import QINGBOMEN, seed_registry

from .harness import CHAIR, MEASURES, MEMBERS, RESOLUTION, Harness, now, researched, roster, screened, submitted

COMMUNITY = QINGBOMEN
DISSENT = "用房面积不足，建议另选地点"
REASON = "需进一步征求沿街商户意见"


def pdf_text(content: bytes) -> str:
    """The PDF's text as pdftotext reads it, without any whitespace (lines wrap anywhere)."""
    return re.sub(r"\s+", "", _poppler("pdftotext", content, "-"))


def pdf_fonts(content: bytes) -> list[list[str]]:
    """pdffonts' table: one row of columns per font."""
    return [line.split() for line in _poppler("pdffonts", content).splitlines()[2:]]


def _poppler(tool: str, content: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "document.pdf"
        path.write_bytes(content)
        return subprocess.run([tool, str(path), *args], check=True, capture_output=True, text=True).stdout


def squeezed(*texts: str) -> list[str]:
    return [re.sub(r"\s+", "", t) for t in texts]


async def post(http: httpx.AsyncClient, path: str, headers: dict[str, str], body: Any = None) -> dict[str, Any]:
    response = await http.post(path, headers=headers, json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture(scope="module")
async def held(meeting: Harness) -> tuple[str, str, str]:
    """The meeting both tests read: its id, the adopted topic's and the deferred topic's."""
    async with meeting.client() as http:
        return await run_meeting(meeting, http)


async def run_meeting(meeting: Harness, http: httpx.AsyncClient) -> tuple[str, str, str]:
    """Two topics: the first adopted by a vote with dissent, the second deferred. The chair
    presides without being signed in; m8 arrives after the opening."""
    voted, deferred = uuid4(), uuid4()
    settings = meeting.runtime.settings
    await seed_registry(settings.kafka, [COMMUNITY], databases=[settings.database_url])  # the name the PDFs show
    await meeting.send(roster(COMMUNITY))
    for topic, title in ((voted, "环卫工人无处歇脚"), (deferred, "中山街上学高峰拥堵")):
        await meeting.send(submitted(topic, COMMUNITY, title))
        await meeting.send(screened(topic, COMMUNITY))
        await meeting.send(researched(topic, COMMUNITY))
        await meeting.wait_ready(COMMUNITY, topic, filled=("title",))
    await meeting.wait_roster(COMMUNITY)
    chair = meeting.token(CHAIR, "council_chair", scope=COMMUNITY)
    staff = meeting.token("staff-1", "staff", scope=COMMUNITY)
    when = (now() + timedelta(hours=1)).isoformat()
    scheduled = await post(http, "/meetings", chair,
                           {"community_id": COMMUNITY, "scheduled_for": when, "agenda": [str(voted), str(deferred)]})
    mid = scheduled["meeting_id"]
    before = await http.get(f"/meetings/{mid}/minutes.pdf", headers=staff)
    assert before.status_code == 409 and before.json()["error"] == "minutes_not_ready"

    workers = f"x:{voted}:1"  # 环卫工人代表, named by the research
    for person in [*MEMBERS[:7], workers]:
        await post(http, f"/meetings/{mid}/attendance", staff, {"person_id": person, "movement": "arrived"})
    await post(http, f"/meetings/{mid}/opening", chair)
    await post(http, f"/meetings/{mid}/attendance", staff, {"person_id": MEMBERS[7], "movement": "arrived"})
    for speaker, kind, text in (("m1", "statement", "建议改造闲置用房"), (workers, "question", "驿站何时开放？"),
                                (CHAIR, "answer", "计划年底前开放"), ("m7", "debate", "用房面积不够，应另选地点")):
        await post(http, f"/meetings/{mid}/minutes", staff,
                   {"topic_id": str(voted), "speaker_id": speaker, "kind": kind, "text": text})
    await post(http, f"/meetings/{mid}/topics/{voted}/dissent", staff, {"member_id": "m7", "opinion": DISSENT})
    await post(http, f"/meetings/{mid}/topics/{voted}/vote", chair, {"text": RESOLUTION, "measures": MEASURES})
    for member, choice in [*((m, "in_favour") for m in MEMBERS[:6]), ("m7", "against"), ("m8", "abstain")]:
        await post(http, f"/meetings/{mid}/topics/{voted}/votes", staff, {"member_id": member, "choice": choice})
    assert (await post(http, f"/meetings/{mid}/topics/{voted}/vote/closing", chair))["adopted"] is True
    await post(http, f"/meetings/{mid}/topics/{deferred}/deferral", chair, {"reason": REASON})
    closed = await post(http, f"/meetings/{mid}/closing", chair)
    assert closed["attendance"]["chair_present"] and closed["attendance"]["chair_presiding"]
    return mid, str(voted), str(deferred)


async def test_the_minutes_and_the_resolution_as_pdfs_a_council_can_post(meeting: Harness, held: tuple) -> None:
    mid, voted, _ = held
    async with meeting.client() as http:
        member = meeting.token("m3", "council_member", scope=COMMUNITY)
        minutes = await http.get(f"/meetings/{mid}/minutes.pdf", headers=member)
        resolution = await http.get(f"/meetings/{mid}/topics/{voted}/resolution.pdf")  # public: no token

    assert minutes.status_code == 200, minutes.text
    assert minutes.headers["content-type"] == "application/pdf" and minutes.content.startswith(b"%PDF-")
    assert "minutes-" in minutes.headers["content-disposition"]
    deadline = MEASURES[0]["deadline"]
    deadline_zh = f"{int(deadline[:4])}年{int(deadline[5:7])}月{int(deadline[8:])}日"
    text = pdf_text(minutes.content)
    for expected in squeezed(
        "会议纪要", "清波门社区协商议事会", "王主席（主席）", "主持", "环卫工人无处歇脚", "中山街上学高峰拥堵",
        "成员m1（固定成员·政协委员）", "环卫工人代表（列席·利益相关方）", "成员m8", "迟到", "成员m9",
        "在场固定成员 7 人 / 应到 9 人，法定人数 6 人（达到法定人数）",
        "表决：赞成 6 票，反对 1 票，弃权 1 票（参加表决 8 人）", "通过", "暂缓", REASON,
        f"成员m7（固定成员·社区两委）：{DISSENT}", RESOLUTION, "改造社区闲置用房为爱心驿站", "社区居委会", deadline_zh,
        "建议改造闲置用房", "驿站何时开放？", "计划年底前开放", "主持人（主席）", "记录人",
    ):
        assert expected in text, expected
    assert "chair-1" not in text and "x:" not in text

    assert resolution.status_code == 200, resolution.text
    assert resolution.headers["content-type"] == "application/pdf"
    text = pdf_text(resolution.content)
    for expected in squeezed(
        "协商议事决议", "环卫工人无处歇脚", "王主席（主席）主持", "在场固定成员 8 人 / 应到 9 人，法定人数 6 人",
        "表决：赞成 6 票，反对 1 票，弃权 1 票", RESOLUTION, "改造社区闲置用房为爱心驿站", "社区居委会", deadline_zh,
        "保留意见", DISSENT, "（盖章）",
    ):
        assert expected in text, expected
    assert "中山街上学高峰拥堵" not in text

    for content in (minutes.content, resolution.content):
        fonts = pdf_fonts(content)
        assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # every font embedded
        assert any("Noto" in row[0] and "CJK" in row[0] for row in fonts), fonts


async def test_who_may_fetch_the_documents(meeting: Harness, held: tuple) -> None:
    mid, voted, deferred = held
    async with meeting.client() as http:
        minutes = f"/meetings/{mid}/minutes.pdf"
        anonymous = await http.get(minutes)
        elsewhere = await http.get(minutes, headers=meeting.token("staff-9", "staff", scope="330102001999"))
        party = await http.get(minutes, headers=meeting.token("p-1", "party_government", scope=COMMUNITY))
        street = await http.get(minutes, headers=meeting.token("staff-s", "staff", scope=COMMUNITY[:9]))
        not_adopted = await http.get(f"/meetings/{mid}/topics/{deferred}/resolution.pdf")
        not_on_agenda = await http.get(f"/meetings/{mid}/topics/{uuid4()}/resolution.pdf")
        no_meeting = await http.get(f"/meetings/{uuid4()}/topics/{voted}/resolution.pdf")
        malformed = await http.get(f"/meetings/{mid}/topics/not-a-topic/resolution.pdf")
    assert anonymous.status_code == 401
    assert elsewhere.status_code == 403 and elsewhere.json()["error"] == "outside_your_community"
    assert party.status_code == 403
    assert street.status_code == 200 and street.headers["content-type"] == "application/pdf"
    assert not_adopted.status_code == 404 and not_adopted.json()["error"] == "no_resolution"
    assert not_adopted.json()["message_zh"] and not_adopted.json()["message_en"]
    assert not_on_agenda.status_code == 404 and not_on_agenda.json()["error"] == "topic_not_on_agenda"
    assert no_meeting.status_code == 404 and no_meeting.json()["error"] == "meeting_not_found"
    assert malformed.status_code in (400, 422)

