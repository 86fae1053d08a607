"""A bulletin's content as of a day, built from the live data, and the
records behind each of its figures."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import override

from luodi.actions.models import Event
from luodi.dashboards.selectors import campaign_status
from luodi.divisions.choices import DepartmentKind
from luodi.divisions.models import Department, Division
from luodi.plan.models import Campaign, Indicator, Programme, Target
from luodi.plan.selectors import campaigns_for
from luodi.policies.models import Policy
from luodi.policies.selectors import issued_as_of, policies_as_of
from luodi.projects.choices import Phase
from luodi.projects.models import Project
from luodi.projects.selectors import projects_as_of
from luodi.reporting.selectors import figures_counted, totals

from .choices import Language, Wording
from .models import SentenceTemplate
from .numbers import en_date, en_quantity, percent, plain_number, zh_date, zh_quantity
from .wording import DEFAULTS, Figure, Part, Sentence


@dataclass
class Section:
    code: str
    heading: str
    sentences: list[Sentence]


@dataclass
class Document:
    campaign: Campaign
    division: Division
    programme: Programme | None
    as_of: date
    language: str
    title: str
    dateline: str
    sections: list[Section] = field(default_factory=list)
    # (programme, indicator, target, reported, share of target), as printed.
    indicator_rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    # (programme, started, in approvals): the pipeline chart.
    pipeline: list[tuple[str, int, int]] = field(default_factory=list)

    def figures(self) -> list[Figure]:
        return [f for s in self.sections for sentence in s.sentences for f in sentence.figures()]

    def plain_text(self) -> str:
        lines = [self.title, self.dateline, ""]
        for section in self.sections:
            lines.append(section.heading)
            lines.extend(sentence.plain() for sentence in section.sentences)
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


def wording(language: str) -> dict[str, str]:
    """The office's wording, or the default where a sentence has none stored."""
    stored = {t.key: t.text for t in SentenceTemplate.objects.filter(language=language)}
    return {key: stored.get(key, DEFAULTS[(key, language)]) for key in Wording.values}


class _Words:
    """What differs between the languages besides the stored sentences."""

    def __init__(self, language: str):
        self.zh = language == Language.ZH

    def date(self, day: date, *, with_year: bool = False) -> str:
        return zh_date(day, with_year=with_year) if self.zh else en_date(day, with_year=with_year)

    def quantity(self, value: Decimal, indicator: Indicator) -> str:
        if self.zh:
            return zh_quantity(value, indicator.unit)
        return en_quantity(value, indicator.unit)

    def join(self, parts: list[Part], *, zh_separator: str = "、") -> list[Part]:
        if not parts:
            return []
        if self.zh:
            separators = [zh_separator] * (len(parts) - 1)
        else:
            separators = [", "] * (len(parts) - 2) + [" and "] if len(parts) > 1 else []
        joined: list[Part] = [parts[0]]
        for separator, part in zip(separators, parts[1:], strict=True):
            joined += [separator, part]
        return joined


def _fill(template: str, **values: Part) -> Sentence:
    return Sentence(template=template, values=values)


