"""The minutes and resolutions built from a meeting's events: who spoke, who attended (the
chair presiding included), the tally or consensus, dissent, outcomes and measures — by
name and role, never by id, in China time."""

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from yishi_contracts import InviteeKind, Measure, MemberCategory

from services.meeting.documents import build
from services.meeting.documents.labels import UNKNOWN_NAME, UNKNOWN_TITLE, day, moment, ordinal
from services.meeting.domain import (
    AdoptByConsensus, CastVote, CloseMeeting, CloseVote, DeferTopic, DropTopic, EntryKind, Guest, InviteParticipants,
    NamedMember, OpenMeeting, OpenVote, RecordArrival, RecordDeparture, RecordDissent, RecordMinutesEntry, VoteChoice,
)

from .builders import CHAIR, COMMUNITY, MEMBERS, NOW, TEXT, TOPIC_A, TOPIC_B, Sitting, later, schedule

NAMES = ("张建国", "李秀英", "王海燕", "刘志强", "陈丽华", "杨明", "赵桂兰", "黄伟", "周晓红")
CATEGORIES = tuple(MemberCategory)
NAMED = tuple(NamedMember(m, n, CATEGORIES[i % 5]) for i, (m, n) in enumerate(zip(MEMBERS, NAMES, strict=True)))
STATION = Guest(f"x:{TOPIC_A}:1", TOPIC_A, InviteeKind.community_station, "社区卫生站")
WORKERS = Guest(f"x:{TOPIC_A}:2", TOPIC_A, InviteeKind.stakeholder, "环卫工人代表")
DISSENT = "驿站选址离主干道太远，环卫工人用起来不方便。"
MEASURE = Measure(description="改造社区闲置用房为爱心驿站", responsible_party="社区居委会", deadline=date(2026, 12, 31))
TITLES = {TOPIC_A: "环卫工人无处歇脚", TOPIC_B: "中山街上学高峰拥堵"}
VOICES = [
    (MEMBERS[0], EntryKind.statement, "介绍调研情况：社区有一处闲置用房可以改造。"),
    (WORKERS.person_id, EntryKind.question, "驿站什么时候能开放？"),
    (CHAIR, EntryKind.answer, "计划年底前开放。"),
    (MEMBERS[6], EntryKind.debate, "用房离主干道太远，应另选地点。"),
]


def sat(topic_b: str = "consensus", named: bool = True) -> Sitting:
    """A whole meeting: the chair presides without being signed in, one member comes late,
    one leaves early; topic A is adopted by a vote with dissent, topic B as ``topic_b`` says."""
    m = Sitting()
    m.execute(schedule(chair_name="孙红梅" if named else None), now=NOW)
    m.execute(InviteParticipants(frozenset(MEMBERS), (STATION, WORKERS), NAMED if named else ()), now=NOW)
    for person in [*MEMBERS[:7], WORKERS.person_id]:
        m.execute(RecordArrival(person), now=later(-10))
    m.execute(OpenMeeting(), now=NOW)
    m.execute(RecordArrival(MEMBERS[7]), now=later(5))
    for n, (speaker, kind, text) in enumerate(VOICES):
        m.execute(RecordMinutesEntry(TOPIC_A, speaker, kind, text), now=later(10 + n))
    m.execute(RecordDissent(TOPIC_A, MEMBERS[6], DISSENT), now=later(20))
    m.execute(OpenVote(TOPIC_A, TEXT, (MEASURE,)), now=later(25))
    for member in MEMBERS[:6]:
        m.execute(CastVote(TOPIC_A, member, VoteChoice.in_favour), now=later(26))
    m.execute(CastVote(TOPIC_A, MEMBERS[6], VoteChoice.against), now=later(26))
    m.execute(CastVote(TOPIC_A, MEMBERS[7], VoteChoice.abstain), now=later(26))
    m.execute(CloseVote(TOPIC_A), now=later(30))
    m.execute(RecordDeparture(MEMBERS[1]), now=later(35))
    m.execute(RecordMinutesEntry(TOPIC_B, MEMBERS[2], EntryKind.statement, "建议错峰放学。"), now=later(40))
    match topic_b:
        case "consensus":
            m.execute(AdoptByConsensus(TOPIC_B, "设置限时停靠区，错峰放学，志愿者引导。", (MEASURE,)), now=later(50))
        case "deferred":
            m.execute(DeferTopic(TOPIC_B, "需进一步征求沿街商户意见"), now=later(50))
        case "dropped":
            m.execute(DropTopic(TOPIC_B, "已由区交通部门统一解决"), now=later(50))
    if topic_b != "open":
        m.execute(CloseMeeting(), now=later(60))
    return m


