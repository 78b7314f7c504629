"""The source report's four topics (its 协商议事 examples) and the clicks each step repeats for
every topic, for tests/browser/test_walkthrough.py."""

from datetime import date, timedelta

from tests.browser.steps import answered

# title, description, who brings it (resident page, or staff with source and channel), category.
TOPICS = {
    "sanitation": ("环卫工人休息就餐无去处", "环卫工人清晨和中午没有地方休息、热饭，只能在路边吃饭，希望设一处爱心驿站。",
                   None, "公益事业兴办"),
    "school_run": ("中山街学生上下学道路交通拥堵", "中山街小学门口上下学时段接送车辆乱停，学生过马路很危险，希望疏导交通。",
                   None, "道路交通管理"),
    "parking": ("泾崇路无停车位", "泾崇路沿线没有划停车位，居民车辆只能停在人行道上，行人通行困难。",
                ("委员提", "入户走访"), "道路交通管理"),
    "toilet": ("中山街无公厕", "中山街沿街商铺多、来往群众多，附近没有公共厕所，老人孩子如厕很不方便。",
               ("党政交", "公布办公电话"), "公共设施维护"),
}
TITLE = {key: t[0] for key, t in TOPICS.items()}
VOTES = {"成员7": "弃权", "成员8": "反对"}  # the others present vote 赞成


def research(page, key: str) -> None:
    """On a topic's research page: researchers, a site visit, findings, the plan with its X, completion."""
    researchers = page.get_by_test_id("researchers")
    researchers.get_by_text("成员1（政协委员）").click()
    researchers.get_by_text("成员3（业主委员会代表）").click()
    answered(page, "/research/researchers", lambda: page.get_by_test_id("assign").click())
    page.get_by_test_id("visit-place").fill(f"{TITLE[key][:3]}现场")
    page.get_by_test_id("visit-notes").fill(f"实地查看并走访周边居民：{TOPICS[key][1][:20]}，情况属实。")
    answered(page, "/research/visits", lambda: page.get_by_test_id("visit-submit").click())
    page.get_by_test_id("visits").get_by_text(f"{TITLE[key][:3]}现场").wait_for()
    page.get_by_test_id("findings").fill("问题属实，群众意见集中，社区协调相关单位可以解决。")
    page.get_by_test_id("findings-form").get_by_text("可行", exact=True).click()
    answered(page, "/research/findings", lambda: page.get_by_test_id("findings-submit").click())
    page.get_by_test_id("plan").fill("议定解决方案、责任单位和完成时限。")
    page.get_by_test_id("add-invitee").click()
    page.get_by_test_id("invitee").fill(f"{TITLE[key][:3]}相关居民代表")
    answered(page, "/research/plan", lambda: page.get_by_test_id("plan-submit").click())
    answered(page, "/research/completion", lambda: page.get_by_test_id("complete").click())
    page.get_by_test_id("research-state").get_by_text("调研已完成").wait_for()


def decide(page, key: str, motion: str, measure: str, party: str):
    """A topic's motion with one measure, its party and a deadline a month ahead, typed in."""
    topic = page.get_by_test_id(f"agenda-{TITLE[key]}")
    topic.get_by_test_id("motion-text").fill(motion)
    topic.get_by_test_id("measure-description").fill(measure)
    topic.get_by_test_id("measure-party").fill(party)
    deadline = topic.get_by_placeholder("完成时限")
    deadline.fill(str(date.today() + timedelta(days=30)))
    deadline.press("Enter")
    return topic


def vote(chair, topic, voters: int) -> None:
    """The chair records each present fixed member's vote from the show of hands."""
    for n in range(1, voters + 1):
        who = f"成员{n}"
        choice = VOTES.get(who, "赞成")
        voter = topic.locator(".voter", has_text=who)
        answered(chair, "/votes", lambda: voter.get_by_text(choice, exact=True).click())
        voter.get_by_text(f"已投：{choice}").wait_for()
