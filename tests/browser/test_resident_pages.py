"""Residents object during disclosure and rate the result with their receipt code, in a real
browser at 390 px (and 1280 px for the screenshots): the API's refusals show next to the field.

The council's screening and research and the meeting's resolution are fed as their public
events (their own tests drive them); submission, disclosure, objections, tasks and ratings run
in the real services, the receipt check travelling from intake to publication on Kafka.
"""

import asyncio
import re
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaProducer
from yishi_contracts import COUNCIL, MEETING, Envelope

from services.kit.binding import to_kafka
from tests.browser.conftest import DESKTOP, PHONE, QBM
from tests.browser.steps import until as _until
from tests.support.in_process import SOURCES
from tests.unit.factories import adopted, researched, screened

pytestmark = pytest.mark.e2e


def _feed(stack, *events: tuple[str, object]) -> None:
    """Produce upstream events on the stack's topics (in a thread: Playwright owns this one's loop)."""
    failed: list[BaseException] = []

    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap_servers, acks="all")
        await producer.start()
        try:
            for topic, event in events:
                record = to_kafka(Envelope.wrap(event, source=SOURCES[topic]))
                await producer.send_and_wait(f"{stack.topic_prefix}{topic}", record.value, key=record.key,
                                             headers=record.headers)
        finally:
            await producer.stop()

    def run() -> None:
        try:
            asyncio.run(send())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not failed, failed


def _board_status(stack, topic_id: str) -> str | None:
    board = stack.api("GET", "publication", f"/communities/{QBM}/board").json()
    return next((e["status"] for e in board if e["topic_id"] == topic_id), None)


@pytest.fixture(scope="module")
def topics(stack) -> dict[str, dict]:
    """Two residents' topics resolved by the council and on disclosure in 清波门社区."""
    found = {}
    for name, title in (("objected", "清波门菜场门口积水"), ("rated", "劳动路口增设休息座椅")):
        body = {"community_id": QBM, "title": f"{title}{uuid.uuid4().hex[:4]}",
                "description": f"{title}，居民出行很不方便，希望社区协调解决。", "contact": {"name": "王阿姨", "phone": "13800138000"}}
        receipt = stack.api("POST", "intake", "/topics", json=body)
        assert receipt.status_code == 201, receipt.text
        found[name] = {**receipt.json(), "title": body["title"]}
    for topic in found.values():
        topic_id = uuid.UUID(topic["topic_id"])
        _until(lambda: _board_status(stack, topic["topic_id"]) == "submitted", what="the submission on the board")
        _feed(stack, (COUNCIL.topic, screened(topic_id, QBM)), (COUNCIL.topic, researched(topic_id, QBM)),
              (MEETING.topic, adopted(topic_id, QBM).model_copy(update={"adopted_at": datetime.now(UTC) - timedelta(seconds=5)})))
        _until(lambda: _board_status(stack, topic["topic_id"]) == "in_disclosure", what="the topic in disclosure")
    return found


def _open_from_board(page, stack, title: str, button: str) -> None:
    page.goto(f"{stack.url}/resident/board?c={QBM}")
    page.get_by_test_id("board").locator("li", has_text=title).get_by_role("button", name=button).click()


