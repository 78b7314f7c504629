"""The documents laid out as A4 PDFs (WeasyPrint, no servers): what a reader sees, the
fonts embedded, a draft marked as such, and what a recorder typed shown as text, never markup."""

import re
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from services.meeting.documents import build, pdf
from services.meeting.domain import EntryKind, RecordMinutesEntry

from .builders import TOPIC_A, TOPIC_B, later
from .test_documents import DISSENT, TITLES, sat

PRINTED = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def poppler(tool: str, content: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "document.pdf"
        path.write_bytes(content)
        return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])], check=True,
                              capture_output=True, text=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_draft_of_the_minutes_is_an_a4_pdf_with_its_cjk_fonts_embedded() -> None:
    m = sat("open")
    m.execute(RecordMinutesEntry(TOPIC_B, "m4", EntryKind.discussion, "<b>加粗</b> & “引号”"), now=later(45))
    content = pdf.minutes_pdf(build.minutes(m.stream, build.Directory.of(m.meeting), TITLES, "清波门社区"), PRINTED)
    assert content.startswith(b"%PDF-")
    info = poppler("pdfinfo", content)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    assert "Title:           清波门社区协商议事会会议纪要" in info
    text = flat(poppler("pdftotext", content))
    for expected in ("清波门社区协商议事会", "会议纪要", "草稿：会议尚未闭会", "孙红梅（主席）", "张建国（固定成员·政协委员）",
                     "<b>加粗</b>&“引号”", "待议", "第1页/共", "打印于2026年11月28日20:00"):
        assert flat(expected) in text, expected
    fonts = poppler("pdffonts", content).splitlines()[2:]
    assert fonts and all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts), fonts  # embedded, subset
    names = {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in fonts}
    assert names >= {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"}, names


def test_the_resolution_fits_one_page_with_the_chairs_signature_and_the_seal() -> None:
    m = sat()
    doc = build.resolution(m.stream, build.Directory.of(m.meeting), TOPIC_A, TITLES[TOPIC_A], "清波门社区")
    assert doc is not None
    html = pdf.resolution_html(doc)
    assert "张建国" in html and "（签字）" in html and "清波门社区协商议事会（盖章）" in html
    content = pdf.resolution_pdf(doc)
    assert pdf.resolution_pdf(build.resolution(m.stream, build.Directory.of(m.meeting), TOPIC_A, TITLES[TOPIC_A],
                                               "清波门社区")) is content  # the same resolution is laid out once
    assert re.search(r"Pages:\s+1\n", poppler("pdfinfo", content))
    text = flat(poppler("pdftotext", content))
    for expected in ("协商议事决议", "环卫工人无处歇脚", "表决：赞成 6 票，反对 1 票，弃权 1 票（参加表决 8 人）",
                     "改造社区闲置用房为爱心驿站", "社区居委会", "2026年12月31日", DISSENT):
        assert flat(expected) in text, expected
    assert "赵桂兰（固定成员" not in text  # the posted resolution names no dissenter
    assert "打印于" not in text