def directory(m: Sitting) -> build.Directory:
    return build.Directory.of(m.meeting)


def test_the_minutes_name_every_speaker_with_their_role_never_an_id() -> None:
    m = sat()
    doc = build.minutes(m.stream, directory(m), TITLES)
    [a, b] = doc.topics
    assert (a.heading, a.title, b.heading, b.title) == ("议题一", "环卫工人无处歇脚", "议题二", "中山街上学高峰拥堵")
    assert [(v.number, v.speaker.label, v.kind, v.text) for v in a.voices] == [
        (1, "张建国（固定成员·政协委员）", "发言", VOICES[0][2]),
        (2, "环卫工人代表（列席·利益相关方）", "提问", VOICES[1][2]),
        (3, "孙红梅（主席）", "解答", VOICES[2][2]),
        (4, "赵桂兰（固定成员·社区两委）", "辩论", VOICES[3][2]),
    ]
    assert [v.number for v in b.voices] == [5]
    assert a.voices[0].at == "17:40"  # 09:40 UTC is 17:40 in China
    everything = repr(doc)
    assert not any(member_id in everything for member_id in ("'m1'", "'chair'", "x:"))


def test_the_minutes_attendance_counts_the_presiding_chair_and_notes_late_and_early() -> None:
    doc = build.minutes(sat().stream, directory(sat()), TITLES)
    assert doc.sitting.chair.label == "孙红梅（主席）" and doc.sitting.chair.note == "主持"
    assert doc.quorum is not None
    assert doc.quorum.line == "在场固定成员 7 人 / 应到 9 人，法定人数 6 人（达到法定人数）"
    assert doc.quorum.invitees == 1
    assert [(p.name, p.detail, p.note) for p in doc.attended] == [
        ("张建国", "政协委员", ""), ("李秀英", "社区两委", "中途离场"), ("王海燕", "业主委员会", ""),
        ("刘志强", "群众代表", ""), ("陈丽华", "社区卫生站", ""), ("杨明", "政协委员", ""),
        ("赵桂兰", "社区两委", ""), ("黄伟", "业主委员会", "迟到"),
    ]
    assert [p.name for p in doc.absent] == ["周晓红"]
    assert [(p.name, p.role, p.detail) for p in doc.invitees] == [("环卫工人代表", "列席", "利益相关方")]
    assert doc.sitting.when == "2026年11月28日 17:30—18:30"
    assert doc.sitting.rules == "法定人数为固定成员的 2/3；表决时赞成票须超过在场有表决权的固定成员的 1/2"
    assert doc.final


def test_the_minutes_give_the_tally_dissent_outcome_and_measures() -> None:
    doc = build.minutes(sat().stream, directory(sat()), TITLES)
    [a, b] = doc.topics
    assert a.decision is not None and a.decision.line == "表决：赞成 6 票，反对 1 票，弃权 1 票（参加表决 8 人）"
    assert a.outcome == "通过" and a.resolution == TEXT and a.reason is None
    assert [(d.by.label if d.by else None, d.opinion) for d in a.dissent] == [("赵桂兰（固定成员·社区两委）", DISSENT)]
    assert [(x.description, x.responsible_party, x.deadline) for x in a.measures] == [
        ("改造社区闲置用房为爱心驿站", "社区居委会", "2026年12月31日")
    ]
    assert b.decision is not None and b.decision.line == "协商一致" and b.outcome == "通过"


@pytest.mark.parametrize(("topic_b", "outcome", "reason"), [
    ("deferred", "暂缓", "需进一步征求沿街商户意见"), ("dropped", "不再协商", "已由区交通部门统一解决"),
])
def test_a_deferred_or_dropped_topic_shows_its_outcome_and_reason(topic_b: str, outcome: str, reason: str) -> None:
    m = sat(topic_b)
    [_, b] = build.minutes(m.stream, directory(m), TITLES).topics
    assert (b.outcome, b.reason, b.decision, b.resolution, b.measures) == (outcome, reason, None, None, ())
    assert build.resolution(m.stream, directory(m), TOPIC_B, TITLES[TOPIC_B]) is None


