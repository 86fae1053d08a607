"""Large files are imported in bulk: the same checks, the same figures, history
and audit events as figure by figure, in a fixed number of reads."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luodi.core.models import AuditEvent
from luodi.divisions.choices import Level, Role
from luodi.divisions.models import Division
from luodi.plan.choices import OverTime
from luodi.plan.models import Indicator
from luodi.plan.services import indicator_save, target_save
from luodi.plan.units import unit_by_symbol
from luodi.reporting import services
from luodi.reporting.choices import Frequency, ParentCheck
from luodi.reporting.models import DataValue, Report
from luodi.reporting.selectors import rollup, totals
from luodi.reporting.services import (
    ValuesImportRefused,
    assignment_save,
    period_containing,
    report_submit,
    values_import,
)
from luodi.reporting.spreadsheets import FigureRow
from luodi.reporting.tests.support import IN_TIME

HINGGAN = "152200"
WAN_MU = Decimal(10_000)


@dataclass
class Plan:
    office: object
    counties: list[str]
    hinggan: list[str]


@pytest.fixture
def plan(programme, make_user):
    """Three county indicators, monthly: sand (万亩, year to date, each league's
    own total must match its counties'), pipes (个, a flow) and jobs (个, year to
    date, a target of 10 for the first county); January and February 2024."""
    for code, unit, over_time, check in [
        ("sand", "万亩", OverTime.CUMULATIVE, ParentCheck.BLOCK),
        ("pipes", "个", OverTime.FLOW, ParentCheck.OFF),
        ("jobs", "个", OverTime.CUMULATIVE, ParentCheck.OFF),
    ]:
        indicator, _ = indicator_save(
            code=code,
            name=f"指标 {code}",
            programme=programme,
            unit=unit_by_symbol(unit),
            over_time=over_time,
            acting_user=None,
        )
        assignment_save(
            indicator=indicator,
            level=Level.COUNTY,
            frequency=Frequency.MONTHLY,
            parent_check=check,
            acting_user=None,
        )
    for day in (date(2024, 1, 1), date(2024, 2, 1)):
        period_containing(frequency=Frequency.MONTHLY, day=day)
    counties = list(
        Division.objects.filter(level=Level.COUNTY, is_active=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    target_save(
        indicator=Indicator.objects.get(code="jobs"),
        division=Division.objects.get(code=counties[0], is_active=True),
        year=2024,
        value=Decimal(10),
        acting_user=None,
    )
    return Plan(
        office=make_user("office", "150000", Role.TASK_FORCE),
        counties=counties,
        hinggan=[code for code in counties if code.startswith("1522")],
    )


def rows(lines: list[tuple]) -> list[FigureRow]:
    """A file's rows from (indicator, division, period, value[, comment[, version]]),
    numbered from 2 as below a header line."""
    return [
        FigureRow(row, *line[:4], *(tuple(line[4:]) + ("", ""))[:2])
        for row, line in enumerate(lines, start=2)
    ]


def sand_in_january(n: int) -> Decimal:
    return Decimal(n % 7) + Decimal("1.5")


def first_file(plan: Plan) -> list[FigureRow]:
    """317 figures: January's three for every county (103), February's sand for
    Hinggan's six counties, Hinggan's own January total of sand after its
    counties, and the first county's February jobs far above its target, explained."""
    lines: list[tuple] = []
    for n, code in enumerate(plan.counties):
        lines += [
            ("sand", code, "2024-01", str(sand_in_january(n))),
            ("pipes", code, "2024-01", str(n % 5 * 10)),
            ("jobs", code, "2024-01", str(n + 1)),
        ]
    for code in plan.hinggan:
        lines.append(("sand", code, "2024-02", str(sand_in_january(plan.counties.index(code)) + 1)))
    hinggan_total = sum(sand_in_january(plan.counties.index(code)) for code in plan.hinggan)
    lines.append(("sand", HINGGAN, "2024-01", str(hinggan_total)))
    lines.append(("jobs", plan.counties[0], "2024-02", "25", "含上年结转"))
    return rows(lines)