def bulletin_document(
    *, as_of: date, division: Division, language: str, programme_code: str | None = None
) -> Document:
    """The bulletin of `division`'s campaign as of `as_of`, in `language`: a
    section per programme from its policy ledger, project list, targets,
    reported figures and recent events. Raises Campaign.DoesNotExist when no
    campaign concerns the division."""
    campaign = campaigns_for([division]).order_by("-year", "code").first()
    if campaign is None:
        raise Campaign.DoesNotExist
    words = _Words(language)
    text = wording(language)
    status = campaign_status(
        as_of=as_of, divisions=Division.objects.subtree_of([division]), home=[division]
    )
    rows = [r for r in status["programmes"] if r["campaign"] == campaign.code]
    if programme_code:
        rows = [r for r in rows if r["code"] == programme_code]
    programmes = {p.code: p for p in campaign.programmes.all()}
    indicators = list(
        Indicator.objects.filter(
            programme__code__in=[r["code"] for r in rows], programme__campaign=campaign
        )
        .select_related("unit", "programme")
        .order_by("id")
    )
    targets = {
        t.indicator_id: t
        for t in Target.objects.filter(indicator__in=indicators, division=division, year=as_of.year)
    }
    reached = totals(indicators=indicators, divisions=[division], year=as_of.year, up_to=as_of)
    counted = figures_counted(
        indicators=indicators, division=division, year=as_of.year, up_to=as_of
    )
    since = as_of.replace(day=1) - timedelta(days=1)
    since = since.replace(day=1)

    document = Document(
        campaign=campaign,
        division=division,
        programme=programmes.get(programme_code) if programme_code else None,
        as_of=as_of,
        language=language,
        title=_fill(text[Wording.TITLE], campaign=campaign.name).plain(),
        dateline=_fill(text[Wording.DATELINE], date=words.date(as_of, with_year=True)).plain(),
    )
    day = words.date(as_of)
    with override(language if language == Language.EN else "zh-hans"):
        for row in rows:
            code = row["code"]
            sentences = []
            policies = row["policies"]
            if policies["total"]:
                trace = {"what": "policies", "programme": code}
                sentences.append(
                    _fill(
                        text[Wording.POLICIES],
                        date=day,
                        ministries=Figure.count(
                            f"{code}.ministries",
                            policies["ministries"],
                            _("national ministries issuing or planning the policies"),
                            {"what": "ministries", "programme": code},
                        ),
                        total=Figure.count(
                            f"{code}.policies",
                            policies["total"],
                            _("supporting policies on the ledger"),
                            trace,
                        ),
                        issued=Figure.count(
                            f"{code}.policies.issued",
                            policies["issued"],
                            _("supporting policies issued"),
                            {**trace, "state": "issued"},
                        ),
                        planned=Figure.count(
                            f"{code}.policies.planned",
                            policies["planned"],
                            _("supporting policies planned, not yet issued"),
                            {**trace, "state": "planned"},
                        ),
                    )
                )
            projects = row["projects"]
            if projects["total"]:
                trace = {"what": "projects", "programme": code}
                # Counted by the projects app's one rule (PipelineCounts).
                listed, started, waiting = (
                    projects["total"],
                    projects["started"],
                    projects["waiting"],
                )
                expected: list[Part] = []
                for year, count in projects["expected_start"].items():
                    if not year.isdigit():
                        continue
                    figure = Figure.count(
                        f"{code}.projects.expected.{year}",
                        count,
                        _("projects in approvals expected to start in %(year)s") % {"year": year},
                        {**trace, "state": "waiting", "year": year},
                    )
                    if words.zh:
                        expected.append([f"{year}年开工", figure, "个"])
                    else:
                        expected.append([figure, f" expected to start in {year}"])
                sentences.append(
                    _fill(
                        text[Wording.PROJECTS],
                        date=day,
                        total=Figure.count(
                            f"{code}.projects",
                            listed,
                            _("projects on the major-project list"),
                            {**trace, "state": "listed"},
                        ),
                        started=Figure.count(
                            f"{code}.projects.started",
                            started,
                            _("projects started"),
                            {**trace, "state": "started"},
                        ),
                        waiting=Figure.count(
                            f"{code}.projects.waiting",
                            waiting,
                            _("projects completing pre-construction approvals"),
                            {**trace, "state": "waiting"},
                        ),
                        expected=words.join(expected),
                    )
                )
            if projects["total"]:
                document.pipeline.append((row["name"], started, waiting))
            mine = [i for i in indicators if i.programme.code == code]
            for indicator in mine:
                target = targets.get(indicator.pk)
                value = reached.get((indicator.pk, division.pk))
                if target is None and value is None:
                    continue
                document.indicator_rows.append(
                    (
                        row["name"],
                        indicator.name,
                        words.quantity(target.value, indicator) if target else "—",
                        words.quantity(value, indicator) if value is not None else "—",
                        percent(value * 100 / target.value)
                        if target and target.value and value is not None
                        else "—",
                    )
                )
            with_target = [i for i in mine if i.pk in targets]
            if with_target:
                items: list[Part] = []
                for indicator in with_target:
                    target = targets[indicator.pk]
                    figure = Figure(
                        f"{code}.target.{indicator.code}",
                        words.quantity(target.value, indicator),
                        _("this year's target for %(indicator)s") % {"indicator": indicator.name},
                        1,
                        {"what": "targets", "indicator": indicator.code},
                    )
                    item: list[Part] = (
                        [indicator.name, figure]
                        if words.zh
                        else [
                            indicator.name,
                            " ",
                            figure,
                        ]
                    )
                    if target.change_percent is not None:
                        change = percent(target.change_percent)
                        item.append(
                            f"，同比增长{change}" if words.zh else f" (up {change} on last year)"
                        )
                    items.append(item)
                sentences.append(_fill(text[Wording.TARGETS], targets=words.join(items)))
            with_values = [i for i in mine if (i.pk, division.pk) in reached]
            if with_values:
                items = []
                for indicator in with_values:
                    value = reached[(indicator.pk, division.pk)]
                    figure = Figure(
                        f"{code}.value.{indicator.code}",
                        words.quantity(value, indicator),
                        _("%(indicator)s reported by the divisions")
                        % {"indicator": indicator.name},
                        counted.get(indicator.pk, 0),
                        {"what": "values", "indicator": indicator.code},
                    )
                    item = [indicator.name, figure] if words.zh else [indicator.name, " ", figure]
                    target = targets.get(indicator.pk)
                    if target and target.value:
                        share = percent(value * 100 / target.value)
                        item.append(
                            f"，完成年度目标的{share}"
                            if words.zh
                            else f" ({share} of this year's target)"
                        )
                    items.append(item)
                sentences.append(
                    _fill(text[Wording.PROGRESS], date=day, progress=words.join(items))
                )
            recent = [
                e for e in row["recent_events"] if date.fromisoformat(e["starts_on"]) >= since
            ]
            if recent:
                items = [
                    [
                        words.date(date.fromisoformat(e["starts_on"])),
                        " " if not words.zh else "",
                        e["title"],
                    ]
                    for e in reversed(recent)
                ]
                sentences.append(
                    _fill(text[Wording.EVENTS], events=words.join(items, zh_separator="；"))
                )
            if sentences:
                document.sections.append(Section(code, row["name"], sentences))
    return document


