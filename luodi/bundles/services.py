"""Importing a plan bundle: departments, the plan, the policy ledger, the
project list and events, from one JSON document. All or nothing.

The format is described in docs/bundle-format.md.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luodi.actions.choices import EventKind
from luodi.actions.models import Event
from luodi.actions.services import event_save
from luodi.core.errors import at_most_listed
from luodi.divisions.choices import DepartmentKind, Level
from luodi.divisions.models import Department, Division
from luodi.divisions.services import department_save, divisions_load
from luodi.plan.choices import AcrossDivisions, Dimension, OverTime
from luodi.plan.models import Campaign, Indicator, Programme, StrategicTask, Unit, Workstream
from luodi.plan.services import (
    campaign_save,
    indicator_save,
    programme_save,
    strategic_task_save,
    target_save,
    unit_save,
    workstream_save,
)
from luodi.plan.units import unit_by_symbol
from luodi.policies.choices import PolicyStatus
from luodi.policies.models import Policy
from luodi.policies.services import policy_save
from luodi.projects.choices import ApprovalKind, Phase
from luodi.projects.models import Project, ProjectApproval
from luodi.projects.services import (
    project_approval_delete,
    project_approval_save,
    project_save,
)
from luodi.reporting.choices import Frequency, ParentCheck
from luodi.reporting.models import Assignment
from luodi.reporting.services import assignment_save

from .reader import FieldError, Record, first_error, lookup_by

BUNDLE_FORMAT = "luodi-bundle/1"
MAX_BUNDLE_BYTES = 20 * 1024 * 1024


class BundleError(Exception):
    """The bundle was refused; `errors` say where, and nothing was saved."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class SectionCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    sections: dict[str, SectionCount] = field(default_factory=dict)

    def count(self, section: str, *, existed: bool, changes: dict) -> None:
        counts = self.sections.setdefault(section, SectionCount())
        if not existed:
            counts.created += 1
        elif changes:
            counts.updated += 1
        else:
            counts.unchanged += 1


