"""A meeting's documents laid out on A4 as PDF (WeasyPrint: HTML and CSS to PDF).

WeasyPrint shapes Chinese text with Pango and HarfBuzz, breaks lines where Chinese allows,
repeats table headers across pages, numbers pages from CSS, and embeds a subset of the
Noto CJK fonts it uses, so a printout looks the same on any machine. It needs Debian's
pango and fonts-noto-cjk (``deploy/dev`` installs them); it is imported on first use, so a
server without them still runs every other route and answers a document request with 503.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.kit.refusal import RefusalKind

from ..domain import MeetingRefused
from . import labels as zh
from .model import Minutes, Resolution

T = TypeVar("T")

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
_RENDERER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="meeting-pdf")
"""One rendering at a time, off the event loop: a render is CPU-bound (about a second), and
Pango and fontconfig are not meant to be shared by several threads at once."""
TEMPLATES = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
    trim_blocks=True, lstrip_blocks=True,
)


def minutes_html(doc: Minutes, printed_at: datetime) -> str:
    return _html("minutes.html", doc, zh.moment(printed_at))


def resolution_html(doc: Resolution) -> str:
    return _html("resolution.html", doc, None)


def minutes_pdf(doc: Minutes, printed_at: datetime) -> bytes:
    """会议纪要 as an A4 PDF, stamped with when it was printed (a draft changes until the meeting closes)."""
    return render(minutes_html(doc, printed_at))


@lru_cache(maxsize=64)
def resolution_pdf(doc: Resolution) -> bytes:
    """协商议事决议 as an A4 PDF. Anyone may fetch an adopted resolution and it says the same each
    time, so the same document is laid out once, not on every request."""
    return render(resolution_html(doc))


async def in_background(render_one: Callable[..., T], *args: Any) -> T:
    """Run a rendering on the document thread, leaving the event loop free for other requests."""
    return await asyncio.get_running_loop().run_in_executor(_RENDERER, render_one, *args)


def _html(template: str, doc: Any, printed: str | None) -> str:
    return TEMPLATES.get_template(template).render(doc=doc, sitting=doc.sitting, printed=printed)


def render(html: str) -> bytes:
    """The PDF of an HTML document (CPU-bound: call it off the event loop)."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # Pango's shared libraries are missing on this machine
        raise MeetingRefused(
            "documents_unavailable", "本服务器暂不能生成PDF文书，请联系管理员",
            f"this server cannot render PDF documents: {exc}", kind=RefusalKind.unavailable,
        ) from exc
    return HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf()
