"""What every public event shares: its stable type name, its version, and its keys; and
the types of what a person writes.

Text a person wrote is marked ``OneLine`` (titles, names, ids, places) or ``Paragraphs``
(descriptions, minutes, reasons): ``Annotated[str, StringConstraints(...), OneLine]``. It is
normalised to NFC (one spelling per character, so equal texts compare equal and a length
counts characters as a person sees them) and refused when it holds a control character
(U+0000 cannot even be stored by PostgreSQL), a bidirectional override that reorders what a
reader sees, a lone surrogate, or nothing visible at all (spaces, zero-width characters,
variation selectors, fillers). ``Paragraphs`` keep line breaks (``\\r\\n`` from a form becomes
``\\n``) and tabs. The JSON Schema stays the plain string's: these are the reader's checks.
"""

import unicodedata
from datetime import datetime
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, GetCoreSchemaHandler, StringConstraints
from pydantic_core import PydanticCustomError, core_schema


# Shown as nothing, or as blank space: a text of only these says nothing.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"})
_BLANK_LETTERS = frozenset({0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180E})  # Hangul fillers, braille blank
# Embeddings, overrides and isolates: they reorder the characters a reader sees (spoofing).
_BIDI_CONTROLS = frozenset({*range(0x202A, 0x202F), *range(0x2066, 0x206A)})
_LINE_BREAKS = ("\r\n", "\r", "\x85", "\u2028", "\u2029")


def _character(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def _refused_character(ch: str, multiline: bool) -> bool:
    category = unicodedata.category(ch)
    if category == "Cc":
        return not (multiline and ch in "\n\t")
    return category == "Cs" or ord(ch) in _BIDI_CONTROLS or (not multiline and category in ("Zl", "Zp"))


def _visible(ch: str) -> bool:
    return unicodedata.category(ch) not in _INVISIBLE_CATEGORIES and ord(ch) not in _BLANK_LETTERS


class PersonText:
    """The pydantic marker behind ``OneLine`` and ``Paragraphs``."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __repr__(self) -> str:
        return "Paragraphs" if self.multiline else "OneLine"

    def _before(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value  # the string schema refuses it with its own message
        if self.multiline:
            for line_break in _LINE_BREAKS:
                value = value.replace(line_break, "\n")
        return unicodedata.normalize("NFC", value)

    def _after(self, value: str) -> str:
        # Every refused character is unprintable (Cc, Cs, the bidi controls' Cf, Zl, Zp): a text
        # printable but for the line breaks and tabs it may hold is checked at C speed, and only
        # another (an ideographic space, say) is walked character by character.
        if (value.replace("\n", "").replace("\t", "") if self.multiline else value).isprintable():
            return self._visible_somewhere(value)
        for ch in value:
            if _refused_character(ch, self.multiline):
                if ch in "\n\r" or unicodedata.category(ch) in ("Zl", "Zp"):
                    raise PydanticCustomError("text_line_break", "must be one line, without line breaks")
                raise PydanticCustomError(
                    "text_control_character",
                    "must not contain the control character {character}",
                    {"character": _character(ch)},
                )
        return self._visible_somewhere(value)

    @staticmethod
    def _visible_somewhere(value: str) -> str:
        if value and not any(_visible(ch) for ch in value):
            raise PydanticCustomError("text_invisible", "must contain visible characters, not only blanks")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        checked = core_schema.no_info_after_validator_function(self._after, handler(source))
        return core_schema.no_info_before_validator_function(self._before, checked)


OneLine = PersonText(multiline=False)
"""A title, a name, an id, a place: no line breaks, no control characters."""
Paragraphs = PersonText(multiline=True)
"""A description, minutes, a reason: line breaks and tabs allowed, no other control characters."""

# Free text a person wrote on one line (an id, a name): trimmed, never empty or blank.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), OneLine]


def _ascii_digits(value: str) -> str:
    # Python's and pydantic's \d also match full-width (０-９) and other scripts' digits; JSON
    # Schema's \d (ECMA-262) does not, so the published pattern already meant these.
    if not value.isascii():
        raise PydanticCustomError("string_pattern_mismatch", "String should match pattern '{pattern}'",
                                  {"pattern": "^[0-9]{12}$"})
    return value


# 统计用区划代码: 12 digits — district/county (6), street/town (9), community/village (12).
# Using the official code as the community id gives every figure its hierarchy for free.
CommunityId = Annotated[str, StringConstraints(pattern=r"^\d{12}$"), AfterValidator(_ascii_digits)]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp must carry a timezone (时间必须带时区)")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


class Event(BaseModel):
    """The data of one public event.

    Subclasses set ``type_name`` (a stable name, never a Python import path) and
    ``version``; a breaking change to the data makes a new version, an added optional
    field does not. Readers ignore fields they do not know (tolerant reader). The
    ``subject`` is the stream the event belongs to and its Kafka key.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    type_name: ClassVar[str]
    version: ClassVar[int] = 1

    community_id: CommunityId

    @classmethod
    def cloudevent_type(cls) -> str:
        """The CloudEvents ``type`` attribute: name and major version, e.g. ``yishi.TopicSubmitted.v1``."""
        return f"{cls.type_name}.v{cls.version}"

    def subject(self) -> str:
        """The stream this event belongs to; TopicEvent and every other concrete event define it."""
        raise TypeError(f"{type(self).__name__} does not name its stream")


class TopicEvent(Event):
    """An event about one consultation topic (议题): its stream and key is the topic id."""

    topic_id: UUID

    def subject(self) -> str:
        return str(self.topic_id)