def second_file(plan: Plan) -> list[FigureRow]:
    """Changes read at version 1 and without a version, a comment alone,
    figures left as they are and new February ones: 20 + 20 + 1 changed,
    20 unchanged, 30 new."""
    counties = plan.counties
    lines: list[tuple] = []
    lines += [("sand", code, "2024-01", "9", "", "1") for code in counties[:20]]
    lines += [("pipes", code, "2024-01", "77") for code in counties[20:40]]
    lines += [("jobs", code, "2024-01", str(n + 41)) for n, code in enumerate(counties[40:60])]
    lines.append(("jobs", counties[60], "2024-01", "61", "核实无误"))
    lines += [("pipes", code, "2024-02", str(n)) for n, code in enumerate(counties[:30])]
    return rows(lines)


def written() -> dict:
    """What imports write, by the codes a person reads rather than by ids."""
    figure_keys = {
        str(pk): tuple(key)
        for pk, *key in DataValue.objects.values_list(
            "pk", "report__division__code", "report__period__code", "indicator__code"
        )
    }
    report_keys = {
        str(pk): tuple(key)
        for pk, *key in Report.objects.values_list("pk", "division__code", "period__code")
    }
    events = AuditEvent.objects.filter(action__regex=r"^reporting\.(value|report)\.")
    return {
        "figures": sorted(
            DataValue.objects.values_list(
                "report__division__code",
                "report__period__code",
                "indicator__code",
                "value",
                "comment",
                "version",
            )
        ),
        "reports": sorted(Report.objects.values_list("division__code", "period__code", "status")),
        "figure history": sorted(
            DataValue.history.values_list(
                "report__division__code",
                "report__period__code",
                "indicator__code",
                "history_type",
                "value",
                "comment",
                "version",
                "history_user__username",
                "history_change_reason",
            )
        ),
        "report history": sorted(
            Report.history.values_list(
                "division__code",
                "period__code",
                "history_type",
                "status",
                "history_user__username",
                "history_change_reason",
            )
        ),
        "audit": [
            (
                event.action,
                event.actor.username if event.actor else None,
                event.object_repr,
                event.changes,
                (figure_keys if event.object_type == "reporting.datavalue" else report_keys)[
                    event.object_id
                ],
            )
            for event in events.select_related("actor").order_by("id")
        ],
    }


def counts() -> tuple[int, ...]:
    return (
        DataValue.objects.count(),
        Report.objects.count(),
        AuditEvent.objects.count(),
        DataValue.history.count(),
        Report.history.count(),
    )


@pytest.fixture
def path(monkeypatch):
    """Choose how values_import writes: "bulk" or "row by row", whatever the file's length."""

    def choose(name: str) -> None:
        monkeypatch.setattr(services, "BULK_IMPORT_FROM", 0 if name == "bulk" else 10**9)

    return choose


def import_file(plan: Plan, figures: list[FigureRow], **options):
    return values_import(figures=figures, acting_user=plan.office, today=IN_TIME, **options)


