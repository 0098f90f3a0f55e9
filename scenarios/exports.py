"""Workbooks for people who work in spreadsheets: an event's scenario booklet (场景清单) and its docking agenda.
Chinese headings, one sheet per top-level sector in the booklet, frozen header rows, sensible widths."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .models import ReleaseEvent, Scenario
from .selectors import CONTACT_FIELDS, AgendaRow, public_contact

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="9E1B1B")


def booklet_columns() -> list[tuple[str, int]]:
    return [
        (_("序号"), 6),
        (_("场景名称"), 30),
        (_("场景提供方"), 26),
        (_("所在市（州）"), 12),
        (_("行业领域"), 22),
        (_("场景类别"), 10),
        (_("合作方式"), 12),
        (_("预算（万元）"), 14),
        (_("场景用途"), 40),
        (_("技术要求"), 40),
        (_("联系人"), 10),
        (_("联系电话"), 16),
        (_("电子邮箱"), 22),
    ]


def _budget(s: Scenario) -> str:
    low, high = s.budget_min, s.budget_max
    if low is None and high is None:
        return _("面议")
    if high is None or low == high:
        return f"{float(low if high is None else high):g}"
    return f"{float(low or 0):g}–{float(high):g}"


def booklet_rows(scenarios: Iterable[Scenario]) -> list[tuple[str, list[list]]]:
    """The booklet's sections: (top-level sector, rows), in the order given."""
    sections: list[tuple[str, list[list]]] = []
    for s in scenarios:
        top = (s.sector.parent or s.sector).name
        if not sections or sections[-1][0] != top:
            sections.append((top, []))
        rows = sections[-1][1]
        rows.append(
            [
                len(rows) + 1,
                s.title,
                s.provider.name,
                s.region.name,
                s.sector.name,
                s.get_category_display(),
                s.get_cooperation_mode_display(),
                _budget(s),
                s.purpose,
                s.requirements,
                *(contact[f] if (contact := public_contact(s)) else "" for f in CONTACT_FIELDS),
            ]
        )
    return sections


def booklet_workbook(event: ReleaseEvent, scenarios: list[Scenario]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    sections = booklet_rows(scenarios) or [(_("场景清单"), [])]
    for title, rows in sections:
        sheet = book.create_sheet(_sheet_title(title))
        sheet.append([safe_cell(f"{event.name}（{event.date:%Y-%m-%d}）")])
        sheet["A1"].font = Font(bold=True, size=14)
        _table(sheet, booklet_columns(), rows, first_row=2)
    return _bytes(book)


def agenda_workbook(event: ReleaseEvent, rows: list[AgendaRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(_("对接会日程"))
    columns = [(_("时间"), 18), (_("桌号"), 8), (_("场景提供方"), 26), (_("产品提供方"), 26), (_("应用场景"), 34)]
    show_requested = any(r.requested is not None for r in rows)
    if show_requested:
        columns.append((_("主动申请"), 10))
    data = []
    for r in rows:
        line = [timezone.localtime(r.starts_at).strftime("%Y-%m-%d %H:%M"), r.table, r.provider, r.supplier, r.scenario]
        if show_requested:
            line.append("" if r.requested is None else (_("是") if r.requested else _("否")))
        data.append(line)
    sheet.append([safe_cell(f"{event.name} · {_('对接会日程')}")])
    sheet["A1"].font = Font(bold=True, size=14)
    _table(sheet, columns, data, first_row=2)
    return _bytes(book)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text as text: a spreadsheet treats a cell starting with = + - @ (or a tab) as a formula, so one typed
    by a user (a scenario title, an organisation's name) is written with a leading apostrophe, the way a
    person types text that looks like a formula (OWASP "CSV injection")."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _table(sheet, columns: list[tuple[str, int]], rows: list[list], *, first_row: int) -> None:
    for col, (heading, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=first_row, column=col, value=heading)
        cell.font, cell.fill = HEADER, HEADER_FILL
        sheet.column_dimensions[get_column_letter(col)].width = width
    for n, row in enumerate(rows, start=first_row + 1):
        for col, value in enumerate(row, start=1):
            sheet.cell(row=n, column=col, value=safe_cell(value)).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=first_row + 1, column=1)


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in sheet names and more than 31 of them.
    return "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"


def _bytes(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()
