"""The console after the meeting and the offices' screens, in a real browser through the gateway,
signed in at the real Keycloak: 清波门社区's staff assess an objection during disclosure and carry
out an overdue task; 清波街道's office imports its communities, sees them side by side and sets
its rules. Every screen is scanned by axe-core and photographed at 1280 and 390 px.

The steps before (council, research, meeting) are driven over HTTP with shared-key tokens for
the council's members, who have no Keycloak accounts; the services' clock is moved to end the
disclosure period and pass the task's deadline.
"""

import asyncio
import re
import threading
import uuid
from types import SimpleNamespace

import httpx
import pytest

from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE, QBM, ROOT, SERVICES
from tests.browser.steps import sign_in
from tests.e2e.walkthrough import Community
from tests.support.eventually import eventually

pytestmark = pytest.mark.e2e
SHARED_KEY = True  # the stack accepts the members' shared-key tokens beside Keycloak's
STREET, DISTRICT = "330102001000", "330102000000"
TITLE = f"清波门南侧人行道修缮{uuid.uuid4().hex[:4]}"


class ViaGateway(Community):
    """The walkthrough's community, calling through the gateway with tokens the stack accepts."""

    def __init__(self, stack, client: httpx.AsyncClient, code: str) -> None:
        super().__init__({s: SimpleNamespace(url=f"{stack.url}/api/{s}") for s in SERVICES}, client, code)
        self.stack = stack
        self.party = stack.minted(f"party-{code}", "party_committee", scope=code)
        self.chair = stack.minted(self.chair_id, "council_chair", scope=code)
        self.staff = stack.minted(f"staff-{code}", "staff", scope=code)

    def member(self, member_id: str) -> dict[str, str]:
        return self.stack.minted(member_id, "council_member", scope=self.code)


def _run(coroutine):
    """Run the HTTP driving outside Playwright's sync API (which owns this thread's event loop)."""
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.update(value=asyncio.run(coroutine)))
    thread.start()
    thread.join()
    assert "value" in outcome, "the HTTP steps failed (see the thread's traceback above)"
    return outcome["value"]


async def _to_disclosure(stack) -> dict:
    async with httpx.AsyncClient(timeout=20) as client:
        c = ViaGateway(stack, client, QBM)
        # The registry as far as 清波门社区 (intake takes topics of registered communities only);
        # the street office imports the rest of its list in the browser.
        district_office = stack.minted("shangcheng", "district_office", scope="330102")
        for token, code, name in ((stack.minted("hangzhou", "city_office", scope="3301"), DISTRICT, "上城区"),
                                  (district_office, STREET, "清波街道"), (district_office, QBM, "清波门社区")):
            await c.call("POST", "council", "/divisions", as_=token, ok=True, json={"code": code, "name": name})
        await c.form_council()
        receipt = await c.submit(TITLE, "清波门南侧人行道砖块松动，老人和孩子经过时容易绊倒。")
        topic_id = receipt["topic_id"]
        await c.awaiting(topic_id)
        screened = await c.screen(topic_id, {"outcome": "accepted", "category": "public_facilities"})
        assert screened.status_code == 201, screened.text
        await c.research(topic_id)
        await c.ready_for_agenda([topic_id])
        meeting_id = (await c.schedule([topic_id])).json()["meeting_id"]
        await c.attend(meeting_id, 7)
        await c.call("POST", "meeting", f"/meetings/{meeting_id}/opening", as_=c.chair, ok=True)
        voted = await c.vote(meeting_id, topic_id, "同意修缮人行道，由社区居委会牵头落实。", ["in_favour"] * 6 + ["against"])
        assert voted.json().get("adopted") is True, voted.text
        await c.call("POST", "meeting", f"/meetings/{meeting_id}/closing", as_=c.chair, ok=True)
        await c.until_status(topic_id, "in_disclosure")
        objection = {"text": "修缮期间请保留一条通道，方便轮椅通行。"}
        await c.call("POST", "publication", f"/topics/{topic_id}/objections", ok=True, json=objection)
        return {"topic_id": topic_id, "community": c}


