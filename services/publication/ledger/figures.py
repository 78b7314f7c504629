"""The ledger's figures, in the order and with the headers of a street office's 台账.

Each counted figure is an aggregate over the fact rows of the division's communities; a
step counts in the period its (latest, for ``first`` columns first) time falls in, China time:
- received: submitted in the period, by source and channel;
- accepted (by category), rejected (by exclusion reason), merged, returned: the topic's latest
  screening of that outcome in the period;
- decided at a meeting (adopted / deferred / dropped, the latest of each); "researched before
  the meeting": of the topics whose latest meeting decision is in the period, those whose first
  research was completed no later than it;
- meetings held: a meeting's latest decision in the period; attendance from its resolutions;
- disclosures started; objections raised, and assessed upheld (成立) or dismissed (不成立) in the
  period, one per objection; topics returned to the council by an upheld objection;
- implementations started (first start), completed (latest completion; on time per the event),
  overdue: at the period's end (or now), the current round's last task deadline plus the overdue
  grace in effect when the round started (the registry replica's settings) has passed and the
  round is not completed;
- satisfaction: the ratings of the rounds judged (closed or reopened) in the period; closed;
- escalations (成果转化) by kind;
- median days (whole days, floored) from submission to the deciding screening (accepted /
  rejected / merged), to the meeting decision, to completion — over the topics that reached
  that step in the period.
The city and districts are summed from the monthly rollup per district (``rollup.py``);
streets and communities are counted from the fact rows themselves: the same figures.
"""

from dataclasses import dataclass

from yishi_contracts import Category, Channel, EscalationKind, ExclusionReason, TopicSource, label_zh
from yishi_contracts.settings import CITY_DEFAULTS


@dataclass(frozen=True)
class Figure:
    key: str
    header_zh: str
    sql: str
    """The aggregate over the rows of ``table``."""
    table: str = "ledger_topics"


def _in(column: str) -> str:
    return f"{column} >= $2 AND {column} < $3"


def _count(where: str) -> str:
    return f"count(*) FILTER (WHERE {where})"


def _median_days(step: str) -> str:
    """The median of whole days (floored) from submission to the step: the rollup keeps a
    histogram of those, so the two ways of reading agree exactly."""
    return (f"round((percentile_cont(0.5) WITHIN GROUP (ORDER BY floor(extract(epoch FROM ({step}) - submitted_at) / 86400))"
            f" FILTER (WHERE {_in(step)} AND submitted_at IS NOT NULL))::numeric, 1)")


DECIDING_SCREENING = "GREATEST(accepted_at, rejected_at, merged_at)"
MEETING_DECISION = "GREATEST(adopted_at, deferred_at, dropped_at)"


def grace_days(row: str = "ledger_topics") -> str:
    """The overdue grace (逾期宽限) of ``row``'s current round, as ``services.kit.registry.effective_at``
    reads the registry replica at the round's start: per division of the lineage its own settings
    then (the latest change effective by the start; ties: the later recorded), the nearest one
    whose own grace is set (null inherits), else the city's default."""
    community = f"{row}.community_id"
    return f"""COALESCE((
        SELECT own.overdue_grace_days FROM (
            SELECT DISTINCT ON (s.code) s.code, s.overdue_grace_days FROM registry_settings s
            WHERE s.code IN (left({community}, 6) || '000000', left({community}, 9) || '000', {community})
              AND s.effective_from <= {row}.round_started_at
            ORDER BY s.code, s.effective_from DESC, s.recorded_at DESC, s.event_id DESC
        ) AS own
        WHERE own.overdue_grace_days IS NOT NULL
        ORDER BY own.code DESC  -- community > street > district: the codes share their prefix
        LIMIT 1), {CITY_DEFAULTS.overdue_grace_days})"""


_GREATEST_GRACE = (f"(SELECT GREATEST(max(overdue_grace_days), {CITY_DEFAULTS.overdue_grace_days})"
                   " FROM registry_settings)")


def deadline_passed(as_of: str) -> str:
    """The current round began before ``as_of`` and its last deadline plus its grace had passed by then."""
    # deadline + 1 day at 00:00 China time <= as_of  ⟺  deadline < as_of's date in China (computed once);
    # the grace is never negative nor more than the greatest one recorded (read once): only the rounds
    # whose deadline passed less than that long ago need their own grace looked up
    as_of_day = f"({as_of} AT TIME ZONE 'Asia/Shanghai')::date"
    return (f"implementation_started_at < {as_of} AND implementation_deadline IS NOT NULL"
            f" AND implementation_deadline < {as_of_day}"
            f" AND (implementation_deadline + {_GREATEST_GRACE} < {as_of_day}"
            f" OR implementation_deadline + {grace_days()} < {as_of_day})")


def overdue(as_of: str) -> str:
    """The current round's last deadline passed by ``as_of`` and the round not complete then."""
    return (f"{deadline_passed(as_of)}"
            f" AND (completed_round IS NULL OR completed_round < implementation_round OR completed_at > {as_of})")


_OVERDUE = overdue("$4")

