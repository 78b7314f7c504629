"""What a printed minutes (会议纪要) or resolution (协商议事决议) says, as plain values.

Everything here is already in the words a council posts: people by name and role, never
by an id; times in China time; outcomes in Chinese. ``build`` makes these from a meeting's
events, the templates lay them out; neither decides anything.
"""

from dataclasses import dataclass

from yishi_contracts import Tally


@dataclass(frozen=True)
class Person:
    """Someone at the meeting: a name (an invitee's description), a role (主席 / 固定成员 / 列席)
    and what kind of member or invitee (政协委员, 利益相关方 …)."""

    name: str
    role: str
    detail: str = ""
    note: str = ""
    """主持, 迟到 or 中途离场, where it applies."""

    @property
    def label(self) -> str:
        """成员甲（固定成员·政协委员）."""
        return f"{self.name}（{self.role}·{self.detail}）" if self.detail else f"{self.name}（{self.role}）"


@dataclass(frozen=True)
class Quorum:
    """在场固定成员 n 人 / 应到 m 人，法定人数 k 人, at one moment of the meeting."""

    present: int
    total: int
    required: int
    invitees: int

    @property
    def met(self) -> bool:
        return self.total > 0 and self.present >= self.required

    @property
    def line(self) -> str:
        verdict = "达到法定人数" if self.met else "未达到法定人数"
        return f"在场固定成员 {self.present} 人 / 应到 {self.total} 人，法定人数 {self.required} 人（{verdict}）"


@dataclass(frozen=True)
class Voice:
    """One numbered entry of the minutes: who, in which manner (发言/提问/解答/辩论/讨论), what."""

    number: int
    speaker: Person
    kind: str
    text: str
    at: str


@dataclass(frozen=True)
class Dissent:
    """A dissenting opinion (保留意见); ``by`` is None where the document is public."""

    by: Person | None
    opinion: str


@dataclass(frozen=True)
class MeasureLine:
    """落实措施: what, who answers for it, by when."""

    description: str
    responsible_party: str
    deadline: str


@dataclass(frozen=True)
class Decision:
    """How the topic was decided: 协商一致, or 表决 with its tally and how many could vote."""

    method: str
    tally: Tally | None = None
    voting_present: int | None = None

    @property
    def line(self) -> str:
        if self.tally is None:
            return self.method
        t = self.tally
        base = f"（参加表决 {self.voting_present} 人）" if self.voting_present is not None else ""
        return f"{self.method}：赞成 {t.in_favour} 票，反对 {t.against} 票，弃权 {t.abstain} 票{base}"


@dataclass(frozen=True)
class TopicRecord:
    """One agenda topic in the minutes: the voices, the decision, the outcome and its measures."""

    heading: str
    title: str
    voices: tuple[Voice, ...]
    decision: Decision | None
    outcome: str
    reason: str | None
    resolution: str | None
    """The resolution adopted, or the motion put to a vote that failed."""
    measures: tuple[MeasureLine, ...]
    dissent: tuple[Dissent, ...]


@dataclass(frozen=True)
class Sitting:
    """Whose council, where and when a meeting sat, and who presided."""

    council: str
    """The community's name if known, else its 12-digit code, with 协商议事会."""
    place: str
    when: str
    """2026年11月28日 17:30—18:30 in China time; the planned time, so marked, before it opens."""
    chair: Person
    rules: str


@dataclass(frozen=True)
class Minutes:
    """会议纪要 of one meeting."""

    sitting: Sitting
    quorum: Quorum | None
    """At the opening; None before the meeting opened."""
    attended: tuple[Person, ...]
    absent: tuple[Person, ...]
    invitees: tuple[Person, ...]
    topics: tuple[TopicRecord, ...]
    final: bool
    """The meeting is closed: the minutes are complete."""


@dataclass(frozen=True)
class Resolution:
    """协商议事决议 on one topic, as posted: public, so dissent is not attributed."""

    sitting: Sitting
    title: str
    quorum: Quorum
    """At the adoption."""
    attended: tuple[Person, ...]
    invitees: tuple[Person, ...]
    decision: Decision
    text: str
    measures: tuple[MeasureLine, ...]
    dissent: tuple[Dissent, ...]
    adopted_on: str