def test_minutes_of_a_meeting_still_sitting_are_a_draft() -> None:
    m = sat("open")
    doc = build.minutes(m.stream, directory(m), TITLES)
    assert not doc.final and doc.sitting.when == "2026年11月28日 17:30 开会（尚未闭会）" and doc.topics[1].outcome == "待议"
    assert doc.attended[1].note == "中途离场"


def test_the_resolution_tells_the_attendance_at_its_adoption_and_keeps_dissent_anonymous() -> None:
    m = sat()
    doc = build.resolution(m.stream, directory(m), TOPIC_A, TITLES[TOPIC_A], community_name="清波门社区")
    assert doc is not None
    assert doc.sitting.council == "清波门社区协商议事会" and doc.title == "环卫工人无处歇脚"
    assert doc.quorum.line == "在场固定成员 8 人 / 应到 9 人，法定人数 6 人（达到法定人数）"
    assert [p.name for p in doc.attended] == list(NAMES[:8])  # 李秀英 left only after the vote
    assert [p.label for p in doc.invitees] == ["环卫工人代表（列席·利益相关方）"]
    assert doc.decision.line == "表决：赞成 6 票，反对 1 票，弃权 1 票（参加表决 8 人）"
    assert doc.text == TEXT and [d.by for d in doc.dissent] == [None] and doc.dissent[0].opinion == DISSENT
    assert [x.deadline for x in doc.measures] == ["2026年12月31日"] and doc.adopted_on == "2026年11月28日"
    assert doc.sitting.chair.note == "主持"


def test_a_resolution_by_consensus_says_so_and_sees_who_had_left() -> None:
    m = sat()
    doc = build.resolution(m.stream, directory(m), TOPIC_B, None)
    assert doc is not None and doc.decision.line == "协商一致" and doc.dissent == ()
    assert doc.quorum.present == 7 and "李秀英" not in [p.name for p in doc.attended]
    assert doc.title == UNKNOWN_TITLE
    assert doc.sitting.council == f"社区（{COMMUNITY}）协商议事会"  # no name known: the code


def test_names_the_meeting_did_not_keep_come_from_the_roster_and_are_never_ids() -> None:
    m = sat(named=False)
    bare = build.minutes(m.stream, directory(m), TITLES)
    assert bare.sitting.chair.name == UNKNOWN_NAME and {p.name for p in bare.attended} == {UNKNOWN_NAME}
    assert all(p.role == "固定成员" and p.detail == "" for p in bare.attended)
    from_roster = build.Directory.of(m.meeting, NAMED, {CHAIR: "孙红梅", "someone-else": "钱主席"})
    doc = build.minutes(m.stream, from_roster, TITLES)
    assert doc.sitting.chair.name == "孙红梅" and [p.name for p in doc.attended][:2] == ["张建国", "李秀英"]


def test_the_names_kept_at_the_invitation_win_over_a_later_roster() -> None:
    m = sat()
    renamed = (NamedMember(MEMBERS[0], "张建军", MemberCategory.cppcc_member),)
    doc = build.minutes(m.stream, build.Directory.of(m.meeting, renamed), TITLES)
    assert doc.attended[0].name == "张建国"


def test_china_time_and_numbering() -> None:
    late_evening = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # already 1 January in China
    assert day(late_evening) == "2027年1月1日" and moment(late_evening) == "2027年1月1日 00:30"
    assert day(late_evening - timedelta(minutes=31)) == "2026年12月31日"
    assert [ordinal(n) for n in (1, 9, 10, 11, 20, 21, 99)] == ["一", "九", "十", "十一", "二十", "二十一", "九十九"]


def test_a_meeting_never_scheduled_has_no_documents() -> None:
    with pytest.raises(ValueError):
        build.Directory.of(Sitting().meeting)
    with pytest.raises(ValueError):
        build.minutes([], build.Directory("c", None, {}), {})
    assert build.resolution([], build.Directory("c", None, {}), UUID(int=5), None) is None
