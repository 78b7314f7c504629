"""The meeting rules of one community (议事规则): quorum and the majority for adoption.

Thresholds are exact fractions, never floats: "two thirds" is ``Fraction(2, 3)`` and
every comparison is done in integers, so 6 of 9 meets a two-thirds quorum exactly.
"""

from dataclasses import dataclass
from fractions import Fraction

from yishi_contracts import Tally
from yishi_contracts.settings import EffectiveSettings

TWO_THIRDS = Fraction(2, 3)
ONE_HALF = Fraction(1, 2)


def fraction_text(value: Fraction) -> str:
    """A threshold as people write it: "2/3"."""
    return f"{value.numerator}/{value.denominator}"


def _exact(name: str, value: object) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (Fraction, int)):
        raise TypeError(f"{name} must be an exact Fraction, not {type(value).__name__}")
    return Fraction(value)


@dataclass(frozen=True)
class MeetingRules:
    """议事规则, configurable per community and fixed for a meeting once it is scheduled.

    - ``quorum``: the share of the council's fixed members who must be present
      (法定人数); met when ``present >= quorum * total``. Default two thirds.
    - ``adoption``: the share of the voting members present that "in favour" must
      exceed (表决通过); adopted when ``in_favour > adoption * voting_present``.
      Default one half, i.e. more than half.
    - ``abstentions_count_as_present``: when true (default), every fixed member present
      who may vote counts in the base, so abstaining does not lower the bar; when false,
      the base is only those who voted for or against.
    """

    quorum: Fraction = TWO_THIRDS
    adoption: Fraction = ONE_HALF
    abstentions_count_as_present: bool = True

    def __post_init__(self) -> None:
        quorum = _exact("quorum", self.quorum)
        adoption = _exact("adoption", self.adoption)
        if not 0 < quorum <= 1:
            raise ValueError("quorum must be a fraction in (0, 1]")
        if not 0 <= adoption < 1:
            raise ValueError("adoption must be a fraction in [0, 1)")
        object.__setattr__(self, "quorum", quorum)
        object.__setattr__(self, "adoption", adoption)

    @classmethod
    def of(cls, settings: EffectiveSettings) -> "MeetingRules":
        """A meeting's rules from its community's settings (议事设置); abstentions count as present,
        no setting chooses otherwise."""
        return cls(Fraction(settings.quorum.value), Fraction(settings.adoption.value))

    def quorum_met(self, present: int, total: int) -> bool:
        """Whether ``present`` of ``total`` fixed members make a quorum (达到法定人数).

        A council with no fixed members never has a quorum.
        """
        if present < 0 or total < 0 or present > total:
            raise ValueError("present must be between 0 and total")
        q = self.quorum
        return total > 0 and present * q.denominator >= q.numerator * total

    def quorum_required(self, total: int) -> int:
        """The fewest of ``total`` fixed members present that make a quorum."""
        q = self.quorum
        return -(-q.numerator * total // q.denominator)

    def voting_base(self, tally: Tally, voting_present: int) -> int:
        """The number "in favour" is measured against."""
        cast = tally.in_favour + tally.against + tally.abstain
        if voting_present < cast:
            raise ValueError("more votes cast than voting members present")
        if self.abstentions_count_as_present:
            return voting_present
        return tally.in_favour + tally.against

    def adopted(self, tally: Tally, voting_present: int) -> bool:
        """Whether the tally adopts the motion (表决通过). No base, no adoption."""
        base = self.voting_base(tally, voting_present)
        a = self.adoption
        return base > 0 and tally.in_favour * a.denominator > a.numerator * base
