"""The database the load and fault tests start from, and what they read back.

Run as a program with the server's settings and environment, so it writes
and reads the very database the server under test uses:

    python -m tests.load.scenario seed   # migrate, then the data below; prints who may do what
    python -m tests.load.scenario read   # every figure, report and audit count, as JSON

The data: Inner Mongolia's 116 divisions; one campaign with indicators
"load-00" … "load-119" (counts, reported monthly by counties); this month's
period; a reporter for each county, an approver for each league, the
region's task-force office; a personal access token and a logged-in session
for each of them. Everything is written through luodi's services.
"""

import json
import os
import sys
from collections import Counter, defaultdict

# Enough that importing every county's figures (12,360) takes seconds even on
# the bulk path, so a test can kill the server in the middle of it.
INDICATORS = 120


def seed() -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from luodi.api.services import access_token_create
    from luodi.divisions.choices import Level, Role
    from luodi.divisions.models import Division
    from luodi.divisions.services import divisions_load, membership_grant
    from luodi.plan.choices import OverTime
    from luodi.plan.services import campaign_save, indicator_save, programme_save
    from luodi.plan.units import unit_by_symbol
    from luodi.reporting.choices import Frequency
    from luodi.reporting.services import assignment_save, period_containing

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    divisions_load(province_code="150000")
    region = Division.objects.get(code="150000")
    campaign, _changes = campaign_save(
        code="load", name="月末并发测试", division=region, year=today.year, acting_user=None
    )
    programme, _changes = programme_save(
        code="load", campaign=campaign, name="月末填报", order=1, acting_user=None
    )
    indicators = []
    for number in range(INDICATORS):
        indicator, _changes = indicator_save(
            code=f"load-{number:02d}",
            name=f"填报指标{number:02d}",
            programme=programme,
            unit=unit_by_symbol("个"),
            over_time=OverTime.FLOW,
            acting_user=None,
        )
        assignment_save(
            indicator=indicator,
            level=Level.COUNTY,
            frequency=Frequency.MONTHLY,
            maximum=None,
            comment_above_target_factor=None,
            acting_user=None,
        )
        indicators.append((indicator.code, indicator.pk))
    period = period_containing(frequency=Frequency.MONTHLY, day=today)

    def person(username: str, division: Division, role: str) -> dict:
        user = get_user_model().objects.create_user(username=username, password=None)
        membership_grant(user=user, division=division, role=role, acting_user=None)
        _token, secret = access_token_create(user=user, name="load test", acting_user=user)
        browser = Client()
        browser.force_login(user)
        return {
            "username": username,
            "token": secret,
            "session": browser.cookies["sessionid"].value,
        }

    counties = {}
    for county in Division.objects.filter(level=Level.COUNTY).select_related("parent"):
        counties[county.code] = {
            "league": county.parent.code,
            **person(f"r{county.code}", county, Role.REPORTER),
        }
    leagues = {
        league.code: person(f"a{league.code}", league, Role.APPROVER)
        for league in Division.objects.filter(level=Level.PREFECTURE)
    }
    return {
        "today": today.isoformat(),
        "period": period.code,
        "indicators": dict(indicators),
        "counties": dict(sorted(counties.items())),
        "leagues": dict(sorted(leagues.items())),
        "office": person("office", region, Role.TASK_FORCE),
    }


def read() -> dict:
    """Every stored figure with its version and how many audit events and
    history rows it has; every report with its status and audit actions."""
    from luodi.core.models import AuditEvent
    from luodi.reporting.models import DataValue, Report

    actions = defaultdict(list)
    for kind, pk, action in AuditEvent.objects.filter(
        object_type__in=["reporting.datavalue", "reporting.report"]
    ).values_list("object_type", "object_id", "action"):
        actions[kind, pk].append(action)
    history = Counter(DataValue.history.values_list("id", flat=True))
    figures = {
        f"{figure.indicator.code}/{figure.report.division.code}": {
            "value": format(figure.value.normalize(), "f"),
            "version": figure.version,
            "audit": sorted(actions["reporting.datavalue", str(figure.pk)]),
            "history": history[figure.pk],
        }
        for figure in DataValue.objects.select_related("indicator", "report__division")
    }
    reports = {
        report.division.code: {
            "status": report.status,
            "audit": sorted(actions["reporting.report", str(report.pk)]),
        }
        for report in Report.objects.select_related("division")
    }
    return {
        "figures": figures,
        "reports": reports,
        "value_events": sum(
            len(found) for (kind, _pk), found in actions.items() if kind == "reporting.datavalue"
        ),
        "value_history": sum(history.values()),
    }


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    django.setup()
    command = sys.argv[1]
    result = {"seed": seed, "read": read}[command]()
    json.dump(result, sys.stdout, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main()
