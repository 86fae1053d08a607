"""The Inner Mongolia 2024 demo: the bundle a customer would import, plus
three users to log in with. Loading it again changes nothing."""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from luodi.bundles.services import ImportReport, bundle_import, bundle_read
from luodi.core.services import audit_record
from luodi.divisions.choices import Role
from luodi.divisions.selectors import division_by_code
from luodi.divisions.services import membership_grant

DEMO_BUNDLE = Path(__file__).resolve().parent / "data" / "inner-mongolia-2024.json"
TASK_FORCE_GROUP = "task-force office"
# Apps whose records the task-force office keeps through the admin.
OFFICE_APPS = ["divisions", "plan", "policies", "projects", "actions", "reporting"]


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    division_code: str
    role: str
    is_staff: bool
    description: str


# Published in the README: these accounts are for the demo only.
DEMO_USERS = [
    DemoUser(
        "taskforce",
        "luodi-demo-2024",
        "150000",
        Role.TASK_FORCE,
        True,
        "自治区专项组办公室 / region task-force office",
    ),
    DemoUser(
        "hinggan",
        "luodi-demo-2024",
        "152200",
        Role.REPORTER,
        False,
        "兴安盟填报员 / Hinggan League reporter",
    ),
    DemoUser(
        "kyzq",
        "luodi-demo-2024",
        "152222",
        Role.REPORTER,
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
        membership_grant(
            user=user,
            division=division_by_code(demo.division_code),
            role=demo.role,
            acting_user=None,
        )
    return DEMO_USERS


@transaction.atomic
def demo_load() -> ImportReport:
    report = bundle_import(data=bundle_read(DEMO_BUNDLE), acting_user=None)
    demo_users_ensure()
    return report
