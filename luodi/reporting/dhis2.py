"""DHIS2 data value sets: figures in and out as JSON or CSV, the way DHIS2
writes them, so figures can travel between luodi and a DHIS2 instance.

Identifiers are codes (DHIS2's idScheme=CODE): `dataElement` is the indicator
code, `orgUnit` the division's GB/T 2260 code; periods are DHIS2's ISO periods
(202403, 2024Q1, 2024). Values are in the indicator's display unit, the one
people type in the forms. Category option combos are not used: luodi's figures
have no disaggregation, so those columns are written empty and ignored on the
way in (two rows for one figure are then refused as duplicates).

Importing goes through `values_import`, so scope, locking, versions and rules
are checked in one place and a file is written all or not at all.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from luodi.core.errors import ERRORS_LISTED
from luodi.divisions.models import Division
from luodi.plan.models import Indicator
from luodi.plan.units import from_base

from .models import DataValue, Period
from .selectors import values_as_stored
from .services import (
    FigureChange,
    ValuesImportRefused,
    ValuesImportReport,
    values_import,
)
from .spreadsheets import FigureRow

FORMATS = ("json", "csv")
MAX_ROWS = 100_000
# About three hundred bytes a data value in DHIS2's JSON, with room to spare.
MAX_BYTES = 32 * 1024 * 1024

# DHIS2's CSV columns, in the order DHIS2 writes them and reads a file without a header.
CSV_COLUMNS = [
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
]
CSV_REQUIRED = ["dataelement", "period", "orgunit", "value"]

# How values_import names a column, and how DHIS2 does in JSON.
JSON_NAMES = {
    "indicator": "dataElement",
    "division": "orgUnit",
    "period": "period",
    "value": "value",
    "comment": "comment",
}

_MONTH = re.compile(r"(\d{4})(0[1-9]|1[0-2])")
_QUARTER = re.compile(r"(\d{4})Q([1-4])")
_YEAR = re.compile(r"\d{4}")


class DataValueSetError(Exception):
    """The file cannot be read as a data value set. `conflicts` are
    (where, why) pairs: "dataValues[3].period" or "line 4, period"."""

    def __init__(self, conflicts: list[tuple[str, str]]):
        self.conflicts = conflicts
        shown = [f"{where}: {why}" if where else why for where, why in conflicts]
        if len(shown) > ERRORS_LISTED:
            shown = [
                *shown[:ERRORS_LISTED],
                _("… and %(count)d more errors.") % {"count": len(shown) - ERRORS_LISTED},
            ]
        super().__init__("\n".join(shown))


def luodi_period(iso: str) -> str:
    """luodi's code of a DHIS2 ISO period: 202403 → 2024-03, 2024Q1 → 2024-Q1,
    2024 → 2024. Other period types (weeks, days, financial years) are refused."""
    if match := _MONTH.fullmatch(iso):
        return f"{match[1]}-{match[2]}"
    if match := _QUARTER.fullmatch(iso):
        return f"{match[1]}-Q{match[2]}"
    if _YEAR.fullmatch(iso):
        return iso
    raise ValueError(
        _(
            "“%(period)s” is not a period luodi takes: write a month as 202403, "
            "a quarter as 2024Q1 or a year as 2024."
        )
        % {"period": iso}
    )


def iso_period(code: str) -> str:
    """DHIS2's ISO period of a luodi period code: 2024-03 → 202403, 2024-Q1 → 2024Q1."""
    return code.replace("-", "")


def _plain_number(value: Decimal) -> str:
    # format "f" never writes an exponent (1E-7), which other tools misread.
    return format(value, "f")


def _csv_name(key: str) -> str:
    return JSON_NAMES.get(key, key).lower()


def _where(row: int, column: str | None, format: str) -> str:
    """Where a row of the file is, as DHIS2 names it in that format."""
    if format == "json":
        place = f"dataValues[{row - 1}]"
        return f"{place}.{JSON_NAMES.get(column, column)}" if column else place
    place = _line(row)
    return f"{place}, {_csv_name(column)}" if column else place


def _line(number: int) -> str:
    return _("line %(line)d") % {"line": number}


# Reading.


