"""DHIS2 data value sets: reading, importing through values_import, exporting."""

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from luodi.core.models import AuditEvent
from luodi.divisions.choices import Level, Role
from luodi.divisions.models import Division
from luodi.plan.services import indicator_save
from luodi.plan.units import to_base, unit_by_symbol
from luodi.reporting import dhis2
from luodi.reporting.choices import Frequency
from luodi.reporting.dhis2 import (
    DataValueSetError,
    as_csv,
    as_json,
    data_values_export,
    data_values_import,
    data_values_read,
)
from luodi.reporting.models import DataValue, Period, Report
from luodi.reporting.services import (
    assignment_save,
    period_containing,
    report_open,
    report_submit,
    value_save,
)
from luodi.reporting.spreadsheets import FigureRow

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = (
    "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,"
    "value,storedby,lastupdated,comment,followup"
)
PERIOD_HELP = "write a month as 202403, a quarter as 2024Q1 or a year as 2024."


@pytest.fixture
def hinggan(programme, make_user):
    """Two county indicators in display units that are not their base units
    (万亩 of 亩, 亿元 of 元), one monthly and one quarterly, open for entry
    whatever today is; a county reporter, a league reporter and the office."""
    indicators = {}
    for code, name, unit, frequency in [
        ("sand", "沙化土地综合治理面积", "万亩", Frequency.MONTHLY),
        ("invest", "完成投资", "亿元", Frequency.QUARTERLY),
    ]:
        indicator, _ = indicator_save(
            code=code, name=name, programme=programme, unit=unit_by_symbol(unit), acting_user=None
        )
        assignment_save(
            indicator=indicator,
            level=Level.COUNTY,
            frequency=frequency,
            closes_after_days=30_000,
            acting_user=None,
        )
        indicators[code] = indicator
    return {
        **indicators,
        "january": period_containing(frequency=Frequency.MONTHLY, day=date(2024, 1, 15)),
        "q1": period_containing(frequency=Frequency.QUARTERLY, day=date(2024, 1, 15)),
        "county": make_user("kyzq", "152222", Role.REPORTER),
        "league": make_user("hinggan-reporter", "152200", Role.REPORTER),
        "office": make_user("office", "150000", Role.TASK_FORCE),
    }


def enter(user, code, period, indicator, amount, comment=""):
    """`user` enters `amount` in the indicator's display unit."""
    report = report_open(division=Division.objects.get(code=code), period=period, acting_user=user)
    stored = DataValue.objects.filter(report=report, indicator=indicator).first()
    return value_save(
        report=report,
        indicator=indicator,
        value=to_base(Decimal(amount), indicator.unit),
        comment=comment,
        expected_version=stored.version if stored else None,
        acting_user=user,
    )


def hinggan_counties():
    return Division.objects.filter(code__in=["152201", "152222"])


def counts() -> tuple[int, int, int]:
    return DataValue.objects.count(), Report.objects.count(), AuditEvent.objects.count()


def figures(values: list[dict]) -> list[tuple]:
    return [(v["dataElement"], v["period"], v["orgUnit"], v["value"], v["comment"]) for v in values]


