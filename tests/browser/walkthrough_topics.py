"""The source report's four topics (its 协商议事 examples) and the clicks each step repeats for
every topic, for tests/browser/test_walkthrough.py."""

from datetime import date, timedelta

from tests.browser.steps import answered, pick

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
# What the meeting resolves for each: the motion, and its one measure with the responsible party.
MOTIONS = {
    "sanitation": ("同意在社区服务站设立环卫工人爱心驿站。", "腾空服务站一楼房间并配置微波炉、饮水机", "社区居委会"),
    "school_run": ("上下学时段在中山街设临时即停即走区，由志愿者疏导。", "设置即停即走区并排班志愿者", "中山街小学"),
    "parking": ("同意在泾崇路东侧施划停车位。", "施划停车位二十个", "街道城管科"),
    "toilet": ("同意在中山街北口建设装配式公厕。", "建设装配式公厕一座", "社区城管执法中队"),
}
MINUTES = (("sanitation", "成员1（固定成员）", "建议利用社区服务站一楼空房设环卫工人爱心驿站。"),
           ("school_run", "成员2（固定成员）", "建议上下学时段设临时即停即走区，志愿者疏导。"),
           ("parking", "成员3（固定成员）", "泾崇路东侧绿化带外可以施划二十个停车位。"),
           ("toilet", "社区城管执法中队（社区相关站所）", "中山街北口有一处空地，可建一座装配式公厕。"))


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


def record_minutes(chair) -> None:
    """One entry of the minutes per topic, typed as the meeting goes (an invitee speaks too)."""
    for key, speaker, text in MINUTES:
        pick(chair, chair.get_by_test_id("minutes-form").locator(".el-select").nth(0), TITLE[key])
        pick(chair, chair.get_by_test_id("speaker"), speaker)
        chair.get_by_test_id("minutes-text").fill(text)
        answered(chair, "/minutes", lambda: chair.get_by_test_id("minutes-submit").click())
        chair.get_by_test_id("minutes").get_by_text(text).wait_for()


def decide(page, key: str):
    """A topic's motion with its measure, party and a deadline a month ahead, typed in."""
    motion, measure, party = MOTIONS[key]
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


def carry_out(page, tasks_url: str, title: str) -> None:
    """Staff open the topic's task from the task list, report progress once and complete it."""
    page.goto(tasks_url)
    page.get_by_test_id("tasks").locator("tr", has_text=title).get_by_role("button", name="办理").click()
    work = page.get_by_test_id("topic-work")
    work.get_by_role("button", name="登记进展").click()
    dialog = page.get_by_role("dialog", name="登记落实进展")
    dialog.locator("#progress-text").fill("已与责任单位对接，方案正在实施。")
    answered(page, "/progress", lambda: dialog.get_by_test_id("progress-submit").click())
    work.get_by_test_id("progress-count").get_by_text("已登记进展 1 次").wait_for()
    answered(page, "/completion", lambda: work.get_by_test_id("complete-task").click())
    work.get_by_text("已完成", exact=True).first.wait_for()
