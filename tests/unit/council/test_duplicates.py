"""Possible duplicates: same community, titles equal or similar after normalising."""

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from yishi_contracts import Status

from services.council.domain.duplicates import normalise_title, possible_duplicates, title_similarity

from .builders import NOW, OTHER_COMMUNITY, topic

ASCII_PUNCT = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
CHINESE_PUNCT = list("，。！？、；：“”‘’（）《》【】—…·～")
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
ALNUM = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def to_full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def test_normalisation_examples() -> None:
    assert normalise_title("泾崇路 无停车位！") == normalise_title("泾崇路无停车位!") == "泾崇路无停车位"
    assert normalise_title("Ｎｏ．１２ 路口拥堵") == "no12路口拥堵"
    assert normalise_title("《中山街》——缺公厕…") == "中山街缺公厕"


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.one_of(HAN, ALNUM), min_size=1, max_size=20),
    noise=st.lists(st.tuples(st.integers(0, 20), st.sampled_from(ASCII_PUNCT + CHINESE_PUNCT + [" ", "\u3000", "\t"])), max_size=6),
    upper=st.booleans(),
)
def test_width_case_spaces_and_punctuation_do_not_matter(words: list[str], noise: list, upper: bool) -> None:
    title = "".join(words)
    noisy = list(to_full_width(title.upper() if upper else title))
    for position, mark in noise:
        noisy.insert(min(position, len(noisy)), mark)
    variant = "".join(noisy)
    assert normalise_title(variant) == normalise_title(title)
    assert title_similarity(variant, title) == 1.0


def test_similar_titles_score_by_ratio() -> None:
    assert title_similarity("中山街放学时段交通拥堵", "中山街放学时段交通堵塞") >= 0.8
    assert title_similarity("中山街无公厕", "泾崇路无停车位") < 0.8
    assert title_similarity("！！！", "？？？") == 0.0


def test_candidates_are_same_community_sorted_by_score() -> None:
    new = topic(title="中山街放学时段交通拥堵")
    exact = topic(Status.accepted, title="中山街 放学时段 交通拥堵！", submitted_at=NOW - timedelta(days=1))
    close = topic(Status.submitted, title="中山街放学时段交通堵塞", submitted_at=NOW - timedelta(days=2))
    far = topic(title="泾崇路无停车位")
    elsewhere = topic(title="中山街放学时段交通拥堵", community=OTHER_COMMUNITY)
    merged = topic(Status.merged, title="中山街放学时段交通拥堵")
    found = possible_duplicates(new, [far, close, elsewhere, merged, new, exact])
    assert [c.topic_id for c in found] == [exact.topic_id, close.topic_id]
    assert found[0].score == 1.0 and 0.8 <= found[1].score < 1.0


def test_equal_scores_list_the_earliest_first() -> None:
    new = topic(title="无公厕")
    older, newer = topic(title="无公厕", submitted_at=NOW - timedelta(days=9)), topic(title="无 公厕", submitted_at=NOW)
    assert [c.topic_id for c in possible_duplicates(new, [newer, older])] == [older.topic_id, newer.topic_id]


def test_threshold_is_adjustable() -> None:
    new, other = topic(title="中山街无公厕"), topic(title="中山街缺少公共厕所")
    assert possible_duplicates(new, [other]) == []
    assert len(possible_duplicates(new, [other], threshold=0.4)) == 1
