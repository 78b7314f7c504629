"""Why the meeting refuses a command (拒绝): a stable error code and a message in both languages.

The messages are kept here, one per code; the kind (invalid request, not now, not found,
not yours) is said where the refusal is raised: ``refusal("empty_text", INVALID)``.
"""

from services.kit.refusal import NOT_NOW, Refusal, RefusalKind

REFUSALS: dict[str, tuple[str, str]] = {
    "already_scheduled": ("会议已安排，不能重复安排", "the meeting is already scheduled"),
    "not_scheduled": ("会议尚未安排", "the meeting has not been scheduled"),
    "naive_time": ("时间必须带时区", "times must carry a timezone"),
    "invalid_community": ("社区代码须为12位统计用区划代码", "the community id must be the 12-digit division code"),
    "no_council": (
        "尚未收到本社区协商议事会的组成名单，不能召集会议",
        "the community's council roster is not known yet, so no meeting can be convened",
    ),
    "council_incomplete": (
        "协商议事会须有主席、至少7名在任期内的固定成员且其中至少1名政协委员，才能召集会议",
        "the council needs its chair and at least 7 fixed members in term, one of them a CPPCC member, to convene",
    ),
    "empty_agenda": ("议程至少要有一个议题", "the agenda needs at least one topic"),
    "topic_not_researched": (
        "不调研不协商：议题尚未完成议前调研，不能列入议程",
        "no consultation without research: the topic's pre-meeting research is not completed, "
        "so it cannot be put on the agenda",
    ),
    "topic_already_on_agenda": ("该议题已列入本次会议议程", "the topic is already on this meeting's agenda"),
    "topic_not_on_agenda": ("该议题不在本次会议议程中", "the topic is not on this meeting's agenda"),
    "meeting_already_opened": ("会议已开始，不能再调整议程或邀请名单", "the meeting has opened; agenda and invitations are fixed"),
    "meeting_not_open": ("会议未在进行中", "the meeting is not in session"),
    "meeting_closed": ("会议已结束", "the meeting is closed"),
    "empty_roster": ("须邀请协商议事会的固定成员", "the council's fixed members must be invited"),
    "roster_overlap": ("受邀的利益相关方不能同时是固定成员", "an invitee cannot also be a fixed member"),
    "present_not_reinvited": (
        "已签到的固定成员不能从邀请名单中移除",
        "a fixed member who has already arrived cannot be dropped from the roster",
    ),
    "not_invited": ("此人不在本次会议的邀请名单中", "this person is not invited to the meeting"),
    "already_present": ("此人已签到在场", "this person is already recorded as present"),
    "not_present": ("此人不在场", "this person is not recorded as present"),
    "no_quorum": (
        "出席的固定成员未达到法定人数，不能开会、表决或形成决议",
        "the fixed members present do not make a quorum: no opening, vote or resolution",
    ),
    "empty_text": ("内容不能为空", "the text must not be empty"),
    "speaker_not_present": ("发言人须在场", "the speaker must be present"),
    "topic_decided": ("该议题已有结果", "the topic has already been decided"),
    "vote_in_progress": ("该议题正在表决中", "a vote on this topic is in progress"),
    "no_vote_open": ("该议题没有进行中的表决", "there is no open vote on this topic"),
    "not_a_voting_member": ("只有在场的固定成员可以表决", "only fixed members present may vote"),
    "already_voted": ("每位成员只能表决一次", "each member votes at most once"),
    "vote_not_adopted": (
        "表决未获通过，只能暂缓（退回调研）或撤销该议题",
        "the vote did not adopt the motion; the topic can only be deferred or dropped",
    ),
    "resolution_text_length": ("决议内容须为5至5000字", "the resolution text must be 5 to 5000 characters"),
    "no_measures": ("决议须至少有一项落实措施", "a resolution needs at least one measure"),
    "deadline_in_past": ("落实措施的期限不能早于今天", "a measure's deadline cannot be before today"),
    "dissent_length": ("少数意见须为5至5000字", "a dissenting opinion must be 5 to 5000 characters"),
    "reason_required": ("须说明理由", "a reason is required"),
    "topics_undecided": ("议程中仍有议题未作出结果，不能闭会", "some agenda topics are not decided; the meeting cannot close"),
    "meeting_not_found": ("找不到该会议", "no such meeting"),
    "minutes_not_ready": ("会议尚未开始，还没有会议纪要", "the meeting has not opened yet, so there are no minutes"),
    "no_resolution": ("该议题在本次会议中没有形成决议", "the meeting adopted no resolution on this topic"),
    "member_required": ("请注明是哪位成员", "name the member (member_id)"),
    "not_yourself": ("成员只能以本人身份表决或发表意见", "a member votes and speaks only as themselves"),
}


class MeetingRefused(Refusal):
    """A command the meeting cannot carry out, with ``error`` code and both messages."""


def refusal(error: str, kind: RefusalKind = NOT_NOW) -> MeetingRefused:
    """The refusal for an error code from ``REFUSALS``, of the kind the caller says."""
    message_zh, message_en = REFUSALS[error]
    return MeetingRefused(error, message_zh, message_en, kind=kind)


def no_quorum(present: int, required: int, total: int) -> MeetingRefused:
    """No quorum, with the figures a chair needs: how many are here, how many are needed."""
    message_zh, message_en = REFUSALS["no_quorum"]
    return MeetingRefused(
        "no_quorum",
        f"{message_zh}（在场固定成员 {present} 人，法定人数 {required} 人）",
        f"{message_en} ({present} fixed members present, {required} required)",
        kind=NOT_NOW, present=present, required=required, fixed_members_total=total,
    )