async def _to_overdue(stack, topic_id: str) -> None:
    async with httpx.AsyncClient(timeout=20) as client:
        c = ViaGateway(stack, client, QBM)
        stack.move_clock(days=8)  # the disclosure ends: the tasks start (deadline in 30 days)
        await c.until_status(topic_id, "implementing")
        stack.move_clock(days=35)  # and the deadline passes

        async def overdue() -> int:
            r = await c.call("GET", "publication", f"/communities/{QBM}/tasks?overdue=true", as_=c.staff)
            return r.json().get("total", 0)

        await eventually(overdue, lambda n: n >= 1, what="the task listed as overdue")


@pytest.fixture(scope="module")
def disclosed(stack) -> dict:
    return _run(_to_disclosure(stack))


@pytest.fixture(scope="module")
def overdue(stack, disclosed) -> dict:
    _run(_to_overdue(stack, disclosed["topic_id"]))
    return disclosed


def _look(page, shoot, name: str) -> None:
    page.wait_for_load_state("networkidle")
    assert_accessible(page, name)
    shoot(page, name)


def _on_phone(pages, stack, shoot, user: str, screens: list[tuple[str, str, str]]):
    """The same screens at 390 px: signed in, each scanned and photographed."""
    phone = pages(PHONE)
    sign_in(phone, stack, user)
    for path, name, text in screens:
        phone.goto(f"{stack.url}/console{path}")
        phone.get_by_text(text).first.wait_for()
        _look(phone, shoot, name)
    return phone


def test_staff_assess_an_objection_during_disclosure(stack, pages, disclosed, shoot) -> None:
    page = pages(DESKTOP)
    sign_in(page, stack, "qbm-staff")
    _look(page, shoot, "console-home-staff")
    page.get_by_role("menuitem", name="5. 公示公开").click()
    row = page.get_by_test_id("disclosures").locator("tr", has_text=TITLE)
    row.wait_for()
    assert "公示中" in row.inner_text() and re.search(r"\d{4}/\d{1,2}/\d{1,2}", row.inner_text())
    row.get_by_role("button", name="查看异议").click()
    objections = page.get_by_test_id("objections")
    objections.get_by_text("轮椅通行").wait_for()
    _look(page, shoot, "console-disclosure")
    objections.get_by_role("button", name="认定").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("assess-submit").click()  # no reason: the API's 422, in Chinese, in the dialog
    refusal = dialog.get_by_test_id("assess-refusal")
    refusal.wait_for()
    assert "提交的内容有误：理由：" in refusal.inner_text()  # the field's Chinese label, not "reason"
    next_to_reason = dialog.locator(".el-form-item", has=page.locator("#assessment-reason")).locator(".el-form-item__error")
    assert next_to_reason.inner_text().strip()  # the field's own message_zh, under the input
    _look(page, shoot, "console-disclosure-refused")
    dialog.locator("#assessment-reason").fill("施工方案已保留无障碍通道，异议不影响协商结果。")
    dialog.get_by_test_id("assess-submit").dblclick()
    objections.get_by_text("异议不成立").wait_for()
    detail = stack.api("GET", "publication", f"/topics/{disclosed['topic_id']}").json()
    assert [o["assessed"] for o in detail["disclosure"]["objections"]] == [True]
    _on_phone(pages, stack, shoot, "qbm-staff", [(f"/communities/{QBM}/disclosure", "console-disclosure", TITLE)])