def bundle_read(path: Path) -> dict[str, Any]:
    """Parse a bundle file, refusing files that are too large or not JSON."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise BundleError(
            [_("%(path)s: cannot be read (%(reason)s).") % {"path": path, "reason": error.strerror}]
        ) from error
    if size > MAX_BUNDLE_BYTES:
        raise BundleError(
            [
                _("%(path)s: %(size)d bytes is larger than the %(limit)d-byte limit.")
                % {"path": path, "size": size, "limit": MAX_BUNDLE_BYTES}
            ]
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise BundleError([_("%(path)s: not UTF-8 text.") % {"path": path}]) from error
    except json.JSONDecodeError as error:
        raise BundleError(
            [
                _("%(path)s, line %(line)d, column %(column)d: not valid JSON (%(reason)s).")
                % {"path": path, "line": error.lineno, "column": error.colno, "reason": error.msg}
            ]
        ) from error
    if not isinstance(data, dict):
        raise BundleError([_("%(path)s: the bundle must be a JSON object.") % {"path": path}])
    return data


NATURAL_KEYS = {
    "departments": ("name",),
    "units": ("symbol",),
    "targets": ("indicator", "division", "year"),
    "assignments": ("indicator",),
}


def natural_key(section: str, item: Any) -> tuple | None:
    """What identifies a record of this section, to refuse the same record twice."""
    if not isinstance(item, dict):
        return None
    return tuple(str(item.get(field)) for field in NATURAL_KEYS.get(section, ("code",)))


class _Importer:
    def __init__(self, acting_user: Any):
        self.user = acting_user
        self.report = ImportReport()
        self.errors: list[str] = []
        self.division = lookup_by(Division.objects.active(), "code")
        self.department = lookup_by(Department.objects.all(), "name")
        self.campaign = lookup_by(Campaign.objects.all(), "code")
        self.task = lookup_by(StrategicTask.objects.all(), "code")
        self.programme = lookup_by(Programme.objects.all(), "code")
        self.workstream = lookup_by(Workstream.objects.all(), "code")
        self.indicator = lookup_by(Indicator.objects.select_related("unit"), "code")

    def section(self, name: str, items: Any, handle: Callable[[Record], None]) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            self.errors.append(_("%(section)s: expected a list.") % {"section": name})
            return
        first_seen: dict[tuple, int] = {}
        for index, item in enumerate(items):
            where = f"{name}[{index}]"
            key = natural_key(name, item)
            if key is not None and key in first_seen:
                self.errors.append(
                    _("%(where)s: the same record as %(section)s[%(first)d].")
                    % {"where": where, "section": name, "first": first_seen[key]}
                )
                continue
            if key is not None:
                first_seen[key] = index
            try:
                with transaction.atomic():
                    record = Record(item)
                    handle(record)
                    record.finish()
            except FieldError as error:
                self._error(where, error.field, error.message)
            except ValidationError as error:
                for field_name, message in first_error(error):
                    self._error(where, field_name, message)

    def _error(self, where: str, field_name: str, message: str) -> None:
        location = f"{where}.{field_name}" if field_name else where
        self.errors.append(f"{location}: {message}")

    def _upsert(
        self,
        section: str,
        existing: Any,
        save: Callable[..., tuple[Any, dict]],
        instance_kwarg: str,
        **fields: Any,
    ) -> tuple[Any, dict]:
        """Save one record through its service (created, or `existing` updated)
        and count it in the report."""
        record, changes = save(**{instance_kwarg: existing}, **fields, acting_user=self.user)
        self.report.count(section, existed=existing is not None, changes=changes)
        return record, changes

    # One handler per section, in the order the sections are imported.

    def import_departments(self, r: Record) -> None:
        name = r.text("name")
        self._upsert(
            "departments",
            Department.objects.filter(name=name).first(),
            department_save,
            "department",
            name=name,
            kind=r.choice("kind", DepartmentKind),
            division=r.ref("division", self.division, required=False),
        )

    def import_units(self, r: Record) -> None:
        symbol = r.text("symbol")
        self._upsert(
            "units",
            Unit.objects.filter(symbol=symbol).first(),
            unit_save,
            "unit",
            symbol=symbol,
            name=r.text("name"),
            dimension=r.choice("dimension", Dimension),
            factor=r.decimal("factor"),
        )

    def import_campaigns(self, r: Record) -> None:
        code = r.text("code")
        self._upsert(
            "campaigns",
            Campaign.objects.filter(code=code).first(),
            campaign_save,
            "campaign",
            code=code,
            name=r.text("name"),
            division=r.ref("division", self.division),
            year=r.integer("year"),
            decided_by=r.text("decided_by", required=False),
            decided_from=r.date("decided_from", required=False),
            decided_until=r.date("decided_until", required=False),
        )

    def import_strategic_tasks(self, r: Record) -> None:
        code = r.text("code")
        self._upsert(
            "strategic_tasks",
            StrategicTask.objects.filter(code=code).first(),
            strategic_task_save,
            "task",
            code=code,
            campaign=r.ref("campaign", self.campaign),
            name=r.text("name"),
            order=r.integer("order", required=False) or 0,
        )

    def import_programmes(self, r: Record) -> None:
        code = r.text("code")
        self._upsert(
            "programmes",
            Programme.objects.filter(code=code).first(),
            programme_save,
            "programme",
            code=code,
            campaign=r.ref("campaign", self.campaign),
            name=r.text("name"),
            order=r.integer("order", required=False) or 0,
            strategic_tasks=r.refs("strategic_tasks", self.task),
            lead_department=r.ref("lead_department", self.department, required=False),
            description=r.text("description", required=False),
        )

    def import_workstreams(self, r: Record) -> None:
        code = r.text("code")
        self._upsert(
            "workstreams",
            Workstream.objects.filter(code=code).first(),
            workstream_save,
            "workstream",
            code=code,
            programme=r.ref("programme", self.programme),
            name=r.text("name"),
            order=r.integer("order", required=False) or 0,
            lead_department=r.ref("lead_department", self.department, required=False),
        )

    def import_indicators(self, r: Record) -> None:
        code = r.text("code")
        unit_symbol = r.text("unit")
        try:
            unit = unit_by_symbol(unit_symbol)
        except ValidationError as error:
            raise FieldError("unit", " ".join(error.messages)) from error
        self._upsert(
            "indicators",
            Indicator.objects.filter(code=code).first(),
            indicator_save,
            "indicator",
            code=code,
            name=r.text("name"),
            programme=r.ref("programme", self.programme),
            workstream=r.ref("workstream", self.workstream, required=False),
            unit=unit,
            across_divisions=r.choice(
                "across_divisions", AcrossDivisions, default=AcrossDivisions.SUM
            ),
            over_time=r.choice("over_time", OverTime, default=OverTime.CUMULATIVE),
            higher_is_better=r.boolean("higher_is_better", default=True),
            description=r.text("description", required=False),
            aliases=r.text("aliases", required=False),
        )

    def import_assignments(self, r: Record) -> None:
        indicator = r.ref("indicator", self.indicator)
        self._upsert(
            "assignments",
            Assignment.objects.filter(indicator=indicator).first(),
            assignment_save,
            "assignment",
            indicator=indicator,
            level=r.choice("level", Level),
            frequency=r.choice("frequency", Frequency),
            closes_after_days=r.integer("closes_after_days", required=False) or 10,
            minimum=r.quantity(
                "minimum", required=False, default=indicator.unit, expected=indicator.unit
            )
            if "minimum" in r.data
            else Decimal(0),
            maximum=r.quantity(
                "maximum", required=False, default=indicator.unit, expected=indicator.unit
            ),
            comment_above_target_factor=r.decimal("comment_above_target_factor", required=False)
            or Decimal(2),
            parent_check=r.choice("parent_check", ParentCheck, default=ParentCheck.OFF),
        )

    def import_targets(self, r: Record) -> None:
        indicator = r.ref("indicator", self.indicator)
        division = r.ref("division", self.division)
        year = r.integer("year")
        value = r.measure("value", unit_key="unit", expected=indicator.unit)
        self._upsert(
            "targets",
            indicator.targets.filter(division=division, year=year).first(),
            target_save,
            "target",
            indicator=indicator,
            division=division,
            year=year,
            value=value,
            change_percent=r.decimal("change_percent", required=False),
            note=r.text("note", required=False),
            trajectory=r.data.get("trajectory"),
        )

    def import_policies(self, r: Record) -> None:
        code = r.text("code")
        self._upsert(
            "policies",
            Policy.objects.filter(code=code).first(),
            policy_save,
            "policy",
            code=code,
            title=r.text("title"),
            programme=r.ref("programme", self.programme),
            issuing_departments=r.refs("issuing_departments", self.department, required=True),
            status=r.choice("status", PolicyStatus, default=PolicyStatus.PLANNED),
            planned_on=r.date("planned_on"),
            due_on=r.date("due_on", required=False),
            issued_on=r.date("issued_on", required=False),
            document_number=r.text("document_number", required=False),
            is_sample=r.boolean("is_sample"),
            note=r.text("note", required=False),
        )

    def import_projects(self, r: Record) -> None:
        code = r.text("code")
        existing = Project.objects.filter(code=code).first()
        yuan = unit_by_symbol("元")
        project, changes = project_save(
            project=existing,
            code=code,
            name=r.text("name"),
            programme=r.ref("programme", self.programme),
            divisions=r.refs("divisions", self.division, required=True),
            owner=r.text("owner", required=False),
            lead_department=r.ref("lead_department", self.department, required=False),
            total_investment=r.quantity("total_investment", required=False, default=yuan),
            planned_investment=r.quantity("planned_investment", required=False, default=yuan),
            planned_investment_year=r.integer("planned_investment_year", required=False),
            phase=r.choice("phase", Phase, default=Phase.PRE_CONSTRUCTION),
            listed_on=r.date("listed_on"),
            expected_start_year=r.integer("expected_start_year", required=False),
            planned_start_on=r.date("planned_start_on", required=False),
            started_on=r.date("started_on", required=False),
            completed_on=r.date("completed_on", required=False),
            cancelled_on=r.date("cancelled_on", required=False),
            is_sample=r.boolean("is_sample"),
            note=r.text("note", required=False),
            acting_user=self.user,
        )
        approvals_changed = (
            self._approvals(project, r.records("approvals")) if "approvals" in r.data else {}
        )
        self.report.count(
            "projects", existed=existing is not None, changes=changes or approvals_changed
        )

    def _approvals(self, project: Project, records: list[Record]) -> dict:
        """Make the project's approvals exactly those listed."""
        changed: dict = {}
        kinds = set()
        for index, approval in enumerate(records):
            try:
                kind = approval.choice("kind", ApprovalKind)
                if kind in kinds:
                    raise FieldError("kind", _("This approval is listed twice."))
                kinds.add(kind)
                _approval, changes = project_approval_save(
                    project=project,
                    kind=kind,
                    granted_on=approval.date("granted_on", required=False),
                    note=approval.text("note", required=False),
                    acting_user=self.user,
                )
                approval.finish()
            except FieldError as error:
                raise FieldError(f"approvals[{index}].{error.field}", error.message) from error
            except ValidationError as error:
                field_name, message = next(iter(first_error(error)))
                raise FieldError(f"approvals[{index}].{field_name}".rstrip("."), message) from error
            changed.update({kind: changes} if changes else {})
        for stale in ProjectApproval.objects.filter(project=project).exclude(kind__in=kinds):
            project_approval_delete(approval=stale, acting_user=self.user)
            changed[stale.kind] = "deleted"
        return changed

    def import_events(self, r: Record) -> None:
        code = r.text("code")
        self._upsert(
            "events",
            Event.objects.filter(code=code).first(),
            event_save,
            "event",
            code=code,
            kind=r.choice("kind", EventKind),
            title=r.text("title"),
            starts_on=r.date("starts_on"),
            ends_on=r.date("ends_on", required=False),
            date_is_approximate=r.boolean("date_is_approximate"),
            programme=r.ref("programme", self.programme, required=False),
            divisions=r.refs("divisions", self.division),
            departments=r.refs("departments", self.department),
            summary=r.text("summary", required=False),
        )


