import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from luodi.core.models import AuditEvent
from luodi.divisions.choices import Level, Role
from luodi.divisions.models import Division
from luodi.plan.services import indicator_save
from luodi.plan.units import unit_by_symbol
from luodi.reporting.choices import Frequency
from luodi.reporting.models import DataValue, Report
from luodi.reporting.services import (
    ValuesImportRefused,
    assignment_save,
    period_containing,
    values_import,
)
from luodi.reporting.spreadsheets import SpreadsheetError, read_figures, report_template


@pytest.fixture
def county_setup(programme, make_user):
    indicator, _ = indicator_save(
        code="sand",
        name="=沙化土地综合治理面积",
        programme=programme,
        unit=unit_by_symbol("万亩"),
        acting_user=None,
    )
    assignment_save(
        indicator=indicator,
        level=Level.COUNTY,
        frequency=Frequency.MONTHLY,
        closes_after_days=30_000,
        acting_user=None,
    )
    period = period_containing(frequency=Frequency.MONTHLY, day=date(2024, 1, 1))
    return indicator, period, make_user("kyzq", "152222", Role.REPORTER)


def filled(template: bytes, value) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    workbook.active.cell(row=3, column=8).value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_template_round_trip_saves_once_and_then_changes_nothing(county_setup):
    indicator, period, reporter = county_setup
    template = report_template(division=Division.objects.get(code="152222"), period=period)
    upload = filled(template, 12.5)

    first = values_import(figures=read_figures(name="t.xlsx", content=upload), acting_user=reporter)
    audits = AuditEvent.objects.count()
    second = values_import(
        figures=read_figures(name="t.xlsx", content=upload), acting_user=reporter
    )

    assert (first.saved, first.unchanged) == (1, 0)
    assert (second.saved, second.unchanged) == (0, 1)
    assert DataValue.objects.get().value == Decimal(125_000)
    assert AuditEvent.objects.count() == audits


def test_the_template_keeps_codes_hidden_and_names_as_text(county_setup):
    indicator, period, reporter = county_setup
    sheet = load_workbook(
        io.BytesIO(report_template(division=Division.objects.get(code="152222"), period=period))
    ).active

    assert [sheet.cell(row=3, column=c).value for c in (1, 2, 3)] == ["sand", "152222", "2024-01"]
    assert sheet.column_dimensions["A"].hidden
    assert sheet.cell(row=3, column=4).value == "'=沙化土地综合治理面积"
    assert sheet.cell(row=3, column=4).data_type == "s"


def test_a_renamed_indicator_still_matches_its_template(county_setup):
    indicator, period, reporter = county_setup
    template = report_template(division=Division.objects.get(code="152222"), period=period)
    indicator.name = "沙化土地治理"
    indicator.save()

    values_import(
        figures=read_figures(name="t.xlsx", content=filled(template, 3)), acting_user=reporter
    )

    assert DataValue.objects.get().indicator == indicator


def test_one_bad_row_in_ten_thousand_writes_nothing_and_names_the_row(programme, make_user):
    counties = list(Division.objects.filter(level=Level.COUNTY).order_by("code")[:100])
    period_containing(frequency=Frequency.MONTHLY, day=date(2024, 1, 1))
    codes = []
    for n in range(100):
        indicator, _ = indicator_save(
            code=f"i{n:03d}",
            name=f"指标{n}",
            programme=programme,
            unit=unit_by_symbol("个"),
            acting_user=None,
        )
        assignment_save(
            indicator=indicator,
            level=Level.COUNTY,
            frequency=Frequency.MONTHLY,
            closes_after_days=30_000,
            acting_user=None,
        )
        codes.append(indicator.code)
    office = make_user("office", "150000", Role.TASK_FORCE)
    lines = ["indicator,division,period,value"]
    lines += [
        f"{code},{county.code},2024-01,{n}"
        for n, (code, county) in enumerate((c, d) for c in codes for d in counties)
    ]
    lines[7_778] = lines[7_778].rsplit(",", 1)[0] + ",1O"  # a letter O typed for a zero
    content = "\n".join(lines).encode()

    figures = read_figures(name="values.csv", content=content)
    with pytest.raises(ValuesImportRefused) as refused:
        values_import(figures=figures, acting_user=office)

    assert len(figures) == 10_000
    assert refused.value.errors == ["row 7779, value: “1O” is not a number."]
    assert DataValue.objects.count() == 0
    assert Report.objects.count() == 0


def test_rows_outside_ones_scope_read_as_unknown_and_nothing_is_saved(county_setup):
    indicator, period, reporter = county_setup
    content = b"indicator,division,period,value\nsand,152222,2024-01,1\nsand,150105,2024-01,1\n"

    with pytest.raises(ValuesImportRefused) as refused:
        values_import(figures=read_figures(name="v.csv", content=content), acting_user=reporter)

    assert refused.value.errors == [
        "row 3, division: No division you report for has the code “150105”."
    ]
    assert not DataValue.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "Upload an .xlsx or .csv file."),
        ("fake.xlsx", b"not a zip", "This is not an .xlsx file."),
        (
            "big.csv",
            b"x" * (5 * 1024 * 1024 + 1),
            "The file is 5242881 bytes; the limit is 5242880 bytes.",
        ),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(db, name, content, message):
    with pytest.raises(SpreadsheetError) as refused:
        read_figures(name=name, content=content)

    assert str(refused.value) == message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))

    with pytest.raises(SpreadsheetError) as refused:
        read_figures(name="bomb.xlsx", content=buffer.getvalue())

    assert len(buffer.getvalue()) < 200_000
    assert str(refused.value) == "This file would unpack to 60 MB; the limit is 50 MB."


def test_the_command_names_the_row_and_saves_nothing(county_setup, tmp_path):
    path = tmp_path / "values.csv"
    path.write_text("indicator,division,period,value\nsand,152222,2024-01,-3\n", encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import_values", str(path), "--user", "kyzq")

    assert "row 2, value: Must be at least 0 万亩." in str(refused.value)
    assert not DataValue.objects.exists()


def test_a_template_downloaded_in_chinese_is_read_in_english(county_setup):
    indicator, period, reporter = county_setup
    with translation.override("zh-hans"):
        template = report_template(division=Division.objects.get(code="152222"), period=period)
    with translation.override("en"):
        figures = read_figures(name="t.xlsx", content=filled(template, 2))

    assert [(f.indicator, f.value) for f in figures] == [("sand", "2")]