def test_the_street_office_imports_its_communities_sees_them_side_by_side_and_sets_its_rules(
        stack, pages, overdue, shoot, tmp_path) -> None:
    page = pages(DESKTOP)
    sign_in(page, stack, "qb-street")
    assert "街道办事处" in page.get_by_test_id("who").inner_text()
    page.get_by_role("menuitem", name="行政区划").click()
    page.get_by_test_id("divisions").wait_for()
    code_list = tmp_path / "qingbo.csv"
    lines = [line for line in (ROOT / "tests" / "data" / "hangzhou.csv").read_text(encoding="utf-8").splitlines()
             if line.startswith("code,") or line.endswith(f",{STREET}")]
    # One line of another street: refused with its line number and reason, the others go in.
    code_list.write_text("\n".join([*lines, "330102002001,别的社区,330102002000"]) + "\n", encoding="utf-8")
    page.get_by_test_id("import-file").set_input_files(str(code_list))
    page.get_by_test_id("import-submit").dblclick()
    report = page.get_by_test_id("import-report")
    report.wait_for()
    assert "新增 4" in report.inner_text() and "未变 1" in report.inner_text() and "未导入 1" in report.inner_text()
    assert "330102002001" in page.get_by_test_id("import-refused").inner_text()
    page.get_by_test_id("divisions").get_by_text("清波门社区").wait_for()
    _look(page, shoot, "console-registry")

    page.get_by_role("menuitem", name="辖区社区一览").click()
    table = page.get_by_test_id("side-by-side")
    qbm = table.locator("tr", has_text="清波门社区")
    qbm.wait_for()
    page.wait_for_load_state("networkidle")
    cells = [c.strip() for c in qbm.locator("td").all_inner_texts()]
    assert cells[1] == "1" and cells[-1] == "1", cells  # one topic, one overdue task
    assert table.locator("tr", has_text="劳动路社区").locator("td").all_inner_texts()[1].strip() == "0"
    _look(page, shoot, "console-offices")

    page.get_by_role("menuitem", name="议事规则设置").click()
    effective = page.get_by_test_id("effective")
    effective.get_by_text("全市默认").first.wait_for()
    _look(page, shoot, "console-settings")
    form = page.get_by_test_id("settings-form")
    form.locator("#setting-quorum").fill("三分之二")  # not n/d: the API refuses it, shown in Chinese
    form.get_by_test_id("settings-submit").click()
    refusal = form.get_by_test_id("save-refusal")
    refusal.wait_for()
    assert "格式不正确" in refusal.inner_text()
    next_to_quorum = form.locator(".el-form-item", has=page.locator("#setting-quorum")).locator(".el-form-item__error")
    assert "格式不正确" in next_to_quorum.inner_text()
    _look(page, shoot, "console-settings-refused")
    form.locator("#setting-quorum").fill("")
    form.locator("#setting-disclosure_days").fill("5")
    form.get_by_test_id("settings-submit").dblclick()
    effective.locator("tr", has_text="公示期").get_by_text("街道设置").wait_for()
    settings = stack.api("GET", "council", f"/divisions/{STREET}/settings").json()
    assert settings["effective"]["disclosure_days"]["value"] == 5
    _on_phone(pages, stack, shoot, "qb-street", [("/registry", "console-registry", "清波门社区"),
                                                 ("/offices", "console-offices", "清波门社区"),
                                                 ("/settings", "console-settings", "街道设置")])


def test_the_street_office_reads_its_ledger_and_downloads_the_excel(stack, pages, disclosed, shoot) -> None:
    page = pages(DESKTOP)
    sign_in(page, stack, "qb-street")
    page.get_by_role("menuitem", name="协商议事台账").click()
    page.get_by_test_id("period").get_by_text("年度").click()  # the topic was submitted this year
    received = page.get_by_test_id("ledger").locator("tr", has_text="收集议题数").first
    received.wait_for()
    page.wait_for_load_state("networkidle")
    assert [c.strip() for c in received.locator("td").all_inner_texts()][1] == "1"  # 清波街道's own column
    assert "清波门社区" in page.get_by_test_id("ledger").locator("thead").inner_text()
    _look(page, shoot, "console-ledger")
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert open(download.value.path(), "rb").read(2) == b"PK"
    _on_phone(pages, stack, shoot, "qb-street", [("/ledger", "console-ledger", "收集议题数")])