FIGURES: tuple[Figure, ...] = (
    Figure("received", "收集议题数", _count(_in("submitted_at"))),
    *(Figure(f"received_{s.value}", f"来源·{label_zh(s)}", _count(f"{_in('submitted_at')} AND source = '{s.value}'"))
      for s in TopicSource),
    *(Figure(f"received_{ch.value}", f"渠道·{label_zh(ch)}", _count(f"{_in('submitted_at')} AND channel = '{ch.value}'"))
      for ch in Channel),
    Figure("accepted", "立项数", _count(_in("accepted_at"))),
    *(Figure(f"accepted_{k.value}", f"类别·{label_zh(k)}", _count(f"{_in('accepted_at')} AND category = '{k.value}'"))
      for k in Category),
    Figure("rejected", "不予协商数", _count(_in("rejected_at"))),
    *(Figure(f"rejected_{r.value}", f"不予协商·{label_zh(r)}",
             _count(f"{_in('rejected_at')} AND exclusion_reason = '{r.value}'")) for r in ExclusionReason),
    Figure("merged", "合并议题数", _count(_in("merged_at"))),
    Figure("returned", "退回补充数", _count(_in("returned_at"))),
    Figure("decided_at_meeting", "上会议题数", _count(_in(MEETING_DECISION))),
    Figure("researched_before_meeting", "议前调研议题数",
           _count(f"{_in(MEETING_DECISION)} AND researched_at <= {MEETING_DECISION}")),
    Figure("meetings_held", "召开协商会议次数", _count(_in("held_at")), table="ledger_meetings"),
    Figure("fixed_members_expected", "应到固定成员人次",
           f"coalesce(sum(fixed_members_total) FILTER (WHERE {_in('held_at')}), 0)", table="ledger_meetings"),
    Figure("fixed_members_present", "实到固定成员人次",
           f"coalesce(sum(fixed_members_present) FILTER (WHERE {_in('held_at')}), 0)", table="ledger_meetings"),
    Figure("invitees_present", "列席人员人次",
           f"coalesce(sum(invitees_present) FILTER (WHERE {_in('held_at')}), 0)", table="ledger_meetings"),
    Figure("adopted", "形成协商意见数", _count(_in("adopted_at"))),
    Figure("deferred", "暂缓协商数", _count(_in("deferred_at"))),
    Figure("dropped", "不再协商数", _count(_in("dropped_at"))),
    Figure("disclosed", "公示数", _count(_in("disclosed_at"))),
    Figure("objections_raised", "收到异议数", _count(_in("raised_at")), table="ledger_objections"),
    Figure("objections_substantive", "异议成立数", _count(f"{_in('assessed_at')} AND substantive"),
           table="ledger_objections"),
    Figure("objections_dismissed", "异议不成立数", _count(f"{_in('assessed_at')} AND NOT substantive"),
           table="ledger_objections"),
    Figure("objections_upheld", "异议成立退回数", _count(_in("objection_upheld_at"))),
    Figure("implementations_started", "启动落实数", _count(_in("implementation_started_at"))),
    Figure("implementations_completed", "完成落实数", _count(_in("completed_at"))),
    Figure("completed_on_time", "按期完成数", _count(f"{_in('completed_at')} AND completed_on_time")),
    Figure("implementations_overdue", "逾期未完成数", _count(_OVERDUE)),
    Figure("satisfied", "满意", f"coalesce(sum(satisfied) FILTER (WHERE {_in('rated_at')}), 0)"),
    Figure("basically_satisfied", "基本满意", f"coalesce(sum(basically_satisfied) FILTER (WHERE {_in('rated_at')}), 0)"),
    Figure("dissatisfied", "不满意", f"coalesce(sum(dissatisfied) FILTER (WHERE {_in('rated_at')}), 0)"),
    Figure("closed", "办结数", _count(_in("closed_at"))),
    Figure("escalated", "成果转化数", _count(_in("escalated_at"))),
    *(Figure(f"escalated_{k.value}", f"成果转化·{label_zh(k)}",
             _count(f"{_in('escalated_at')} AND escalation_kind = '{k.value}'")) for k in EscalationKind),
    Figure("median_days_to_screening", "提交至确定议题中位天数", _median_days(DECIDING_SCREENING)),
    Figure("median_days_to_meeting", "提交至协商中位天数", _median_days(MEETING_DECISION)),
    Figure("median_days_to_completion", "提交至落实完成中位天数", _median_days("completed_at")),
)


@dataclass(frozen=True)
class Share:
    """A rate derived from two counted figures, shown as a percentage with one decimal."""

    key: str
    header_zh: str
    part: tuple[str, ...]
    whole: tuple[str, ...]
    after: str
    """The counted figure it is shown after."""


SHARES: tuple[Share, ...] = (
    Share("research_share", "议前调研率(%)", ("researched_before_meeting",), ("decided_at_meeting",),
          "researched_before_meeting"),
    Share("attendance_rate", "固定成员出席率(%)", ("fixed_members_present",), ("fixed_members_expected",),
          "fixed_members_present"),
    Share("on_time_rate", "按期完成率(%)", ("completed_on_time",), ("implementations_completed",), "completed_on_time"),
    Share("satisfaction_rate", "满意率(%)(满意+基本满意)", ("satisfied", "basically_satisfied"),
          ("satisfied", "basically_satisfied", "dissatisfied"), "dissatisfied"),
)


def with_shares(counted: dict[str, object]) -> dict[str, object]:
    """The counted figures with the shares inserted after the figure each belongs to."""
    out: dict[str, object] = {}
    for key, value in counted.items():
        out[key] = value
        for share in SHARES:
            if share.after == key:
                whole = sum(int(counted[k] or 0) for k in share.whole)  # type: ignore[call-overload]
                part = sum(int(counted[k] or 0) for k in share.part)  # type: ignore[call-overload]
                out[share.key] = round(100 * part / whole, 1) if whole else None
    return out


HEADERS_ZH: dict[str, str] = {}
for _f in FIGURES:
    HEADERS_ZH[_f.key] = _f.header_zh
    for _s in SHARES:
        if _s.after == _f.key:
            HEADERS_ZH[_s.key] = _s.header_zh