@pytest.mark.parametrize(("format", "write"), [("json", as_json), ("csv", as_csv)])
def test_an_export_imports_into_an_empty_state_and_again_changes_nothing(hinggan, format, write):
    periods = [hinggan["january"], hinggan["q1"]]
    with transaction.atomic():
        enter(
            hinggan["office"], "152222", hinggan["january"], hinggan["sand"], "12.5", "含退化草原"
        )
        enter(hinggan["office"], "152201", hinggan["january"], hinggan["sand"], "3")
        enter(hinggan["office"], "152222", hinggan["q1"], hinggan["invest"], "0.25")
        exported = data_values_export(divisions=hinggan_counties(), periods=periods)
        content = write(exported)
        transaction.set_rollback(True)
    assert counts()[:2] == (0, 0)

    first = data_values_import(content=content, format=format, acting_user=hinggan["league"])
    audits = AuditEvent.objects.count()
    second = data_values_import(content=content, format=format, acting_user=hinggan["league"])

    assert first["status"] == "SUCCESS"
    assert first["importCount"] == {"imported": 3, "updated": 0, "ignored": 0, "deleted": 0}
    assert second["importCount"] == {"imported": 0, "updated": 0, "ignored": 3, "deleted": 0}
    assert second["changes"] == []
    assert AuditEvent.objects.count() == audits
    assert figures(data_values_export(divisions=hinggan_counties(), periods=periods)) == [
        ("sand", "202401", "152201", "3", ""),
        ("invest", "2024Q1", "152222", "0.25", ""),
        ("sand", "202401", "152222", "12.5", "含退化草原"),
    ]
    assert figures(exported) == figures(
        data_values_export(divisions=hinggan_counties(), periods=periods)
    )
    assert DataValue.objects.get(indicator=hinggan["invest"]).value == Decimal(25_000_000)


def test_a_dry_run_lists_old_and_new_values_and_changes_nothing(hinggan):
    enter(hinggan["county"], "152222", hinggan["january"], hinggan["sand"], "12.5")
    content = json.dumps(
        {
            "period": "202401",
            "dataValues": [
                {"dataElement": "sand", "orgUnit": "152222", "value": "13", "comment": "复核"},
                {"dataElement": "sand", "orgUnit": "152201", "value": "4.50"},
            ],
        }
    ).encode()
    before = counts()

    summary = data_values_import(
        content=content, format="json", acting_user=hinggan["league"], dry_run=True
    )

    assert summary == {
        "responseType": "ImportSummary",
        "status": "SUCCESS",
        "dryRun": True,
        "description": "Import checked; nothing was saved (dry run).",
        "importCount": {"imported": 1, "updated": 1, "ignored": 0, "deleted": 0},
        "conflicts": [],
        "changes": [
            {
                "dataElement": "sand",
                "period": "202401",
                "orgUnit": "152222",
                "unit": "万亩",
                "oldValue": "12.5",
                "newValue": "13",
                "oldComment": "",
                "newComment": "复核",
            },
            {
                "dataElement": "sand",
                "period": "202401",
                "orgUnit": "152201",
                "unit": "万亩",
                "oldValue": None,
                "newValue": "4.5",
                "oldComment": "",
                "newComment": "",
            },
        ],
    }
    assert counts() == before
    assert DataValue.objects.get().value == Decimal(125_000)

    done = data_values_import(content=content, format="json", acting_user=hinggan["league"])

    assert done["dryRun"] is False
    assert done["changes"] == summary["changes"]
    assert sorted(DataValue.objects.values_list("value", flat=True)) == [45_000, 130_000]


def test_a_division_outside_ones_scope_is_refused_and_nothing_is_written(hinggan):
    content = b"dataelement,period,orgunit,value\nsand,202401,152222,1\nsand,202401,150105,2\n"
    before = counts()

    summary = data_values_import(content=content, format="csv", acting_user=hinggan["county"])

    assert summary["status"] == "ERROR"
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}
    assert summary["conflicts"] == [
        {
            "object": "line 3, orgunit",
            "value": "No division you report for has the code “150105”.",
        }
    ]
    assert counts() == before


def test_a_figure_of_a_submitted_report_is_refused(hinggan):
    enter(hinggan["county"], "152222", hinggan["january"], hinggan["sand"], "12.5")
    report_submit(report=Report.objects.get(), acting_user=hinggan["county"])
    before = counts()

    summary = data_values_import(
        content=b"dataelement,period,orgunit,value\nsand,202401,152222,13\n",
        format="csv",
        acting_user=hinggan["county"],
    )

    assert summary["conflicts"] == [
        {"object": "line 2, value", "value": "Submitted and waiting for approval."}
    ]
    assert counts() == before
    assert (DataValue.objects.get().value, DataValue.objects.get().version) == (125_000, 1)


