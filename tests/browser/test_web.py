"""Residents and staff in a real browser, through the gateway, signed in at the real Keycloak."""

import re
import uuid

import pytest

from tests.browser.conftest import DESKTOP, LDL, PHONE, QBM
from tests.browser.steps import sign_in
from tests.browser.steps import until as _until

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def council(stack):
    return stack.form_council(QBM, "qbm")


@pytest.fixture(scope="module")
def resident_topic() -> dict:
    """What the resident's test submitted, for the staff's tests after it."""
    return {}


def test_a_resident_submits_a_topic_and_follows_it_by_receipt_code(stack, pages, resident_topic, shoot) -> None:
    page = pages(PHONE)
    page.goto(f"{stack.url}/resident/?c={QBM}")
    # The community by its name (the registry's), not only its 12-digit code.
    page.get_by_test_id("community").get_by_text("清波门社区 · 清波街道 · 上城区").wait_for()
    shoot(page, "resident-submit")
    # A too-short title is refused with the API's Chinese message, next to the form.
    page.get_by_placeholder("一句话说明").fill("路灯")
    page.get_by_placeholder("发生在哪里").fill("三幢北侧的路灯坏了一个多月，晚上出行很不方便。")
    page.get_by_role("button", name="提交议题").click()
    refusal = page.get_by_test_id("refusal")
    refusal.wait_for()
    assert "提交的内容有误：标题：" in refusal.inner_text()  # the field as a resident calls it, not "title"
    shoot(page, "resident-submit-refused")
    title = f"三幢北侧路灯维修{uuid.uuid4().hex[:4]}"
    page.get_by_placeholder("一句话说明").fill(title)
    # A double click sends once: the same Idempotency-Key, and the button is busy meanwhile.
    page.get_by_role("button", name="提交议题").dblclick()
    page.evaluate("getSelection().removeAllRanges()")
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{6,}", code)
    resident_topic.update(title=title, code=code)
    shoot(page, "resident-receipt")
    page.get_by_role("button", name="查看办理进度").click()
    progress = page.get_by_test_id("progress")
    progress.wait_for()
    assert title in progress.inner_text()
    shoot(page, "resident-follow")
    page.get_by_text("公开栏").click()
    page.wait_for_url(re.compile(r"/resident/board"))
    page.wait_for_load_state("networkidle")
    shoot(page, "resident-board")
    assert "清波门社区 · 清波街道 · 上城区" in page.get_by_test_id("board-community").inner_text()
    # The service's own HTML board at 390 px: cards, nothing wider than the phone.
    page.goto(f"{stack.url}/api/publication/communities/{QBM}/board.html")
    assert "清波门社区 · 清波街道 · 上城区" in page.content() and title in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    shoot(page, "public-board-html")
    wide = pages(DESKTOP)
    for path, name in ((f"/resident/?c={QBM}", "resident-submit"), (f"/resident/follow/{code}", "resident-follow"),
                       ("/resident/board", "resident-board")):
        wide.goto(f"{stack.url}{path}")
        wide.wait_for_load_state("networkidle")
        shoot(wide, name)


def test_the_chair_signs_in_and_screens_the_topic_a_refusal_shown_in_chinese(stack, pages, council, resident_topic, shoot) -> None:
    assert resident_topic, "the resident's test submits the topic first"
    title = resident_topic["title"]

    def awaiting() -> bool:
        queue = stack.api("GET", "council", f"/communities/{QBM}/awaiting-screening", "qbm-staff").json()
        return any(t["title"] == title for t in queue.get("topics", []))

    _until(awaiting, what="the resident's topic in the council's queue")
    queue = stack.api("GET", "council", f"/communities/{QBM}/awaiting-screening", "qbm-staff").json()["topics"]
    assert [t["title"] for t in queue].count(title) == 1  # the resident's double click sent it once
    page = pages(DESKTOP)
    page.goto(f"{stack.url}/console/")
    shoot(page, "console-sign-in")
    sign_in(page, stack, "qbm-chair")
    who = page.get_by_test_id("who").inner_text()
    assert "主席" in who and "议事会主席" in who and QBM in who
    shoot(page, "console-home")
    page.get_by_role("menuitem", name="2. 确定议题").click()
    row = page.get_by_test_id("queue").locator("tr", has_text=title)
    row.wait_for()
    shoot(page, "console-screening")
    row.get_by_role("button", name="确定").click()
    form = page.get_by_role("dialog")
    form.get_by_text("退回补充").click()
    form.get_by_test_id("details").fill("太短")
    form.get_by_test_id("screen-submit").click()
    refusal = form.get_by_test_id("screen-refusal")
    refusal.wait_for()
    assert "提交的内容有误" in refusal.inner_text() and "details_requested" not in refusal.inner_text()
    shoot(page, "console-screening-refused")
    form.get_by_text("立项").click()
    form.get_by_test_id("category").click()
    page.get_by_role("option", name="公共设施维护").click()
    form.get_by_test_id("screen-submit").dblclick()
    row.wait_for(state="detached")
    page.get_by_text(f"已确定：{title}").wait_for()

    def accepted() -> bool:
        history = stack.api("GET", "intake", f"/receipts/{resident_topic['code']}").json()["history"]
        return any(e["step"] == "accepted" for e in history)

    _until(accepted, what="the receipt showing the topic accepted")
    phone = pages(PHONE)
    phone.goto(f"{stack.url}/resident/follow/{resident_topic['code']}")
    phone.get_by_text("已立项").wait_for()
    shoot(phone, "resident-follow-accepted")
    phone.goto(f"{stack.url}/console/")
    shoot(phone, "console-sign-in")


def test_another_communitys_chair_sees_nothing_of_this_community(stack, pages, council, resident_topic, shoot) -> None:
    assert resident_topic, "the resident's test submits the topic first"
    page = pages(DESKTOP)
    sign_in(page, stack, "ldl-chair")
    assert LDL in page.get_by_test_id("who").inner_text()
    page.get_by_role("menuitem", name="2. 确定议题").click()
    page.get_by_test_id("queue").wait_for()
    assert resident_topic["title"] not in page.content()
    page.goto(f"{stack.url}/console/communities/{QBM}/screening")
    refusal = page.get_by_test_id("load-refusal")
    refusal.wait_for()
    assert "您只能办理本社区" in refusal.inner_text()
    assert resident_topic["title"] not in page.content()
    shoot(page, "console-other-community-refused")