# The records behind a figure, for the trace page and the appendix.


@dataclass(frozen=True)
class TraceRow:
    code: str
    name: str
    detail: str


def trace_records(
    *, trace: dict[str, Any], as_of: date, division: Division, campaign: Campaign
) -> list[TraceRow]:
    """The records a figure counts, named by its `trace` (see bulletin_document)."""
    what = trace.get("what")
    programme = trace.get("programme")
    if what in ("policies", "ministries"):
        policies = policies_as_of(as_of).filter(programme__campaign=campaign)
        if programme:
            policies = policies.filter(programme__code=programme)
        if what == "ministries":
            departments = (
                Department.objects.filter(
                    kind=DepartmentKind.NATIONAL_MINISTRY, policies__in=policies
                )
                .distinct()
                .order_by("name")
            )
            return [TraceRow("", d.name, "") for d in departments]
        if trace.get("state") == "issued":
            policies = policies.filter(issued_as_of(as_of))
        elif trace.get("state") == "planned":
            policies = policies.exclude(issued_as_of(as_of))
        return [
            TraceRow(
                p.code,
                p.title,
                p.issued_on.isoformat() if p.issued_on and p.issued_on <= as_of else "",
            )
            for p in policies.order_by("code")
        ]
    if what == "projects":
        in_subtree = Project.divisions.through.objects.filter(
            division__path__startswith=division.path
        ).values("project")
        projects: QuerySet = projects_as_of(as_of).filter(
            pk__in=in_subtree, programme__campaign=campaign
        )
        if programme:
            projects = projects.filter(programme__code=programme)
        if trace.get("state") == "listed":
            projects = projects.exclude(phase_as_of=Phase.CANCELLED)
        elif trace.get("state") == "started":
            projects = projects.filter(phase_as_of__in=[Phase.STARTED, Phase.COMPLETED])
        elif trace.get("state") == "waiting":
            projects = projects.filter(phase_as_of=Phase.PRE_CONSTRUCTION)
        if str(trace.get("year", "")).isdigit():
            projects = projects.filter(expected_start_year=int(trace["year"]))
        return [TraceRow(p.code, p.name, p.get_phase_display()) for p in projects.order_by("code")]
    if what == "targets":
        found = Target.objects.filter(
            indicator__code=trace.get("indicator"),
            indicator__programme__campaign=campaign,
            division=division,
            year=as_of.year,
        ).select_related("indicator__unit")
        return [
            TraceRow(
                t.indicator.code,
                t.indicator.name,
                f"{plain_number(t.value / t.indicator.unit.factor)} {t.indicator.unit.symbol}",
            )
            for t in found
        ]
    if what == "values":
        indicator = Indicator.objects.filter(
            code=trace.get("indicator"), programme__campaign=campaign
        ).first()
        if indicator is None:
            return []
        values = figures_counted(
            indicators=[indicator], division=division, year=as_of.year, up_to=as_of, rows=True
        )
        unit = indicator.unit
        return [
            TraceRow(
                v.report.division.code,
                v.report.division.name,
                f"{v.report.period.code}: {plain_number(v.value / unit.factor)} {unit.symbol}"
                f" · {v.report.get_status_display()}",
            )
            for v in values
        ]
    if what == "events":
        events = (
            Event.objects.filter(starts_on__lte=as_of, programme__campaign=campaign)
            .filter(Q(divisions__isnull=True) | Q(divisions__path__startswith=division.path))
            .distinct()
        )
        if programme:
            events = events.filter(programme__code=programme)
        return [
            TraceRow(e.code, e.title, e.starts_on.isoformat())
            for e in events.order_by("-starts_on")
        ]
    return []


def policies_for(*, campaign: Campaign, as_of: date) -> QuerySet[Policy]:
    return (
        policies_as_of(as_of)
        .filter(programme__campaign=campaign)
        .select_related("programme")
        .prefetch_related("issuing_departments")
        .order_by("programme__order", "code")
    )


def projects_for(*, campaign: Campaign, division: Division, as_of: date) -> QuerySet[Project]:
    in_subtree = Project.divisions.through.objects.filter(
        division__path__startswith=division.path
    ).values("project")
    return (
        projects_as_of(as_of)
        .filter(pk__in=in_subtree, programme__campaign=campaign)
        .select_related("programme")
        .order_by("programme__order", "code")
    )
