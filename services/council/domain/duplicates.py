"""Possible duplicates (疑似重复议题), flagged to the screener before deciding a topic.

Two titles of the same community are compared after normalising: full-width and
half-width forms folded (NFKC), case folded, and spaces, punctuation (Chinese and ASCII),
symbols and control characters removed. Equal normalised titles score 1.0; otherwise the
difflib ratio must reach the threshold (0.8 by default).
"""

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from uuid import UUID

from yishi_contracts import Status

from .screening import TopicRef

SIMILARITY_THRESHOLD = 0.8
NOT_COMPARED = frozenset({Status.merged, Status.rejected})
"""A new topic is not compared with rejected topics, nor with merged ones (a merge goes to their target)."""
_DROPPED = ("P", "S", "Z", "C")  # punctuation, symbols, separators (spaces), control/format


def normalise_title(title: str) -> str:
    """The comparable form of a title: "泾崇路 无停车位！" and "泾崇路无停车位!" are the same."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith(_DROPPED))


def title_similarity(a: str, b: str) -> float:
    """1.0 for equal normalised titles, else the SequenceMatcher ratio; 0.0 when either is empty."""
    left, right = normalise_title(a), normalise_title(b)
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


@dataclass(frozen=True)
class DuplicateCandidate:
    topic_id: UUID
    title: str
    score: float


def possible_duplicates(
    topic: TopicRef, others: list[TopicRef], *, threshold: float = SIMILARITY_THRESHOLD
) -> list[DuplicateCandidate]:
    """Topics of the same community whose titles look like ``topic``'s, best match first.

    Merged topics are left out: a merge goes to the topic they were merged into.
    """
    found = []
    for other in others:
        if other.topic_id == topic.topic_id or other.community_id != topic.community_id:
            continue
        if other.status == Status.merged:
            continue
        score = title_similarity(topic.title, other.title)
        if score >= threshold:
            found.append((other.submitted_at, DuplicateCandidate(other.topic_id, other.title, round(score, 4))))
    found.sort(key=lambda pair: (-pair[1].score, pair[0]))
    return [candidate for _, candidate in found]
