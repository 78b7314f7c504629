"""The console from the council to a meeting's resolution, clicked through by its users.

The party committee sees its council (1+7+X) and confirms a nominee; staff file a topic on a
resident's behalf; the chair accepts it; a member researches it; the chair convenes a meeting
(an unresearched topic is refused on the agenda), signs people in with the quorum shown, and the
meeting adopts a resolution whose printable PDFs download. Every screen is shot at 1280 and 390 px.
"""

import re
import uuid
from datetime import date, timedelta

import pytest

from tests.browser.conftest import DESKTOP as WIDE, PHONE as NARROW, QBM
from tests.browser.steps import answered, pick, reload_until, sign_in
from tests.browser.steps import until as _until

pytestmark = pytest.mark.e2e

# The community's workers are in China: the meeting's time is picked and shown in China time.
DESKTOP = {**WIDE, "timezone_id": "Asia/Shanghai"}
PHONE = {**NARROW, "timezone_id": "Asia/Shanghai"}


@pytest.fixture(scope="module")
def council(stack):
    return stack.form_council(QBM, "qbm")


@pytest.fixture(scope="module")
def seen() -> dict:
    """What one test made, for the next: titles, receipt code, topic and meeting ids."""
    return {}


def test_the_party_committee_sees_the_council_and_confirms_a_nominee(stack, pages, council, shoot) -> None:
    page = pages(DESKTOP)
    sign_in(page, stack, "qbm-party")
    page.get_by_role("menuitem", name="议事会组成").click()
    assert "议事会组成完整" in page.get_by_test_id("readiness").inner_text()
    assert page.get_by_test_id("members").locator("tr", has_text="成员1").count() == 1
    form = page.get_by_test_id("nominate-form")
    form.get_by_role("button", name="推荐").click()  # nothing filled in: the API names each field
    form.get_by_test_id("nominate-refusal").wait_for()
    assert "此项必填" in form.inner_text() or "至少需要" in form.inner_text()
    shoot(page, "console-council-refused")
    form.locator("input").nth(0).fill("qbm-m9")
    form.locator("input").nth(1).fill("成员9")
    pick(page, form.locator(".el-select"), "群众代表")
    end = form.locator(".el-date-editor input").nth(1)
    end.fill(str(date.today() + timedelta(days=900)))
    end.press("Enter")
    answered(page, "/members", lambda: form.get_by_role("button", name="推荐").click())
    row = page.get_by_test_id("members").locator("tr", has_text="成员9")
    assert "待党委确认" in row.inner_text()
    answered(page, "/confirmation", lambda: row.get_by_role("button", name="确认").click())
    page.get_by_test_id("members").locator("tr", has_text="成员9").get_by_text("已确认·在任").wait_for()
    shoot(page, "console-council")


def test_staff_file_a_topic_on_a_residents_behalf_once_on_a_double_click(stack, pages, council, seen, shoot) -> None:
    page = pages(DESKTOP)
    sign_in(page, stack, "qbm-staff")
    page.get_by_role("menuitem", name="1. 收集议题").click()
    form = page.get_by_test_id("filing-form")
    form.get_by_placeholder("一句话说明（4至80字）").fill("路灯")
    form.get_by_placeholder("反映的情况、涉及的居民、希望怎样解决").fill("清波门3幢北侧的路灯坏了一个多月，老人晚上出行不便。")
    pick(page, form.locator(".el-select"), "网格")
    page.get_by_test_id("file-submit").click()
    page.get_by_test_id("filing-refusal").wait_for()
    assert "至少需要 4 个字" in form.inner_text()  # next to the title it is about
    shoot(page, "console-filing-refused")
    title = f"清波门3幢北侧路灯维修{uuid.uuid4().hex[:4]}"
    form.get_by_placeholder("一句话说明（4至80字）").fill(title)
    shoot(page, "console-filing")
    page.get_by_test_id("file-submit").dblclick()
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    shoot(page, "console-filing-done")
    seen.update(title=title, code=code)
    status = stack.api("GET", "intake", f"/receipts/{code}").json()
    assert status["title"] == title

    def queued() -> list:
        queue = stack.api("GET", "council", f"/communities/{QBM}/awaiting-screening", "qbm-staff").json()["topics"]
        return [t for t in queue if t["title"] == title]

    _until(lambda: len(queued()) > 0, what="the filed topic in the council's queue")
    assert len(queued()) == 1 and queued()[0]["channel"] == "grid"  # the double click filed it once


