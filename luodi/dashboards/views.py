from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from luodi.actions.choices import EventKind
from luodi.divisions.permissions import home_divisions, visible_divisions
from luodi.projects.choices import ApprovalKind, Phase
from luodi.projects.selectors import UNKNOWN_YEAR

from .choices import Light
from .forms import AsOfForm
from .selectors import campaign_status, division_board_kept


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


@login_required
def board_home(request):
    """The dashboard of the user's own (top) division."""
    home = home_divisions(request.user)
    if not home:
        raise Http404
    target = reverse("dashboards:board", args=[home[0].code])
    # The dates asked for go along (the README's link gives one).
    if request.GET:
        target += "?" + request.GET.urlencode()
    return redirect(target)


def _board(request, code: str) -> tuple[dict, AsOfForm]:
    # Outside one's scope the division does not exist.
    visible = visible_divisions(request.user)
    division = get_object_or_404(visible.filter(is_active=True), code=code)
    form = AsOfForm(request.GET or None)
    board = division_board_kept(
        division=division,
        as_of=form.as_of_date(),
        visible=visible,
        programme_code=request.GET.get("programme") or None,
        rank_by=request.GET.get("rank") or None,
        recorded_on=form.recorded_on_date(),
    )
    return board, form


@login_required
def board(request, code: str):
    data, form = _board(request, code)
    return render(
        request,
        "dashboards/board.html",
        {
            "board": data,
            "form": form,
            "lights": dict(Light.choices),
            "has_map": _map_path(code) is not None,
            "map_url": reverse("dashboards:map", args=[code]),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def board_data(request, code: str):
    data, _form = _board(request, code)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _map_path(code: str) -> Path | None:
    """The operator's approved boundary file if there is one, else the one
    built from the npm package."""
    if not code.isdigit():
        return None
    for folder in (settings.LUODI_MAP_DIR, settings.ASSETS_DIR / "maps"):
        if folder is not None and (Path(folder) / f"{code}.json").is_file():
            return Path(folder) / f"{code}.json"
    return None


@login_required
def map_file(request, code: str):
    get_object_or_404(visible_divisions(request.user).filter(is_active=True), code=code)
    path = _map_path(code)
    if path is None:
        raise Http404
    return HttpResponse(path.read_bytes(), content_type="application/geo+json")
