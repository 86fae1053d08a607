from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from luodi.actions.choices import EventKind
from luodi.divisions.permissions import home_divisions, visible_divisions
from luodi.projects.choices import ApprovalKind, Phase

from .forms import AsOfForm
from .selectors import UNKNOWN_YEAR, campaign_status


def _labelled(programme: dict) -> dict:
    """Attach display labels to the codes the selector returns."""
    projects = programme["projects"]
    projects["phases"] = [
        (Phase(code).label, count) for code, count in projects["by_phase"].items()
    ]
    projects["approvals"] = [
        (ApprovalKind(code).label, count) for code, count in projects["open_approvals"].items()
    ]
    projects["expected"] = [
        (
            _("Start year not given")
            if year == UNKNOWN_YEAR
            else _("Expected to start in %(year)s") % {"year": year},
            count,
        )
        for year, count in projects["expected_start"].items()
    ]
    for event in programme["recent_events"]:
        event["kind_label"] = EventKind(event["kind"]).label
    return programme


@login_required
def status_view(request):
    form = AsOfForm(request.GET or None)
    as_of = form.as_of_date()
    status = campaign_status(
        as_of=as_of, divisions=visible_divisions(request.user), home=home_divisions(request.user)
    )
    programmes = [_labelled(programme) for programme in status["programmes"]]
    return render(
        request,
        "dashboards/status.html",
        {
            "form": form,
            "as_of": as_of,
            "status": status,
            "programmes": programmes,
            "home": home_divisions(request.user),
        },
    )