def test_the_chair_accepts_it_and_a_member_researches_it(stack, pages, council, seen, shoot) -> None:
    assert seen, "the staff's test files the topic first"
    # A second topic, to be accepted in a batch and never researched, for the agenda's refusal later.
    other = f"劳动路口早高峰拥堵{uuid.uuid4().hex[:4]}"
    filed = stack.api("POST", "intake", "/staff/topics", "qbm-staff", json={
        "community_id": QBM, "title": other, "description": "早高峰劳动路口车辆拥堵，学生过马路危险。",
        "source": "council_member", "channel": "service_station"})
    assert filed.status_code == 201, filed.text
    chair = pages(DESKTOP)
    sign_in(chair, stack, "qbm-chair")
    chair.get_by_role("menuitem", name="2. 确定议题").click()
    queue = chair.get_by_test_id("queue")
    row = queue.locator("tr", has_text=seen["title"])
    second = queue.locator("tr", has_text=other)
    reload_until(chair, "刷新", second, "both topics in the chair's queue")
    row.get_by_role("button", name="确定").click()
    dialog = chair.get_by_role("dialog")
    pick(chair, dialog.get_by_test_id("category"), "公共设施维护")
    answered(chair, "/screening", lambda: dialog.get_by_test_id("screen-submit").click())
    row.wait_for(state="detached")
    second.locator(".el-checkbox").click()
    pick(chair, chair.get_by_test_id("batch-choice"), "立项：道路交通管理")
    shoot(chair, "console-screening-batch")
    answered(chair, "/screenings", lambda: chair.get_by_test_id("batch-submit").dblclick())
    second.wait_for(state="detached")
    chair.get_by_text("批量确定 1 个议题").wait_for()
    seen["unresearched"] = other

    page = pages(DESKTOP)
    sign_in(page, stack, "qbm-member")
    page.get_by_role("menuitem", name="3. 议前调研").click()
    row = page.get_by_test_id("research-topics").locator("tr", has_text=seen["title"])
    reload_until(page, "刷新", row, "the accepted topic in the research list")
    shoot(page, "console-research")
    row.get_by_role("button", name="调研").click()
    page.get_by_test_id("complete").click()  # nothing researched yet: refused, and said why
    page.get_by_test_id("complete-refusal").wait_for()
    seen["research_url"] = page.url
    researchers = page.get_by_test_id("researchers")
    researchers.get_by_text("成员1（政协委员）").click()
    researchers.get_by_text("成员2（社区“两委”成员）").click()
    answered(page, "/research/researchers", lambda: page.get_by_test_id("assign").click())
    page.get_by_test_id("visit-place").fill("清波门3幢北侧")
    page.get_by_test_id("visit-notes").fill("夜间实地查看，两盏路灯不亮，居民反映属实。")
    answered(page, "/research/visits", lambda: page.get_by_test_id("visit-submit").click())
    page.get_by_test_id("visits").get_by_text("清波门3幢北侧").wait_for()
    page.get_by_test_id("findings").fill("路灯线路老化，需更换灯具和线路，费用可由公共维修资金列支。")
    page.get_by_test_id("findings-form").get_by_text("可行", exact=True).click()
    answered(page, "/research/findings", lambda: page.get_by_test_id("findings-submit").click())
    page.get_by_test_id("plan").fill("议定维修方案、资金来源和完成时限。")
    page.get_by_test_id("add-invitee").click()
    page.get_by_test_id("invitee").fill("清波门3幢居民代表")
    answered(page, "/research/plan", lambda: page.get_by_test_id("plan-submit").click())
    answered(page, "/research/completion", lambda: page.get_by_test_id("complete").click())
    page.get_by_test_id("research-state").get_by_text("调研已完成").wait_for()
    shoot(page, "console-research-topic")


