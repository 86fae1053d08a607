"""The Excel template of one report, and reading figures back from an .xlsx or
.csv file. Codes travel in hidden columns, so a renamed indicator or division
still matches."""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from luodi.core.spreadsheets import write_cell
from luodi.divisions.models import Division

from .models import Period
from .selectors import report_form_rows

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip; refuse one that would unpack to far more than it weighs.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000

# Column keys, in order; the first three and the last are hidden in the template.
COLUMNS = [
    "indicator",
    "division",
    "period",
    "name",
    "unit",
    "target",
    "previous",
    "value",
    "comment",
    "version",
]
HIDDEN = {"indicator", "division", "period", "version"}


class SpreadsheetError(Exception):
    """The file cannot be read at all; says why."""


@dataclass
class FigureRow:
    """One figure as read from a file: `row` is the line number a person sees."""

    row: int
    indicator: str
    division: str
    period: str
    value: str
    comment: str
    version: str


def _headers() -> list[str]:
    return [
        _("indicator code"),
        _("division code"),
        _("period"),
        _("Indicator"),
        _("unit"),
        _("Target this year"),
        _("Previous period"),
        _("Value"),
        _("Comment"),
        _("version"),
    ]


def report_template(*, division: Division, period: Period) -> bytes:
    """The report's figures as an .xlsx a reporter fills in offline."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = period.code
    write_cell(sheet.cell(row=1, column=1), f"{division.name} · {period.code}")
    for column, header in enumerate(_headers(), start=1):
        write_cell(sheet.cell(row=2, column=column), header)
    for line, row in enumerate(report_form_rows(division=division, period=period), start=3):
        cells = [
            row.indicator.code,
            division.code,
            period.code,
            row.indicator.name,
            row.indicator.unit.symbol,
            row.target,
            row.previous,
            row.value,
            row.comment,
            row.version,
        ]
        for column, value in enumerate(cells, start=1):
            write_cell(sheet.cell(row=line, column=column), value)
    for column, key in enumerate(COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(column)]
        dimension.hidden = key in HIDDEN
        dimension.width = 30 if key == "name" else 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _check_zip(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as error:
        raise SpreadsheetError(_("This is not an .xlsx file.")) from error
    unpacked = sum(item.file_size for item in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            _("This file would unpack to %(size)d MB; the limit is %(limit)d MB.")
            % {"size": unpacked // 2**20, "limit": MAX_UNPACKED_BYTES // 2**20}
        )


def _rows_from_xlsx(content: bytes) -> list[list[str]]:
    _check_zip(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError(
            _("This .xlsx file cannot be read: %(reason)s") % {"reason": error}
        ) from error
    sheet = workbook.worksheets[0]
    return [[_plain(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _rows_from_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(_("This .csv file is not UTF-8 text.")) from error
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def read_figures(*, name: str, content: bytes) -> list[FigureRow]:
    """Figures from an uploaded file. The header row names the columns by their
    codes (or the template's headings); rows without an indicator code are skipped."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            _("The file is %(size)d bytes; the limit is %(limit)d bytes.")
            % {"size": len(content), "limit": MAX_UPLOAD_BYTES}
        )
    lower = name.lower()
    if lower.endswith(".xlsx"):
        rows = _rows_from_xlsx(content)
    elif lower.endswith(".csv"):
        rows = _rows_from_csv(content)
    else:
        raise SpreadsheetError(_("Upload an .xlsx or .csv file."))
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(_("The file has more than %(limit)d rows.") % {"limit": MAX_ROWS})
    # A template downloaded in one language may come back while using another.
    names = {key: key for key in COLUMNS}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.update(zip(_headers(), COLUMNS, strict=True))
    for number, row in enumerate(rows[:5], start=1):
        keys = [names.get(cell) for cell in row]
        if "indicator" in keys and "value" in keys:
            header_at, header = number, keys
            break
    else:
        raise SpreadsheetError(_("No header row with “indicator” and “value” columns."))
    figures = []
    for number, row in enumerate(rows[header_at:], start=header_at + 1):
        cells = {key: row[i] if i < len(row) else "" for i, key in enumerate(header) if key}
        if not cells.get("indicator"):
            continue
        figures.append(
            FigureRow(
                row=number,
                **{
                    key: cells.get(key, "")
                    for key in ["indicator", "division", "period", "value", "comment", "version"]
                },
            )
        )
    return figures