def test_a_large_file_writes_its_figures_with_one_history_row_and_one_audit_event_each(plan, path):
    path("bulk")
    figures = first_file(plan)

    outcome = import_file(plan, figures)

    assert (outcome.saved, outcome.unchanged, outcome.blank) == (317, 0, 0)
    factor = {"sand": WAN_MU, "pipes": Decimal(1), "jobs": Decimal(1)}
    assert {
        (d, p, i): (value, comment, version)
        for d, p, i, value, comment, version in written()["figures"]
    } == {
        (f.division, f.period, f.indicator): (Decimal(f.value) * factor[f.indicator], f.comment, 1)
        for f in figures
    }
    assert sorted(Report.objects.values_list("division__code", "period__code")) == sorted(
        {(f.division, f.period) for f in figures}
    )
    stored = {
        figure.pk: figure
        for figure in DataValue.objects.select_related(
            "report__division", "report__period", "indicator__unit"
        )
    }
    history = list(DataValue.history.all())
    assert len(history) == 317
    for row in history:
        figure = stored[row.id]
        assert (row.history_type, row.history_user, row.history_change_reason) == (
            "+",
            plan.office,
            "reporting.value.created",
        )
        assert (row.value, row.comment, row.version) == (figure.value, figure.comment, 1)
        assert row.history_date == figure.updated_at
    events = {e.object_id: e for e in AuditEvent.objects.filter(action="reporting.value.created")}
    assert len(events) == 317
    for figure in stored.values():
        event = events[str(figure.pk)]
        assert event.actor == plan.office
        assert event.occurred_at == figure.updated_at
        assert event.object_repr == str(figure)
        assert event.changes == {
            "report": [None, str(figure.report)],
            "indicator": [None, str(figure.indicator)],
            "value": [None, format(figure.value.normalize(), "f")],
            "comment": [None, figure.comment],
        }
    reports = Report.objects.count()
    assert AuditEvent.objects.filter(action="reporting.report.created").count() == reports
    assert Report.history.filter(history_type="+").count() == reports


def test_the_same_file_again_changes_nothing(plan, path):
    path("bulk")
    figures = first_file(plan)
    import_file(plan, figures)
    before, recorded = written(), counts()

    again = import_file(plan, figures)

    assert (again.saved, again.unchanged, again.changes) == (0, 317, [])
    assert written() == before
    assert counts() == recorded


def test_changed_figures_move_on_one_version_with_their_history_and_audit(plan, path):
    path("bulk")
    import_file(plan, first_file(plan))
    before = written()

    outcome = import_file(plan, second_file(plan))

    assert (outcome.saved, outcome.unchanged) == (71, 20)
    after = written()
    stored = {(d, p, i): (v, c, version) for d, p, i, v, c, version in after["figures"]}
    first, twentieth = plan.counties[0], plan.counties[20]
    assert stored[(first, "2024-01", "sand")] == (9 * WAN_MU, "", 2)
    assert stored[(twentieth, "2024-01", "pipes")] == (77, "", 2)
    assert stored[(plan.counties[60], "2024-01", "jobs")] == (61, "核实无误", 2)
    assert stored[(plan.counties[40], "2024-01", "jobs")] == (41, "", 1)
    assert stored[(first, "2024-02", "pipes")] == (0, "", 1)
    new_events = after["audit"][len(before["audit"]) :]
    assert [(action, changes) for action, _by, _what, changes, _key in new_events[:2]] == [
        ("reporting.value.updated", {"value": ["15000", "90000"], "version": [1, 2]}),
        ("reporting.value.updated", {"value": ["25000", "90000"], "version": [1, 2]}),
    ]
    assert new_events[40][3] == {"comment": ["", "核实无误"], "version": [1, 2]}
    assert [event[0] for event in new_events].count("reporting.value.updated") == 41
    assert [event[0] for event in new_events].count("reporting.value.created") == 30
    assert [event[0] for event in new_events].count("reporting.report.created") == 29
    assert len(after["figure history"]) - len(before["figure history"]) == 71
    updated = DataValue.objects.get(
        report__division__code=first, report__period__code="2024-01", indicator__code="sand"
    )
    latest = updated.history.latest("history_id")
    assert (latest.history_type, latest.version, latest.history_change_reason) == (
        "~",
        2,
        "reporting.value.updated",
    )
    assert latest.history_date == updated.updated_at


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("rule", "row 5, value: Must be at least 0 个."),
        ("stale version", "row 5, value: Someone else saved 30 个 here after you opened the form."),
        ("locked report", "row 5, value: Submitted and waiting for approval."),
    ],
)
def test_one_bad_row_refuses_the_whole_file_and_nothing_is_written(plan, path, kind, message):
    path("bulk")
    import_file(plan, first_file(plan))
    if kind == "locked report":
        report_submit(
            report=Report.objects.get(division__code=plan.counties[1], period__code="2024-01"),
            acting_user=plan.office,
        )
    lines = [("pipes", code, "2024-01", str(n + 100)) for n, code in enumerate(plan.counties)]
    bad = {
        "rule": ("pipes", plan.counties[3], "2024-01", "-1"),
        "stale version": ("pipes", plan.counties[3], "2024-01", "5", "", "2"),
        "locked report": ("pipes", plan.counties[1], "2024-01", "5"),
    }[kind]
    lines = [line for line in lines if line[1] != bad[1]]
    lines.insert(3, bad)
    before, recorded = written(), counts()

    with pytest.raises(ValuesImportRefused) as refused:
        import_file(plan, rows(lines))

    assert refused.value.errors == [message]
    assert counts() == recorded
    assert written() == before