def _refuse_oversized(content: bytes) -> None:
    if len(content) > MAX_BYTES:
        raise DataValueSetError(
            [
                (
                    "",
                    _("The file is %(size)d bytes; the limit is %(limit)d bytes.")
                    % {"size": len(content), "limit": MAX_BYTES},
                )
            ]
        )


def _too_many_rows() -> DataValueSetError:
    return DataValueSetError(
        [
            (
                "",
                _("The file holds more than %(limit)d data values; split it and import the parts.")
                % {"limit": MAX_ROWS},
            )
        ]
    )


def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataValueSetError([("", _("The file is not UTF-8 text."))]) from error


def _figure(
    *,
    row: int,
    fields: dict[str, str],
    where: Callable[[str], str],
    problems: list[tuple[str, str]],
) -> FigureRow | None:
    """A FigureRow from one data value's fields (keyed as values_import names
    them); None, with the reasons added to `problems` under `where(key)`, when
    it cannot be one."""
    missing = False
    for key in ("indicator", "period", "division"):
        if not fields.get(key):
            problems.append((where(key), _("Missing or empty.")))
            missing = True
    if missing:
        return None
    try:
        period = luodi_period(fields["period"])
    except ValueError as error:
        problems.append((where("period"), str(error)))
        return None
    return FigureRow(
        row=row,
        indicator=fields["indicator"],
        division=fields["division"],
        period=period,
        value=fields.get("value", ""),
        comment=fields.get("comment", ""),
        version="",
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(_("%(name)s is not a number.") % {"name": name})


def _read_json(content: bytes) -> list[FigureRow]:
    try:
        # Decimal keeps 12.1 exact; NaN and Infinity are refused.
        data = json.loads(_text(content), parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise DataValueSetError(
            [
                (
                    "",
                    _("Not valid JSON: %(reason)s at line %(line)d, column %(column)d.")
                    % {"reason": error.msg, "line": error.lineno, "column": error.colno},
                )
            ]
        ) from error
    except (ValueError, RecursionError) as error:
        # NaN or Infinity, or nesting too deep to be a data value set.
        raise DataValueSetError(
            [("", _("Not valid JSON: %(reason)s") % {"reason": error})]
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("dataValues"), list):
        raise DataValueSetError(
            [("dataValues", _('Missing: a data value set is {"dataValues": [ … ]}.'))]
        )
    entries = data["dataValues"]
    if len(entries) > MAX_ROWS:
        raise _too_many_rows()
    problems: list[tuple[str, str]] = []
    defaults: dict[str, str] = {}
    for key, name in (("period", "period"), ("division", "orgUnit")):
        if name in data and not isinstance(data[name], str):
            problems.append((name, _("Write it as a string.")))
        elif data.get(name):
            defaults[key] = data[name].strip()
    figures = []
    for index, entry in enumerate(entries):
        here = f"dataValues[{index}]"
        if not isinstance(entry, dict):
            problems.append((here, _("Each data value is an object {…}.")))
            continue
        fields = dict(defaults)
        mistyped = False
        for key, name in JSON_NAMES.items():
            raw = entry.get(name)
            if raw is None:
                continue
            if isinstance(raw, int | Decimal) and not isinstance(raw, bool) and key == "value":
                fields[key] = str(raw)
            elif isinstance(raw, str):
                fields[key] = raw.strip()
            else:
                problems.append((f"{here}.{name}", _("Write it as a string.")))
                mistyped = True
        if mistyped:
            continue
        figure = _figure(
            row=index + 1,
            fields=fields,
            where=partial(_where, index + 1, format="json"),
            problems=problems,
        )
        if figure is not None:
            figures.append(figure)
    if problems:
        raise DataValueSetError(problems)
    return figures


def _read_csv(content: bytes) -> list[FigureRow]:
    reader = csv.reader(io.StringIO(_text(content)))
    problems: list[tuple[str, str]] = []
    figures: list[FigureRow] = []
    columns: list[str] | None = None
    records = 0
    try:
        for record in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            if columns is None:
                lowered = [cell.lower() for cell in cells]
                if set(lowered) & set(CSV_COLUMNS):
                    missing = [name for name in CSV_REQUIRED if name not in lowered]
                    if missing:
                        raise DataValueSetError(
                            [
                                (
                                    _line(line),
                                    _(
                                        "The header lacks %(columns)s; DHIS2's CSV needs the "
                                        "columns dataelement, period, orgunit and value."
                                    )
                                    % {"columns": ", ".join(f"“{name}”" for name in missing)},
                                )
                            ]
                        )
                    columns = lowered
                    continue
                # No header: DHIS2 reads such a file in its own column order.
                columns = CSV_COLUMNS
            records += 1
            if records > MAX_ROWS:
                raise _too_many_rows()
            if columns is CSV_COLUMNS and len(cells) < CSV_COLUMNS.index("value") + 1:
                problems.append(
                    (
                        _line(line),
                        _(
                            "Without a header a line needs at least six columns "
                            "(dataelement, period, orgunit, categoryoptioncombo, "
                            "attributeoptioncombo, value); this one has %(count)d."
                        )
                        % {"count": len(cells)},
                    )
                )
                continue
            named: dict[str, str] = {}
            for name, cell in zip(columns, cells, strict=False):
                named.setdefault(name, cell)
            fields = {
                "indicator": named.get("dataelement", ""),
                "division": named.get("orgunit", ""),
                "period": named.get("period", ""),
                "value": named.get("value", ""),
                "comment": named.get("comment", ""),
            }
            figure = _figure(
                row=line,
                fields=fields,
                where=partial(_where, line, format="csv"),
                problems=problems,
            )
            if figure is not None:
                figures.append(figure)
    except csv.Error as error:
        raise DataValueSetError(
            [(_line(reader.line_num), _("Not valid CSV: %(reason)s") % {"reason": error})]
        ) from error
    if columns is None:
        raise DataValueSetError([("", _("The file holds no data values."))])
    if problems:
        raise DataValueSetError(problems)
    return figures


def data_values_read(*, content: bytes, format: str) -> list[FigureRow]:
    """The figures of a DHIS2 data value set in JSON or CSV, ready for
    `values_import`. Raises DataValueSetError naming where the file is wrong;
    nothing is looked up in the database here."""
    if format not in FORMATS:
        raise DataValueSetError(
            [("", _("Send the data values as JSON or CSV, not “%(format)s”.") % {"format": format})]
        )
    _refuse_oversized(content)
    return _read_json(content) if format == "json" else _read_csv(content)


# Importing.


def _conflicts(outcome: ValuesImportRefused | DataValueSetError, format: str) -> list[dict]:
    if isinstance(outcome, DataValueSetError):
        pairs = outcome.conflicts
    else:
        pairs = [
            (
                _where(problem.row, problem.column, format),
                _("The same data value as %(where)s.")
                % {"where": _where(problem.same_as, None, format)}
                if problem.same_as is not None
                else problem.message,
            )
            for problem in outcome.problems
        ]
    conflicts = [{"object": where, "value": why} for where, why in pairs[:ERRORS_LISTED]]
    if len(pairs) > ERRORS_LISTED:
        conflicts.append(
            {
                "object": "",
                "value": _("… and %(count)d more errors.") % {"count": len(pairs) - ERRORS_LISTED},
            }
        )
    return conflicts


def _change(change: FigureChange) -> dict[str, Any]:
    return {
        "dataElement": change.indicator,
        "period": iso_period(change.period),
        "orgUnit": change.division,
        "unit": change.unit,
        "oldValue": None if change.old_value is None else _plain_number(change.old_value),
        "newValue": _plain_number(change.new_value),
        "oldComment": change.old_comment,
        "newComment": change.new_comment,
    }


def import_summary(
    outcome: ValuesImportReport | ValuesImportRefused | DataValueSetError,
    *,
    dry_run: bool,
    format: str,
) -> dict[str, Any]:
    """An import's outcome shaped like DHIS2's import summary. `changes` lists
    each figure written (in a dry run: that would be written), old and new
    value in the indicator's display unit. A refused file wrote nothing."""
    if isinstance(outcome, ValuesImportReport):
        updated = sum(1 for change in outcome.changes if change.old_value is not None)
        return {
            "responseType": "ImportSummary",
            "status": "SUCCESS",
            "dryRun": dry_run,
            "description": _("Import checked; nothing was saved (dry run).")
            if dry_run
            else _("Import done."),
            "importCount": {
                "imported": len(outcome.changes) - updated,
                "updated": updated,
                "ignored": outcome.unchanged + outcome.blank,
                "deleted": 0,
            },
            "conflicts": [],
            "changes": [_change(change) for change in outcome.changes],
        }
    return {
        "responseType": "ImportSummary",
        "status": "ERROR",
        "dryRun": dry_run,
        "description": _("Nothing was imported: fix the conflicts and send the file again."),
        "importCount": {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0},
        "conflicts": _conflicts(outcome, format),
        "changes": [],
    }


def data_values_import(
    *,
    content: bytes,
    format: str,
    acting_user: Any,
    dry_run: bool = False,
    today: date | None = None,
) -> dict[str, Any]:
    """Read a data value set and import it through `values_import`, all or
    nothing; the DHIS2-shaped summary whatever the outcome."""
    try:
        figures = data_values_read(content=content, format=format)
        report = values_import(
            figures=figures, acting_user=acting_user, today=today, dry_run=dry_run
        )
    except (DataValueSetError, ValuesImportRefused) as refused:
        return import_summary(refused, dry_run=dry_run, format=format)
    return import_summary(report, dry_run=dry_run, format=format)


# Exporting.


def data_values_export(
    *,
    divisions: QuerySet[Division] | Iterable[Division],
    periods: QuerySet[Period] | Iterable[Period],
    indicators: QuerySet[Indicator] | Iterable[Indicator] | None = None,
    as_of: datetime | None = None,
) -> list[dict[str, Any]]:
    """The stored figures of `divisions` (already limited to what the user may
    see) in `periods`, as DHIS2 data values in display units, ordered by
    division, period and indicator. With `as_of`, the figures as they were
    stored at that moment. One query."""
    username = f"history_user__{get_user_model().USERNAME_FIELD}"
    # Who changed each figure last, and when: from its history when as of a
    # moment, else from the newest history row of the figure as it stands.
    stored: QuerySet[Any]
    if as_of is None:
        last_change = DataValue.history.filter(id=OuterRef("pk")).order_by("-history_id")
        stored = DataValue.objects.annotate(
            stored_by=Subquery(last_change.values(username)[:1]), changed_at=F("updated_at")
        )
    else:
        stored = values_as_stored(as_of).annotate(
            stored_by=F(username), changed_at=F("history_date")
        )
    stored = stored.select_related("indicator__unit", "report__division", "report__period")
    stored = stored.filter(report__division__in=divisions, report__period__in=periods)
    if indicators is not None:
        stored = stored.filter(indicator__in=indicators)
    values = []
    for value in stored.order_by(
        "report__division__code", "report__period__starts_on", "indicator__code"
    ):
        values.append(
            {
                "dataElement": value.indicator.code,
                "period": iso_period(value.report.period.code),
                "orgUnit": value.report.division.code,
                "value": _plain_number(from_base(value.value, value.indicator.unit)),
                "storedBy": value.stored_by or "",
                "lastUpdated": timezone.localtime(value.changed_at).isoformat(timespec="seconds"),
                "comment": value.comment,
                "followup": False,
            }
        )
    return values


def as_json(values: list[dict[str, Any]]) -> bytes:
    """A data value set as DHIS2 reads it; an empty comment is left out, as DHIS2 does."""
    data_values = [
        {key: item for key, item in value.items() if key != "comment" or item} for value in values
    ]
    return json.dumps({"dataValues": data_values}, ensure_ascii=False, indent=2).encode()


def as_csv(values: list[dict[str, Any]]) -> bytes:
    """DHIS2's CSV: its header, then a line a data value; no category combos."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for value in values:
        writer.writerow(
            [
                value["dataElement"],
                value["period"],
                value["orgUnit"],
                "",
                "",
                value["value"],
                value["storedBy"],
                value["lastUpdated"],
                value["comment"],
                "true" if value["followup"] else "false",
            ]
        )
    return buffer.getvalue().encode()