SECTIONS = [
    "departments",
    "units",
    "campaigns",
    "strategic_tasks",
    "programmes",
    "workstreams",
    "indicators",
    "targets",
    "assignments",
    "policies",
    "projects",
    "events",
]


@transaction.atomic
def bundle_import(*, data: dict[str, Any], acting_user: Any, dry_run: bool = False) -> ImportReport:
    """Import a whole bundle or nothing. Re-importing the same bundle changes
    nothing; a changed record is updated in place (matched by its code)."""
    bundle_format = data.get("format")
    if bundle_format != BUNDLE_FORMAT:
        raise BundleError(
            [
                _("format: expected “%(expected)s”, found “%(found)s”.")
                % {"expected": BUNDLE_FORMAT, "found": bundle_format}
            ]
        )
    unknown = sorted(set(data) - set(SECTIONS) - {"format", "title", "division_provinces"})
    if unknown:
        raise BundleError([_("%(key)s: unknown section.") % {"key": key} for key in unknown])

    importer = _Importer(acting_user)
    provinces = data.get("division_provinces") or []
    if not isinstance(provinces, list):
        raise BundleError([_("division_provinces: expected a list of province codes.")])
    for index, province in enumerate(provinces):
        try:
            loaded = divisions_load(province_code=str(province), acting_user=acting_user)
            counts = importer.report.sections.setdefault("divisions", SectionCount())
            counts.created += loaded.created
            counts.updated += loaded.updated
            counts.unchanged += loaded.unchanged
        except ValidationError as error:
            importer.errors.extend(
                f"division_provinces[{index}]: {message}" for message in error.messages
            )
    if importer.errors:
        # Every later section refers to divisions: its errors would only repeat this.
        raise BundleError(importer.errors)
    handlers = {
        "departments": importer.import_departments,
        "units": importer.import_units,
        "campaigns": importer.import_campaigns,
        "strategic_tasks": importer.import_strategic_tasks,
        "programmes": importer.import_programmes,
        "workstreams": importer.import_workstreams,
        "indicators": importer.import_indicators,
        "targets": importer.import_targets,
        "assignments": importer.import_assignments,
        "policies": importer.import_policies,
        "projects": importer.import_projects,
        "events": importer.import_events,
    }
    for name in SECTIONS:
        importer.section(name, data.get(name), handlers[name])

    if importer.errors:
        raise BundleError(at_most_listed(importer.errors))
    if dry_run:
        transaction.set_rollback(True)
    return importer.report