@pytest.mark.parametrize(
    ("format", "content", "where", "period"),
    [
        (
            "json",
            b'{"dataValues": [{"dataElement": "sand", "period": "202401", "orgUnit": "152222",'
            b' "value": "1"}, {"dataElement": "sand", "period": "2024-13", "orgUnit": "152222",'
            b' "value": "1"}]}',
            "dataValues[1].period",
            "2024-13",
        ),
        (
            "csv",
            b"dataelement,period,orgunit,value\nsand,202401,152222,1\nsand,2024W5,152201,1\n",
            "line 3, period",
            "2024W5",
        ),
    ],
)
def test_a_period_dhis2_does_not_write_so_is_refused_naming_the_row(
    hinggan, format, content, where, period
):
    message = f"“{period}” is not a period luodi takes: {PERIOD_HELP}"
    before = counts()

    with pytest.raises(DataValueSetError) as refused:
        data_values_read(content=content, format=format)
    summary = data_values_import(content=content, format=format, acting_user=hinggan["office"])

    assert refused.value.conflicts == [(where, message)]
    assert str(refused.value) == f"{where}: {message}"
    assert summary["conflicts"] == [{"object": where, "value": message}]
    assert counts() == before


def test_one_bad_row_in_three_refuses_them_all(hinggan):
    content = json.dumps(
        {
            "dataValues": [
                {"dataElement": "sand", "period": "202401", "orgUnit": "152222", "value": "1"},
                {"dataElement": "sand", "period": "202401", "orgUnit": "152201", "value": "-3"},
                {"dataElement": "invest", "period": "2024Q1", "orgUnit": "152222", "value": "2"},
            ]
        }
    ).encode()
    before = counts()

    summary = data_values_import(content=content, format="json", acting_user=hinggan["office"])

    assert summary["status"] == "ERROR"
    assert summary["conflicts"] == [
        {"object": "dataValues[1].value", "value": "Must be at least 0 万亩."}
    ]
    assert summary["changes"] == []
    assert counts() == before


def test_a_repeated_data_value_names_the_first(hinggan):
    row = {"dataElement": "sand", "period": "202401", "orgUnit": "152222", "value": "1"}
    content = json.dumps({"dataValues": [row, {**row, "value": "2"}]}).encode()

    summary = data_values_import(content=content, format="json", acting_user=hinggan["office"])

    assert summary["conflicts"] == [
        {"object": "dataValues[1].dataElement", "value": "The same data value as dataValues[0]."}
    ]
    assert not DataValue.objects.exists()


