"""Satisfaction (满意度): what residents' ratings of a completed implementation allow.

A rule decides from the ratings of one round whether the topic may be closed (办结),
must be done again (重新办理), or still awaits ratings. The ratings themselves are the
contracts' ``Satisfaction`` (满意 / 基本满意 / 不满意), the one enum every service uses.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from yishi_contracts import Satisfaction


class Verdict(StrEnum):
    close = "close"  # 可以办结
    reopen = "reopen"  # 须重新办理
    await_ratings = "await_ratings"  # 评价人数不足


@dataclass(frozen=True)
class ClosingRule:
    """Configurable per community. Default: at least one rating, and "dissatisfied" at most a third."""

    min_ratings: int = 1
    max_dissatisfied_share: Fraction = Fraction(1, 3)

    def __post_init__(self) -> None:
        if self.min_ratings < 1 or not 0 <= self.max_dissatisfied_share < 1:
            raise ValueError("min_ratings must be at least 1 and the share in [0, 1)")

    def verdict(self, ratings: Iterable[Satisfaction]) -> Verdict:
        ratings = list(ratings)
        if len(ratings) < self.min_ratings:
            return Verdict.await_ratings
        dissatisfied = sum(1 for r in ratings if r == Satisfaction.dissatisfied)
        if Fraction(dissatisfied, len(ratings)) > self.max_dissatisfied_share:
            return Verdict.reopen
        return Verdict.close