def test_the_chair_convenes_runs_and_the_meeting_adopts_a_resolution(stack, pages, council, seen, shoot) -> None:
    assert "unresearched" in seen, "the research test comes first"
    page = pages(DESKTOP)
    sign_in(page, stack, "qbm-chair")
    page.get_by_role("menuitem", name="4. 组织协商").click()
    agenda = page.get_by_test_id("agenda")
    ready = agenda.get_by_text(seen["title"], exact=True)

    def offered() -> bool:
        if not ready.count():
            page.reload()
            page.get_by_test_id("convene-form").wait_for()
        return ready.count() > 0

    _until(offered, what="the researched topic offered for the agenda")
    when = page.get_by_placeholder("会议时间")
    when.fill(f"{date.today() + timedelta(days=7)} 19:00:00")
    when.press("Enter")
    agenda.get_by_text(f"{seen['unresearched']}（调研未完成）").click()
    page.get_by_test_id("convene").click()
    refusal = page.get_by_test_id("agenda-item").locator(".el-form-item__error")
    refusal.wait_for()
    assert "不调研不协商" in refusal.inner_text()
    shoot(page, "console-meetings-refused")
    agenda.get_by_text(f"{seen['unresearched']}（调研未完成）").click()
    ready.click()
    page.get_by_test_id("convene").click()
    page.wait_for_url(re.compile(r"/meetings/[0-9a-f-]{36}$"))
    seen["meeting_url"] = page.url
    quorum = page.get_by_test_id("quorum")
    quorum.get_by_text("未达法定人数").wait_for()
    assert "0 / 9" in quorum.inner_text()
    page.get_by_test_id("open-meeting").click()  # nobody signed in yet: no quorum, said why
    assert "未达到法定人数" in page.get_by_test_id("meeting-refusal").inner_text()
    attendance = page.get_by_test_id("attendance")
    for who in ("李主席", *(f"成员{n}" for n in range(1, 7))):
        answered(page, "/attendance", lambda: attendance.locator("tr", has_text=who).get_by_role("button", name="签到").click())
    quorum.get_by_text("已达法定人数").wait_for()
    assert "6 / 9" in quorum.inner_text()
    answered(page, "/opening", lambda: page.get_by_test_id("open-meeting").click())
    page.get_by_test_id("meeting-status").get_by_text("会议进行中").wait_for()

    pick(page, page.get_by_test_id("speaker"), "成员1（固定成员）")
    page.get_by_test_id("minutes-text").fill("建议本月内更换灯具，费用由公共维修资金列支。")
    answered(page, "/minutes", lambda: page.get_by_test_id("minutes-submit").click())
    page.get_by_test_id("minutes").get_by_text("建议本月内更换灯具").wait_for()

    topic = page.get_by_test_id(f"agenda-{seen['title']}")
    topic.get_by_test_id("motion-text").fill("同意更换3幢北侧路灯灯具及线路，由物业负责实施。")
    topic.get_by_test_id("measure-description").fill("更换灯具及线路")
    topic.get_by_test_id("measure-party").fill("物业服务中心")
    deadline = topic.get_by_placeholder("完成时限")
    deadline.fill(str(date.today() + timedelta(days=30)))
    deadline.press("Enter")
    pick(page, topic.locator(".dissent-form .el-select"), "成员6")
    topic.get_by_placeholder("意见内容").fill("建议同时加装一处监控。")
    answered(page, "/dissent", lambda: topic.get_by_role("button", name="记录").click())
    topic.get_by_test_id("dissent").get_by_text("建议同时加装一处监控").wait_for()
    answered(page, "/consensus", lambda: topic.get_by_test_id("consensus").dblclick())
    topic.get_by_test_id("agenda-status").get_by_text("形成决议").wait_for()
    shoot(page, "console-meeting")

    for button, kind in (("resolution-pdf", "协商议事决议"), ("minutes-pdf", "会议纪要")):
        with page.expect_download() as download:
            page.get_by_test_id(button).click()
        assert download.value.suggested_filename.startswith(kind)
        assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    answered(page, "/closing", lambda: page.get_by_test_id("close-meeting").click())
    page.get_by_test_id("meeting-status").get_by_text("已闭会").wait_for()
    shoot(page, "console-meeting-closed")
    page.get_by_role("link", name="← 会议清单").click()
    page.get_by_test_id("meetings").get_by_text(f"{seen['title']} · 形成决议").wait_for()
    shoot(page, "console-meetings")


def test_every_new_screen_at_390_px(stack, pages, council, seen, shoot) -> None:
    assert "meeting_url" in seen, "the meeting's test comes first"
    phone = pages(PHONE)
    sign_in(phone, stack, "qbm-chair")
    shoot(phone, "console-home")
    screens = (("screening", "console-screening-batch"), ("council", "console-council"), ("filing", "console-filing"), ("research", "console-research"),
               ("meetings", "console-meetings"))
    for path, name in screens:
        phone.goto(f"{stack.url}/console/communities/{QBM}/{path}")
        phone.wait_for_load_state("networkidle")
        shoot(phone, name)
    for url, name in ((seen["research_url"], "console-research-topic"), (seen["meeting_url"], "console-meeting-closed")):
        phone.goto(url)
        phone.wait_for_load_state("networkidle")
        shoot(phone, name)
    # Nothing sticks out sideways: tables scroll inside their cards.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