def test_staff_see_the_overdue_task_report_progress_and_complete_it(stack, pages, overdue, shoot) -> None:
    topic_id = overdue["topic_id"]
    page = pages(DESKTOP)
    sign_in(page, stack, "qbm-staff")
    page.get_by_role("menuitem", name="6. 落实评价").click()
    task = page.get_by_test_id("tasks").locator("tr", has_text=TITLE)
    task.wait_for()
    assert re.search(r"逾期 \d+ 天", task.inner_text())
    page.get_by_test_id("overdue-only").click()
    page.get_by_test_id("task-total").get_by_text("共 1 项").wait_for()
    _look(page, shoot, "console-tasks")
    task.get_by_role("button", name="办理").click()
    work = page.get_by_test_id("topic-work")
    work.get_by_text("已逾期").wait_for()
    work.get_by_role("button", name="登记进展").click()
    dialog = page.get_by_role("dialog", name="登记落实进展")
    dialog.locator("#progress-text").fill("已完成人行道砖块更换的一半。")
    dialog.get_by_test_id("progress-submit").dblclick()
    work.get_by_text("已完成人行道砖块更换的一半。").wait_for()
    work.get_by_test_id("progress-count").get_by_text("已登记进展 1 次").wait_for()
    reports = stack.api("GET", "publication", f"/topics/{topic_id}").json()["implementation"]["tasks"][0]["progress_reports"]
    assert reports == 1  # the double click reported once
    _look(page, shoot, "console-topic-work")
    work.get_by_test_id("complete-task").dblclick()
    work.get_by_text("已完成", exact=True).first.wait_for()
    _until_status(stack, topic_id, "implemented")
    work.get_by_test_id("close-topic").click()  # no resident has rated it yet: refused, in Chinese
    refusal = work.get_by_test_id("closing-refusal")
    refusal.wait_for()
    assert refusal.inner_text().strip()
    _look(page, shoot, "console-topic-closing-refused")
    phone = _on_phone(pages, stack, shoot, "qbm-staff", [(f"/communities/{QBM}/tasks", "console-tasks", TITLE)])
    phone.get_by_test_id("implementation-topics").get_by_role("button", name="查看").click()
    phone.get_by_test_id("topic-work").get_by_text("已登记进展 1 次").wait_for()
    _look(phone, shoot, "console-topic-work")


def test_the_residents_pages_and_the_console_sign_in_pass_the_accessibility_scan(stack, pages, disclosed, shoot) -> None:
    topic = f"/resident/topics/{disclosed['topic_id']}"
    for kind in (PHONE, DESKTOP):
        page = pages(kind)
        for path, name in ((f"/resident/?c={QBM}", "resident-submit"), ("/resident/board", "resident-board"),
                           (f"/resident/follow/{'X' * 10}", "resident-follow-unknown"),
                           (f"{topic}/objection?c={QBM}", "resident-objection-scan"),
                           (f"{topic}/rating?c={QBM}", "resident-rating-scan"), ("/console/", "console-sign-in")):
            page.goto(f"{stack.url}{path}")
            _look(page, shoot, name)
    page = pages(DESKTOP)
    sign_in(page, stack, "qbm-chair")
    page.get_by_role("menuitem", name="2. 确定议题").click()
    page.get_by_test_id("queue").wait_for()
    _look(page, shoot, "console-screening")


def _until_status(stack, topic_id: str, status: str) -> None:
    async def current() -> str:
        async with httpx.AsyncClient(timeout=10) as client:
            return (await client.get(f"{stack.url}/api/publication/topics/{topic_id}")).json()["status"]

    _run(eventually(current, lambda s: s == status, what=f"the topic {status}"))