def test_a_resident_objects_during_disclosure_a_phone_number_refused_next_to_the_text(stack, topics, pages, shoot) -> None:
    topic = topics["objected"]
    page = pages(PHONE)
    _open_from_board(page, stack, topic["title"], "提出异议")
    page.wait_for_url(re.compile(rf"/resident/topics/{topic['topic_id']}/objection"))
    page.get_by_text(topic["title"]).wait_for()
    shoot(page, "resident-objection")
    text = page.get_by_placeholder("哪一项措施有问题")
    text.fill("排水沟位置不合理，请打13800138000联系我")
    page.get_by_role("button", name="提交异议").click()
    page.locator(".van-field__error-message", has_text="异议会公开显示，请不要填写手机号或身份证号").wait_for()
    shoot(page, "resident-objection-refused")
    text.fill("排水沟建议改到菜场东侧，西侧下雨时人流最多，施工会堵住通道。")
    page.get_by_role("button", name="提交异议").dblclick()  # sent once: the button is busy, then the form is gone
    page.get_by_test_id("objection-raised").wait_for()
    shoot(page, "resident-objection-raised")
    objections = stack.api("GET", "publication", f"/topics/{topic['topic_id']}").json()["disclosure"]["objections"]
    assert [o["text"] for o in objections] == ["排水沟建议改到菜场东侧，西侧下雨时人流最多，施工会堵住通道。"]
    wide = pages(DESKTOP)
    wide.goto(f"{stack.url}/resident/topics/{topic['topic_id']}/objection?c={QBM}")
    wide.get_by_role("button", name="提交异议").wait_for()
    shoot(wide, "resident-objection")


def test_a_resident_rates_with_the_receipt_code_a_wrong_code_shows_the_message(stack, topics, pages, shoot) -> None:
    topic, other = topics["rated"], topics["objected"]
    stack.move_clock(days=8)  # the disclosure period passes; no objection to this one
    _until(lambda: _board_status(stack, topic["topic_id"]) == "implementing", what="the implementation started")
    detail = stack.api("GET", "publication", f"/topics/{topic['topic_id']}").json()
    for task in detail["implementation"]["tasks"]:
        done = stack.api("POST", "publication", f"/topics/{topic['topic_id']}/tasks/{task['task_id']}/completion",
                         "qbm-staff")
        assert done.status_code == 200, done.text
    _until(lambda: _board_status(stack, topic["topic_id"]) == "implemented", what="the implementation completed")

    page = pages(PHONE)
    _open_from_board(page, stack, topic["title"], "满意度评价")
    page.wait_for_url(re.compile(rf"/resident/topics/{topic['topic_id']}/rating"))
    page.get_by_text(topic["title"]).wait_for()
    shoot(page, "resident-rating")
    code = page.get_by_placeholder("如 7K3MQ-9XD4P")
    code.fill(other["receipt_code"])  # another topic's code is refused
    page.get_by_text("基本满意").click()
    page.get_by_role("button", name="提交评价").click()
    page.locator(".van-field__error-message", has_text="受理编号（回执码）不正确").wait_for()
    shoot(page, "resident-rating-wrong-code")
    code.fill(topic["receipt_code"].lower().replace("-", " "))  # typed as a resident might
    page.get_by_text("满意", exact=True).click()
    page.get_by_role("button", name="提交评价").dblclick()
    page.get_by_test_id("rated").wait_for()
    assert "“满意”已记录" in page.get_by_test_id("rated").inner_text()
    shoot(page, "resident-rating-done")
    ratings = stack.api("GET", "publication", f"/topics/{topic['topic_id']}").json()["implementation"]["ratings"]
    assert ratings == {"satisfied": 1, "basically_satisfied": 0, "dissatisfied": 0}  # the double click rated once

    again = pages(PHONE)  # from the progress page the receipt code comes along
    again.goto(f"{stack.url}/resident/follow/{topic['receipt_code']}?c={QBM}")
    again.get_by_role("button", name="评价落实结果").click()
    again.wait_for_url(re.compile(rf"/resident/topics/{topic['topic_id']}/rating"))
    assert again.get_by_placeholder("如 7K3MQ-9XD4P").input_value() == topic["receipt_code"]
    again.get_by_text("不满意").click()
    again.get_by_role("button", name="提交评价").click()
    again.locator(".van-field__error-message", has_text="您已经评价过本次办理结果").wait_for()
    wide = pages(DESKTOP)
    wide.goto(f"{stack.url}/resident/topics/{topic['topic_id']}/rating?c={QBM}")
    wide.get_by_role("button", name="提交评价").wait_for()
    shoot(wide, "resident-rating")
