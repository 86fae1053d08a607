"""The Inner Mongolia 2024 demo: the bundle a customer would import, plus
three users to log in with. Loading it again changes nothing."""

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from luodi.bulletins.choices import Format, Language
from luodi.bulletins.models import Bulletin
from luodi.bulletins.services import bulletin_generate, bulletin_publish
from luodi.bundles.services import ImportReport, bundle_import, bundle_read
from luodi.cases.choices import CaseKind
from luodi.cases.services import case_type_save, window_save
from luodi.core.services import audit_record
from luodi.dashboards.services import lights_record
from luodi.divisions.choices import Role
from luodi.divisions.selectors import division_by_code
from luodi.divisions.services import membership_grant
from luodi.reporting.choices import Frequency, ReportStatus
from luodi.reporting.models import DataValue, Report
from luodi.reporting.services import (
    period_containing,
    report_approve,
    report_return,
    report_submit,
    values_import,
)
from luodi.reporting.spreadsheets import read_figures

DATA = Path(__file__).resolve().parent / "data"
DEMO_BUNDLE = DATA / "inner-mongolia-2024.json"
DEMO_VALUES = DATA / "values-2024-q1.csv"
AS_OF = date(2024, 3, 18)
TASK_FORCE_GROUP = "task-force office"
# Apps whose records the task-force office keeps through the admin.
OFFICE_APPS = [
    "divisions",
    "plan",
    "policies",
    "projects",
    "actions",
    "reporting",
    "dashboards",
    "bulletins",
    "cases",
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    division_code: str
    roles: tuple[str, ...]
    is_staff: bool
    description: str


# Published in the README: these accounts are for the demo only.
DEMO_USERS = [
    DemoUser(
        "taskforce",
        "luodi-demo-2024",
        "150000",
        (Role.TASK_FORCE,),
        True,
        "自治区专项组办公室 / region task-force office",
    ),
    DemoUser(
        "hinggan",
        "luodi-demo-2024",
        "152200",
        (Role.REPORTER, Role.APPROVER),
        False,
        "兴安盟填报员、审核人 / Hinggan League reporter and approver",
    ),
    DemoUser(
        "kyzq",
        "luodi-demo-2024",
        "152222",
        (Role.REPORTER,),
        False,
        "科尔沁右翼中旗填报员 / Horqin Right Middle Banner reporter",
    ),
]


def task_force_group_ensure() -> Group:
    """The group whose members may keep the lists in the admin."""
    group, created = Group.objects.get_or_create(name=TASK_FORCE_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=OFFICE_APPS)
    missing = permissions.exclude(pk__in=group.permissions.values("pk"))
    if created or missing.exists():
        group.permissions.add(*missing)
        audit_record(
            actor=None,
            action="demo.group.permissions_granted",
            instance=group,
            changes={"permissions": sorted(p.codename for p in missing)},
        )
    return group


@transaction.atomic
def demo_users_ensure() -> list[DemoUser]:
    User = get_user_model()
    group = task_force_group_ensure()
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = User.objects.create_user(
                username=demo.username, password=demo.password, is_staff=demo.is_staff
            )
            audit_record(
                actor=None,
                action="demo.user.created",
                instance=user,
                changes={"username": [None, demo.username], "is_staff": [None, demo.is_staff]},
            )
        if demo.is_staff:
            user.groups.add(group)
        for role in demo.roles:
            membership_grant(
                user=user,
                division=division_by_code(demo.division_code),
                role=role,
                acting_user=None,
            )
    return DEMO_USERS


# Reports moved on from draft in the demo: (league prefix, period) → what happened.
DEMO_REPORT_STATES = {
    ("1522", "2024-01"): "approved",
    ("1522", "2024-02"): "submitted",
    ("1506", "2024-01"): "returned",
}
DEMO_RETURN_REASON = "（示例）数值与台账不一致，请核对后重报"


def _demo_report_states(office) -> None:
    """Move the demo's reports as the office would have, once: a report that is
    no longer a draft is left as it is."""
    for (prefix, period_code), state in DEMO_REPORT_STATES.items():
        for report in Report.objects.filter(
            division__code__startswith=prefix,
            period__code=period_code,
            status=ReportStatus.DRAFT,
        ):
            report_submit(report=report, acting_user=office)
            if state == "approved":
                report_approve(report=report, acting_user=office)
            elif state == "returned":
                report_return(report=report, reason=DEMO_RETURN_REASON, acting_user=office)


# The days the demo plays the office recorded its lights, for their history.
DEMO_LIGHT_DAYS = [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 18)]