@pytest.mark.parametrize(
    ("format", "content", "conflicts"),
    [
        (
            "json",
            b'{"dataValues": [',
            [("", "Not valid JSON: Expecting value at line 1, column 17.")],
        ),
        (
            "json",
            b'{"dataValues": [{"dataElement": "sand", "value": NaN}]}',
            [("", "Not valid JSON: NaN is not a number.")],
        ),
        (
            "json",
            b'{"values": []}',
            [("dataValues", 'Missing: a data value set is {"dataValues": [ … ]}.')],
        ),
        (
            "json",
            b'{"dataValues": [{"dataElement": "sand", "period": 202401, "value": true}, 3]}',
            [
                ("dataValues[0].period", "Write it as a string."),
                ("dataValues[0].value", "Write it as a string."),
                ("dataValues[1]", "Each data value is an object {…}."),
            ],
        ),
        (
            "csv",
            b"dataelement,period,orgunit,comment\nsand,202401,152222,x\n",
            [
                (
                    "line 1",
                    "The header lacks “value”; DHIS2's CSV needs the columns dataelement, "
                    "period, orgunit and value.",
                )
            ],
        ),
        (
            "csv",
            b"DataElement,Period,Value\nsand,202401,1\n",
            [
                (
                    "line 1",
                    "The header lacks “orgunit”; DHIS2's CSV needs the columns dataelement, "
                    "period, orgunit and value.",
                )
            ],
        ),
        (
            "csv",
            b"sand,202401,152222,1\n",
            [
                (
                    "line 1",
                    "Without a header a line needs at least six columns (dataelement, period, "
                    "orgunit, categoryoptioncombo, attributeoptioncombo, value); this one has 4.",
                )
            ],
        ),
        (
            "csv",
            b"dataelement,period,orgunit,value\n,202401,,1\n",
            [
                ("line 2, dataelement", "Missing or empty."),
                ("line 2, orgunit", "Missing or empty."),
            ],
        ),
        ("csv", b"\xff\xfedataelement", [("", "The file is not UTF-8 text.")]),
        ("csv", b"\n\n", [("", "The file holds no data values.")]),
        ("xml", b"<dataValueSet/>", [("", "Send the data values as JSON or CSV, not “xml”.")]),
    ],
)
def test_a_malformed_file_is_refused_saying_where(format, content, conflicts):
    with pytest.raises(DataValueSetError) as refused:
        data_values_read(content=content, format=format)

    assert refused.value.conflicts == conflicts


@pytest.mark.parametrize(
    ("format", "content"),
    [
        ("json", json.dumps({"dataValues": [{"dataElement": "sand"}] * 3}).encode()),
        ("csv", b"dataelement,period,orgunit,value\n" + b"sand,202401,152222,1\n" * 3),
    ],
)
def test_a_file_over_the_row_limit_is_refused_before_its_rows_are_read(
    monkeypatch, format, content
):
    monkeypatch.setattr(dhis2, "MAX_ROWS", 2)

    with pytest.raises(DataValueSetError) as refused:
        data_values_read(content=content, format=format)

    assert str(refused.value) == (
        "The file holds more than 2 data values; split it and import the parts."
    )


def test_csv_is_read_with_headers_in_any_order_and_case_or_without_a_header():
    with_header = b"Value,OrgUnit,COMMENT,Period,dataElement\n12.5,152222,x,2024Q1,invest\n"
    without = b"sand,2024,152201,HllvX50cXC0,HllvX50cXC0,3,admin,2024-02-05,note,false\n"

    assert data_values_read(content=with_header, format="csv") == [
        FigureRow(
            row=2,
            indicator="invest",
            division="152222",
            period="2024-Q1",
            value="12.5",
            comment="x",
            version="",
        )
    ]
    assert data_values_read(content=without, format="csv") == [
        FigureRow(
            row=1,
            indicator="sand",
            division="152201",
            period="2024",
            value="3",
            comment="note",
            version="",
        )
    ]


def test_json_takes_the_set_wide_period_and_org_unit_and_numbers_as_they_are_written():
    content = (
        b'{"dataSet": "ignored", "completeDate": "2024-02-05", "period": "202403",'
        b' "orgUnit": "152222", "dataValues": [{"dataElement": "sand", "value": 12.10},'
        b' {"dataElement": "sand", "orgUnit": "152201", "value": "3", "comment": null}]}'
    )

    assert data_values_read(content=content, format="json") == [
        FigureRow(
            row=1,
            indicator="sand",
            division="152222",
            period="2024-03",
            value="12.10",
            comment="",
            version="",
        ),
        FigureRow(
            row=2,
            indicator="sand",
            division="152201",
            period="2024-03",
            value="3",
            comment="",
            version="",
        ),
    ]


