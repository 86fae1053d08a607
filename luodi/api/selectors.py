"""The API's reads: each app's selectors and scope rules, cut to what the
asking user may see. Nothing here decides scope itself: it uses
`divisions.permissions` as the pages do."""

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from luodi.actions.models import ActionItem, Event
from luodi.bulletins.models import Bulletin
from luodi.cases.models import Case
from luodi.divisions.models import Division
from luodi.divisions.permissions import home_divisions, visible_divisions
from luodi.plan.models import Campaign, Indicator, Programme, Target
from luodi.plan.selectors import campaigns_for, programmes_in_order
from luodi.policies.models import Policy
from luodi.policies.selectors import policies_as_of
from luodi.projects.models import Project
from luodi.projects.selectors import projects_as_of
from luodi.reporting.models import DataValue, Period
from luodi.reporting.selectors import end_of_day, values_as_stored


def divisions_seen(user: Any) -> QuerySet[Division]:
    return visible_divisions(user).filter(is_active=True)


def division_seen(user: Any, code: str) -> Division:
    """A division in the user's scope; outside it, the division does not exist."""
    division = divisions_seen(user).filter(code=code).first()
    if division is None:
        raise Http404(_("No division “%(code)s” in your scope.") % {"code": code})
    return division


def campaigns_seen(user: Any) -> QuerySet[Campaign]:
    return campaigns_for(home_divisions(user))


def programmes_seen(user: Any) -> QuerySet[Programme]:
    return programmes_in_order(campaigns_seen(user))


def programme_seen(user: Any, code: str) -> Programme:
    programme = programmes_seen(user).filter(code=code).first()
    if programme is None:
        raise Http404(_("No programme “%(code)s” in your scope.") % {"code": code})
    return programme


def indicators_seen(user: Any) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(programme__in=programmes_seen(user))
        .select_related("programme", "unit", "assignment")
        .order_by("programme__order", "code")
    )


def indicator_seen(user: Any, code: str) -> Indicator:
    indicator = indicators_seen(user).filter(code=code).first()
    if indicator is None:
        raise Http404(_("No indicator “%(code)s” in your scope.") % {"code": code})
    return indicator


def period_named(code: str) -> Period:
    period = Period.objects.filter(code=code).first()
    if period is None:
        raise Http404(_("No period “%(code)s” has been opened.") % {"code": code})
    return period


def targets_seen(user: Any) -> QuerySet[Target]:
    return (
        Target.objects.filter(
            division__in=divisions_seen(user), indicator__programme__in=programmes_seen(user)
        )
        .select_related("indicator__unit", "division")
        .order_by("indicator__programme__order", "indicator__code", "year", "division__code")
    )


def values_seen(user: Any, *, as_of: date | None = None) -> QuerySet:
    """The figures of the user's divisions, as stored now or by the end of `as_of`."""
    stored = values_as_stored(end_of_day(as_of))
    return (
        stored.filter(
            report__division__in=divisions_seen(user),
            indicator__programme__in=programmes_seen(user),
        )
        .select_related("indicator__unit", "report__division", "report__period")
        .order_by("report__period__starts_on", "indicator__code", "report__division__code")
    )


def value_seen(user: Any, *, indicator: str, division: str, period: str) -> DataValue:
    value = (
        values_seen(user)
        .filter(
            indicator__code=indicator,
            report__division__code=division,
            report__period__code=period,
        )
        .first()
    )
    if value is None:
        raise Http404(_("No figure entered for this indicator, division and period."))
    return value


def policies_seen(user: Any, *, as_of: date) -> QuerySet[Policy]:
    return (
        policies_as_of(as_of)
        .filter(programme__in=programmes_seen(user))
        .select_related("programme")
        .prefetch_related("issuing_departments")
        .order_by("programme__order", "code")
    )


def projects_seen(user: Any, *, as_of: date) -> QuerySet[Project]:
    """Projects in any of the user's divisions, with their phase on `as_of`."""
    in_scope = Project.objects.filter(divisions__in=divisions_seen(user)).values("pk")
    return (
        projects_as_of(as_of)
        .filter(pk__in=in_scope)
        .select_related("programme")
        .prefetch_related("divisions", "approvals")
        .order_by("programme__order", "code")
    )


def projects_within(user: Any, *, as_of: date, division: str | None) -> QuerySet[Project]:
    """The user's projects, or those in one division of their scope and below it."""
    found = projects_seen(user, as_of=as_of)
    if division:
        top = division_seen(user, division)
        below = Project.objects.filter(divisions__path__startswith=top.path).values("pk")
        found = found.filter(pk__in=below)
    return found


def events_seen(user: Any) -> QuerySet[Event]:
    """Events of the user's divisions, and campaign-wide ones of their campaigns."""
    scoped = Event.objects.filter(
        Q(divisions__in=divisions_seen(user))
        | Q(divisions__isnull=True, programme__campaign__in=campaigns_seen(user))
    ).values("pk")
    return (
        Event.objects.filter(pk__in=scoped)
        .select_related("programme")
        .prefetch_related("divisions")
        .order_by("-starts_on", "pk")
    )


def action_items_seen(user: Any) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(lead_division__in=divisions_seen(user))
        .select_related("programme", "lead_division", "lead_department")
        .order_by("due_on", "pk")
    )


def cases_seen(user: Any) -> QuerySet[Case]:
    return (
        Case.objects.filter(window__division__in=visible_divisions(user))
        .select_related("case_type", "window__division", "step")
        .defer("attachment", "secret_hash")
        .order_by("-received_on", "tracking_number")
    )


def bulletins_seen(user: Any) -> QuerySet[Bulletin]:
    return (
        Bulletin.objects.filter(division__in=visible_divisions(user))
        .select_related("division", "campaign", "programme")
        .defer("content", "text")
        .order_by("-as_of", "-pk")
    )
