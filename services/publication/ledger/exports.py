"""The ledger as JSON, CSV (UTF-8 with a BOM, so Excel reads the Chinese) and Excel (.xlsx,
openpyxl): the Chinese column headers in the ledger's order; in Excel one sheet for the
division and one per level under it."""

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from .figures import HEADERS_ZH
from .report import Ledger, LedgerRow
from .rules import LEVEL_ZH

ROW_HEADERS = ["区划代码", "区划名称", "层级"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _row(r: LedgerRow) -> list[Any]:
    return [r.code, r.name or "", LEVEL_ZH[r.level], *(r.figures[k] for k in HEADERS_ZH)]


def _title(ledger: Ledger) -> str:
    return f"{ledger.total.name or ledger.total.code} {ledger.period.label_zh} 协商议事台账"


def as_json(ledger: Ledger) -> dict[str, Any]:
    def row(r: LedgerRow) -> dict[str, Any]:
        return {"code": r.code, "name": r.name, "level": r.level.value, "figures": r.figures}

    return {
        "division": ledger.division.code, "level": ledger.division.level.value, "name": ledger.total.name,
        "period": ledger.period.name, "period_zh": ledger.period.label_zh,
        "start": ledger.period.start.isoformat(), "end": ledger.period.end.isoformat(),
        "as_of": ledger.as_of.isoformat(), "headers_zh": HEADERS_ZH, "total": row(ledger.total),
        "levels": {level.value: [row(r) for r in rows] for level, rows in ledger.levels.items()},
    }


def as_csv(ledger: Ledger) -> bytes:
    """One table: the division's own row first, then the rows of the levels under it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*ROW_HEADERS, *HEADERS_ZH.values()])
    writer.writerow(_row(ledger.total))
    for rows in ledger.levels.values():
        writer.writerows(_row(r) for r in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(ledger: Ledger) -> bytes:
    book = Workbook()
    sheets = [("合计", [ledger.total])] + [(LEVEL_ZH[level], rows) for level, rows in ledger.levels.items()]
    for index, (name, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = name
        sheet.append([_title(ledger)])
        sheet.append([*ROW_HEADERS, *HEADERS_ZH.values()])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for r in rows:
            sheet.append(_row(r))
        sheet.freeze_panes = "D3"
        sheet.column_dimensions["A"].width = 15
        sheet.column_dimensions["B"].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