def test_the_csv_export_is_dhis2s_header_and_one_line_a_figure(hinggan, django_assert_num_queries):
    enter(hinggan["county"], "152222", hinggan["january"], hinggan["sand"], "12.5", "退化, 待核")
    DataValue.objects.update(updated_at=datetime(2024, 2, 5, 10, 30, tzinfo=SHANGHAI))

    with django_assert_num_queries(1):
        values = data_values_export(divisions=hinggan_counties(), periods=Period.objects.all())

    assert as_csv(values).decode().splitlines() == [
        HEADER,
        'sand,202401,152222,,,12.5,kyzq,2024-02-05T10:30:00+08:00,"退化, 待核",false',
    ]
    assert json.loads(as_json(values)) == {
        "dataValues": [
            {
                "dataElement": "sand",
                "period": "202401",
                "orgUnit": "152222",
                "value": "12.5",
                "storedBy": "kyzq",
                "lastUpdated": "2024-02-05T10:30:00+08:00",
                "comment": "退化, 待核",
                "followup": False,
            }
        ]
    }


def test_the_export_as_of_a_moment_reads_the_figures_then(hinggan):
    enter(hinggan["county"], "152222", hinggan["january"], hinggan["sand"], "12.5")
    DataValue.history.update(history_date=datetime(2024, 2, 1, 9, 0, tzinfo=SHANGHAI))
    enter(hinggan["office"], "152222", hinggan["january"], hinggan["sand"], "13")

    then = data_values_export(
        divisions=hinggan_counties(),
        periods=[hinggan["january"]],
        indicators=[hinggan["sand"]],
        as_of=datetime(2024, 2, 2, tzinfo=SHANGHAI),
    )
    now = data_values_export(divisions=hinggan_counties(), periods=[hinggan["january"]])

    assert [(v["value"], v["storedBy"], v["lastUpdated"]) for v in then] == [
        ("12.5", "kyzq", "2024-02-01T09:00:00+08:00")
    ]
    assert [(v["value"], v["storedBy"]) for v in now] == [("13", "office")]


def test_the_import_command_prints_the_summary_of_a_dry_run(hinggan, tmp_path, capsys):
    path = tmp_path / "values.csv"
    path.write_text("dataelement,period,orgunit,value\nsand,202401,152222,2\n", encoding="utf-8")

    call_command("dhis2_import", str(path), "--user", "kyzq", "--dry-run")

    summary = json.loads(capsys.readouterr().out)
    assert (summary["status"], summary["dryRun"], summary["importCount"]["imported"]) == (
        "SUCCESS",
        True,
        1,
    )
    assert not DataValue.objects.exists()


def test_the_import_command_fails_after_printing_the_conflicts(hinggan, tmp_path, capsys):
    path = tmp_path / "values.json"
    path.write_text('{"dataValues": []', encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("dhis2_import", str(path), "--user", "kyzq")

    assert str(refused.value) == (
        "Nothing was imported: fix the conflicts and send the file again."
    )
    assert json.loads(capsys.readouterr().out)["conflicts"] == [
        {"object": "", "value": "Not valid JSON: Expecting ',' delimiter at line 1, column 18."}
    ]


def test_the_export_command_writes_only_the_users_divisions(hinggan, tmp_path):
    enter(hinggan["office"], "152222", hinggan["january"], hinggan["sand"], "12.5")
    enter(hinggan["office"], "152201", hinggan["january"], hinggan["sand"], "3")
    path = tmp_path / "out.csv"

    call_command("dhis2_export", "--user", "kyzq", "--period", "202401", "--output", str(path))

    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[:6] for line in lines[1:]] == [
        ["sand", "202401", "152222", "", "", "12.5"]
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--division", "152201"], "--division: no division you may see has the code “152201”."),
        (["--period", "2024W5"], f"--period: “2024W5” is not a period luodi takes: {PERIOD_HELP}"),
        (["--period", "202402"], "--period: no period 202402."),
    ],
)
def test_the_export_command_refuses_what_the_user_cannot_see_or_luodi_lacks(
    hinggan, arguments, message
):
    with pytest.raises(CommandError) as refused:
        call_command("dhis2_export", "--user", "kyzq", *arguments)

    assert str(refused.value) == message
