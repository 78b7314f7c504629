"""Refusals and shared rules of the publication domain (公开公示、组织落实、成果转化).

A refusal names the rule it enforces with a stable error code, explains itself to a
resident in Chinese and to an engineer in English, and says its kind where it is raised
(the kit turns the kind into an HTTP status): a state the procedure forbids now is the
default, a wrong request says ``INVALID``, something that does not exist ``NOT_FOUND``.
"""

from datetime import datetime

from services.kit.refusal import CHINA_TIME, INVALID, NOT_FOUND, NOT_NOW, NOT_YOURS, Refusal

__all__ = [
    "CHINA_TIME", "INVALID", "NOT_FOUND", "NOT_NOW", "NOT_YOURS", "PublicationRefused", "clean_text", "not_found",
    "require_aware",
]


class PublicationRefused(Refusal):
    """A command the publication domain will not carry out."""


def not_found(what_zh: str, what_en: str) -> PublicationRefused:
    """What a command names does not exist (yet): the topic, its disclosure, its implementation."""
    return PublicationRefused("not_found", f"找不到{what_zh}", f"no {what_en} found", kind=NOT_FOUND)


def require_aware(now: datetime) -> datetime:
    """Every instant handed in must carry its timezone."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise PublicationRefused("naive_time", "时间必须带时区", "a timestamp must carry a timezone", kind=INVALID)
    return now


def clean_text(text: str, *, field_zh: str, field_en: str, min_chars: int, max_chars: int) -> str:
    """Trim free text and check its length, or refuse naming the field."""
    cleaned = text.strip()
    if len(cleaned) < min_chars:
        raise PublicationRefused(
            "text_too_short",
            f"{field_zh}至少需要{min_chars}个字",
            f"the {field_en} needs at least {min_chars} characters",
            kind=INVALID,
        )
    if len(cleaned) > max_chars:
        raise PublicationRefused(
            "text_too_long",
            f"{field_zh}不能超过{max_chars}个字",
            f"the {field_en} may have at most {max_chars} characters",
            kind=INVALID,
        )
    return cleaned