def test_a_dry_run_writes_nothing_and_reports_the_changes_an_import_makes(plan, path):
    path("bulk")
    recorded = counts()

    dry = import_file(plan, first_file(plan), dry_run=True)

    assert counts() == recorded
    assert import_file(plan, first_file(plan)) == dry
    before, recorded = written(), counts()
    dry = import_file(plan, second_file(plan), dry_run=True)
    assert (written(), counts()) == (before, recorded)
    assert import_file(plan, second_file(plan)) == dry
    assert dry.changes[0].old_value == Decimal("1.5")
    assert dry.changes[0].new_value == Decimal(9)


def in_fresh_state(plan: Plan, files: list[list[FigureRow]], read=written):
    """Import `files` one after the other, read the result, and undo it all."""
    with transaction.atomic():
        outcomes, moments = [], []
        for figures in files:
            try:
                outcomes.append(import_file(plan, figures))
            except ValuesImportRefused as refused:
                outcomes.append(refused.problems)
            moments.append(timezone.now())
        result = (outcomes, read(moments))
        transaction.set_rollback(True)
    return result


def test_both_ways_of_writing_give_the_same_figures_history_and_audit(plan, path):
    files = [first_file(plan), second_file(plan)]

    path("row by row")
    one_by_one = in_fresh_state(plan, files, read=lambda _moments: written())
    path("bulk")
    in_bulk = in_fresh_state(plan, files, read=lambda _moments: written())

    assert in_bulk == one_by_one
    outcomes, state = in_bulk
    assert [(o.saved, o.unchanged) for o in outcomes] == [(317, 0), (71, 20)]
    # The figures' events, and those of the 111 and 29 reports each file opened.
    assert len(state["audit"]) == 317 + 111 + 71 + 29


def test_both_ways_refuse_the_same_rows_for_the_same_reasons(plan, path):
    import_file(plan, first_file(plan))
    report_submit(
        report=Report.objects.get(division__code=plan.counties[15], period__code="2024-01"),
        acting_user=plan.office,
    )
    counties = plan.counties
    hinggan_february = {code: Decimal(20 + n) for n, code in enumerate(plan.hinggan)}
    bad = rows(
        [
            # Hinggan's total is checked against its counties as stored when its
            # row is read, before the rows below change them.
            ("sand", HINGGAN, "2024-02", str(sum(hinggan_february.values()))),
            *[("sand", code, "2024-02", str(v)) for code, v in hinggan_february.items()],
            ("sand", counties[10], "2024-01", "9", "", "3"),
            ("pipes", counties[11], "2024-01", "-2"),
            ("jobs", counties[0], "2024-01", "21"),
            ("pipes", counties[12], "2024-01", "1" + "0" * 19),
            ("pipes", counties[13], "2024-01", "3", "长" * 501),
            # A year-to-date figure is held against the row above it.
            ("sand", counties[14], "2024-01", "20"),
            ("sand", counties[14], "2024-02", "15"),
            ("pipes", counties[15], "2024-01", "99"),
            ("pipes", counties[16], "2024-01", "1"),
        ]
    )

    path("row by row")
    one_by_one = in_fresh_state(plan, [bad], read=lambda _moments: counts())
    path("bulk")
    in_bulk = in_fresh_state(plan, [bad], read=lambda _moments: counts())

    assert in_bulk == one_by_one
    assert [str(problem) for problem in in_bulk[0][0]] == [
        "row 2, value: The divisions below add up to 32 万亩, not 135 万亩.",
        "row 9, value: Someone else saved 4.5 万亩 here after you opened the form.",
        "row 10, value: Must be at least 0 个.",
        "row 11, comment: More than 2× this year's target of 10 个: say why in a comment.",
        "row 12, value: Ensure that there are no more than 18 digits before the decimal point.",
        "row 13, comment: Ensure this value has at most 500 characters (it has 501).",
        "row 15, value: A year-to-date figure cannot fall: 2024-01 had 20 万亩.",
        "row 16, value: Submitted and waiting for approval.",
    ]
    assert in_bulk[1] == counts()


