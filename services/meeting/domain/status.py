"""Where a meeting and each of its agenda topics stand (会议与议题状态)."""

from enum import StrEnum


class MeetingStatus(StrEnum):
    unscheduled = "unscheduled"  # 未安排
    scheduled = "scheduled"  # 已召集
    open = "open"  # 会议进行中
    closed = "closed"  # 已闭会


class TopicStatus(StrEnum):
    pending = "pending"  # 待议
    voting = "voting"  # 表决中
    not_adopted = "not_adopted"  # 表决未通过 (the chair then defers or drops)
    adopted = "adopted"  # 形成决议
    deferred = "deferred"  # 暂缓，退回调研
    dropped = "dropped"  # 撤销


DECIDED = frozenset({TopicStatus.adopted, TopicStatus.deferred, TopicStatus.dropped})


def status_from(*, opened: bool, closed: bool) -> MeetingStatus:
    """A convened meeting's status from whether it has opened and closed (a list, unfolded)."""
    if closed:
        return MeetingStatus.closed
    return MeetingStatus.open if opened else MeetingStatus.scheduled