# When the demo's figures count as entered, for dashboards read "as of" a day
# of 2024: the demo is loaded today, but plays the campaign's first quarter.
DEMO_ENTERED_ON = {
    "2024-01": date(2024, 2, 5),
    "2024-02": date(2024, 3, 5),
    "2024-03": date(2024, 3, 15),
}


def _date_demo_figures() -> None:
    """Date the demo figures' history on the days the demo plays they were
    entered. A fixture step of the demo only: real figures keep the moment
    they were saved. The audit log keeps the real moment in both cases."""
    zone = timezone.get_current_timezone()
    for code, day in DEMO_ENTERED_ON.items():
        entered = datetime.combine(day, time(10, 0), tzinfo=zone)
        DataValue.history.filter(report__period__code=code, history_date__gt=entered).update(
            history_date=entered
        )


@transaction.atomic
def demo_load() -> ImportReport:
    report = bundle_import(data=bundle_read(DEMO_BUNDLE), acting_user=None)
    demo_users_ensure()
    office = get_user_model().objects.get(username="taskforce")
    for month in (1, 2, 3):
        period_containing(frequency=Frequency.MONTHLY, day=date(2024, month, 1), acting_user=office)
    # The figures go in through the same import a league office uses, entered
    # as on the demo's date so that the periods are still open.
    values_import(
        figures=read_figures(name=DEMO_VALUES.name, content=DEMO_VALUES.read_bytes()),
        acting_user=office,
        today=AS_OF,
    )
    _demo_report_states(office)
    _date_demo_figures()
    region = division_by_code("150000")
    for day in DEMO_LIGHT_DAYS:
        lights_record(divisions=[region], as_of=day, acting_user=office)
    _demo_bulletin(region, office)
    _demo_windows(office)
    return report


def _demo_windows(office) -> None:
    """Ulanqab's 12 integrity-complaint windows: the city's own and one in each
    of its 11 banners, counties and districts (the article's figure)."""
    complaint, _changes = case_type_save(
        code="integrity-complaint",
        name="诚信建设投诉",
        kind=CaseKind.COMPLAINT,
        limit_working_days=15,
        steps=["受理", "调查处理", "答复"],
        acting_user=office,
    )
    repair, _changes = case_type_save(
        code="credit-repair",
        name="信用修复申请",
        kind=CaseKind.CREDIT_REPAIR,
        limit_working_days=10,
        materials="信用修复申请书\n已履行法定义务或纠正失信行为的证明材料\n信用承诺书",
        steps=["材料接收", "受理决定", "审查", "修复决定"],
        acting_user=office,
    )
    ulanqab = division_by_code("150900")
    for division in [ulanqab, *ulanqab.children.filter(is_active=True).order_by("code")]:
        window_save(
            code=f"integrity-{division.code}",
            name=f"{division.name}政务服务中心“诚信建设投诉”窗口",
            division=division,
            case_types=[complaint, repair],
            acting_user=office,
        )


def _demo_bulletin(region, office) -> None:
    """The office's bulletin as of the demo's day, published once."""
    kept = Bulletin.objects.filter(
        division=region, as_of=AS_OF, language=Language.ZH, file_format=Format.DOCX
    )
    if not kept.exists():
        bulletin = bulletin_generate(
            division=region,
            as_of=AS_OF,
            language=Language.ZH,
            file_format=Format.DOCX,
            acting_user=office,
        )
        bulletin_publish(bulletin=bulletin, acting_user=office)