def test_totals_and_figures_as_of_a_moment_read_the_same_after_either_way(plan, path):
    files = [first_file(plan), second_file(plan)]
    indicators = list(Indicator.objects.filter(code__in=["sand", "pipes", "jobs"]))
    divisions = list(Division.objects.filter(level__in=[Level.PROVINCE, Level.PREFECTURE]))
    hinggan = Division.objects.get(code=HINGGAN, is_active=True)
    january = period_containing(frequency=Frequency.MONTHLY, day=date(2024, 1, 1))
    codes = {i.pk: i.code for i in indicators}

    def read(moments):
        def by_code(result):
            by_id = {d.pk: d.code for d in divisions}
            return {(codes[i], by_id[d]): total for (i, d), total in result.items()}

        now = totals(indicators=indicators, divisions=divisions, year=2024, up_to=date(2024, 2, 29))
        then = totals(
            indicators=indicators,
            divisions=divisions,
            year=2024,
            up_to=date(2024, 2, 29),
            as_of=moments[0],
        )
        sand = indicators[[i.code for i in indicators].index("sand")]
        return (
            by_code(now),
            by_code(then),
            rollup(indicator=sand, division=hinggan, period=january, as_of=moments[0]),
        )

    path("row by row")
    _outcomes, one_by_one = in_fresh_state(plan, files, read=read)
    path("bulk")
    _outcomes, in_bulk = in_fresh_state(plan, files, read=read)

    assert in_bulk == one_by_one
    now, then, hinggan_sand_then = in_bulk
    pipes_in_january = sum(Decimal(n % 5 * 10) for n in range(len(plan.counties)))
    assert then[("pipes", "150000")] == pipes_in_january
    changed = sum(77 - Decimal(n % 5 * 10) for n in range(20, 40))
    assert now[("pipes", "150000")] == pipes_in_january + changed + sum(range(30))
    assert hinggan_sand_then == sum(
        sand_in_january(plan.counties.index(code)) * WAN_MU for code in plan.hinggan
    )


def select_statements(figures: list[FigureRow], plan: Plan) -> list[str]:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        import_file(plan, figures)
        transaction.set_rollback(True)
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]


def test_a_file_is_read_in_the_same_few_queries_whatever_its_length(plan, path):
    path("bulk")
    import_file(plan, rows([("jobs", code, "2024-01", "1") for code in plan.counties[:100]]))

    def january(counties):
        return rows([(i, code, "2024-01", "2") for code in counties for i in ("pipes", "jobs")])

    assert len(select_statements(january(plan.counties), plan)) == len(
        select_statements(january(plan.counties[:60]), plan)
    )


def test_the_reports_and_figures_a_file_changes_are_locked_until_it_is_written(plan, path):
    path("bulk")
    if not connection.features.has_select_for_update:
        pytest.skip("SQLite takes the whole database for a writing transaction")
    import_file(plan, first_file(plan))

    statements = select_statements(
        rows([("pipes", code, "2024-01", "3") for code in plan.counties]), plan
    )

    locked = [s for s in statements if s.endswith("FOR UPDATE")]
    assert [s.split(" FROM ")[1].split()[0] for s in locked] == [
        '"reporting_report"',
        '"reporting_datavalue"',
    ]
