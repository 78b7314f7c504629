"""The text check's shortcut (a printable text passes at C speed) refuses exactly what the
character-by-character walk refuses, for every character of the Basic Multilingual Plane and
the planes above it that have characters, on one line and in paragraphs."""

import pytest
from pydantic_core import PydanticCustomError
from yishi_contracts.base import OneLine, Paragraphs, PersonText, _refused_character


def _walked(marker: PersonText, text: str) -> bool:
    """Refused by the walk alone (what the check did before the shortcut)."""
    return any(_refused_character(ch, marker.multiline) for ch in text)


@pytest.mark.parametrize("marker", [OneLine, Paragraphs], ids=repr)
def test_the_shortcut_refuses_what_the_walk_refuses(marker: PersonText) -> None:
    disagreements = []
    for code in [*range(0x30000), *range(0xE0000, 0xE0080)]:
        text = f"路灯{chr(code)}不亮"
        try:
            marker._after(text)
            refused = False
        except PydanticCustomError:
            refused = True
        if refused != _walked(marker, text):
            disagreements.append(f"U+{code:04X}")
    assert disagreements == []
