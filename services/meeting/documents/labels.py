"""The words and dates a printed document uses (文书用语): Chinese labels and China time.

Times are stored in UTC; a council reads them in Beijing time (UTC+8), and deadlines are
calendar days as the council set them.
"""

from datetime import date, datetime

from yishi_contracts import InviteeKind, MemberCategory, label_zh

from services.kit.refusal import CHINA_TIME

from ..domain import EntryKind, TopicStatus

UNKNOWN_NAME = "（姓名未登记）"
"""A person the roster never named: shown as such, never by an id."""
UNKNOWN_TITLE = "（议题标题尚未收到）"

CHAIR = "主席"
FIXED_MEMBER = "固定成员"
INVITEE = "列席"
PRESIDING = "主持"
LATE = "迟到"
LEFT_EARLY = "中途离场"

INVITEE_KINDS = {InviteeKind.stakeholder: "利益相关方", InviteeKind.community_station: "相关站所"}

ENTRY_KINDS = {
    EntryKind.statement: "发言",
    EntryKind.question: "提问",
    EntryKind.answer: "解答",
    EntryKind.debate: "辩论",
    EntryKind.discussion: "讨论",
}

OUTCOMES = {
    TopicStatus.adopted: "通过",
    TopicStatus.deferred: "暂缓",
    TopicStatus.dropped: "不再协商",
    TopicStatus.not_adopted: "表决未通过",
    TopicStatus.voting: "表决中",
    TopicStatus.pending: "待议",
}

CONSENSUS = "协商一致"
VOTE = "表决"

_NUMERALS = "零一二三四五六七八九"


def category(value: MemberCategory) -> str:
    return label_zh(value)


def ordinal(n: int) -> str:
    """议题一, 议题二 … 议题九十九: the way a council numbers its agenda."""
    if not 0 < n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    if tens == 0:
        return _NUMERALS[units]
    return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[units] if units else "")


def day(value: date | datetime) -> str:
    """2026年11月28日, a datetime taken in China time."""
    if isinstance(value, datetime):
        value = value.astimezone(CHINA_TIME).date()
    return f"{value.year}年{value.month}月{value.day}日"


def moment(value: datetime) -> str:
    """2026年11月28日 17:30 in China time."""
    local = value.astimezone(CHINA_TIME)
    return f"{day(local)} {local:%H:%M}"


def sitting_time(scheduled: datetime, opened: datetime | None, closed: datetime | None) -> str:
    """When a meeting sat: from its opening to its closing, or the time it is planned for."""
    if opened is None:
        return f"{moment(scheduled)}（计划）"
    if closed is None:
        return f"{moment(opened)} 开会（尚未闭会）"
    if closed == opened:
        return moment(opened)
    if day(closed) == day(opened):
        return f"{moment(opened)}—{clock(closed)}"
    return f"{moment(opened)}—{moment(closed)}"


def clock(value: datetime) -> str:
    """17:30 in China time."""
    return f"{value.astimezone(CHINA_TIME):%H:%M}"
