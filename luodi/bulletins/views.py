"""Bulletins: preview with every figure linked to its records, saved files,
publishing, and the public page (no log-in) of published bulletins."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luodi.divisions.permissions import can_edit, can_publish, home_divisions, visible_divisions
from luodi.plan.models import Campaign
from luodi.plan.selectors import campaigns_for

from .choices import MEDIA_TYPES, Format
from .forms import BulletinForm
from .models import Bulletin
from .selectors import bulletin_document, trace_records
from .services import bulletin_generate, bulletin_publish

TRACE_KEYS = ("what", "programme", "state", "year", "indicator")


def _division(request):
    """The division asked for (?division=), else the user's own; 404 outside scope."""
    code = request.GET.get("division") or request.POST.get("division")
    if code:
        return get_object_or_404(visible_divisions(request.user).filter(is_active=True), code=code)
    home = home_divisions(request.user)
    if not home:
        raise Http404
    return home[0]


@login_required
def bulletin_list(request):
    division = _division(request)
    form = BulletinForm(initial={"programme": ""})
    bulletins = (
        Bulletin.objects.filter(division__in=visible_divisions(request.user))
        .select_related("division", "generated_by")
        .defer("content", "text")[:100]
    )
    return render(
        request,
        "bulletins/bulletin_list.html",
        {"form": form, "division": division, "bulletins": bulletins},
    )


@login_required
def bulletin_preview(request):
    division = _division(request)
    form = BulletinForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "bulletins/bulletin_list.html",
            {"form": form, "division": division, "bulletins": []},
            status=400,
        )
    as_of, language = form.cleaned_data["as_of"], form.cleaned_data["language"]
    try:
        document = bulletin_document(
            as_of=as_of,
            division=division,
            language=language,
            programme_code=form.cleaned_data["programme"] or None,
        )
    except Campaign.DoesNotExist as error:
        raise Http404 from error
    base = {"as_of": as_of.isoformat(), "division": division.code}

    def link(figure) -> str:
        return reverse("bulletins:trace") + "?" + urlencode({**base, **figure.trace})

    return render(
        request,
        "bulletins/bulletin_preview.html",
        {
            "document": document,
            "division": division,
            "form": form,
            "sections": [
                (section.heading, [sentence.html(link) for sentence in section.sentences])
                for section in document.sections
            ],
            "figures": [(figure, link(figure)) for figure in document.figures()],
            "formats": Format.choices,
            "may_save": can_edit(request.user, division),
        },
    )


@login_required
def bulletin_trace(request):
    division = _division(request)
    try:
        as_of = date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError as error:
        raise Http404 from error
    campaign = campaigns_for([division]).order_by("-year", "code").first()
    if campaign is None:
        raise Http404
    trace = {key: request.GET[key] for key in TRACE_KEYS if request.GET.get(key)}
    rows = trace_records(trace=trace, as_of=as_of, division=division, campaign=campaign)
    return render(
        request,
        "bulletins/bulletin_trace.html",
        {"rows": rows, "trace": trace, "as_of": as_of, "division": division},
    )


@login_required
@require_POST
def bulletin_save(request):
    division = _division(request)
    form = BulletinForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("bulletins:list")
    try:
        bulletin = bulletin_generate(
            division=division,
            as_of=form.cleaned_data["as_of"],
            language=form.cleaned_data["language"],
            file_format=form.cleaned_data["file_format"] or Format.DOCX,
            programme_code=form.cleaned_data["programme"] or None,
            acting_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("bulletins:list")
    messages.success(request, _("Saved: %(title)s") % {"title": bulletin.title})
    return redirect("bulletins:list")


def _download(bulletin: Bulletin) -> HttpResponse:
    response = HttpResponse(bytes(bulletin.content), content_type=MEDIA_TYPES[bulletin.file_format])
    response["Content-Disposition"] = f'attachment; filename="{bulletin.file_name}"'
    response["X-Content-SHA256"] = bulletin.sha256
    return response


@login_required
def bulletin_download(request, pk: int):
    bulletin = get_object_or_404(
        Bulletin.objects.filter(division__in=visible_divisions(request.user)), pk=pk
    )
    return _download(bulletin)


@login_required
@require_POST
def bulletin_publish_view(request, pk: int):
    bulletin = get_object_or_404(
        Bulletin.objects.filter(division__in=visible_divisions(request.user)), pk=pk
    )
    if not can_publish(request.user, bulletin.division):
        raise Http404
    bulletin_publish(bulletin=bulletin, acting_user=request.user)
    messages.success(request, _("Published: %(title)s") % {"title": bulletin.title})
    return redirect("bulletins:list")


# The public page: published bulletins only, no log-in.


def _published():
    return Bulletin.objects.filter(published_at__isnull=False).select_related("division")


def public_list(request):
    bulletins = _published().defer("content", "text").order_by("-published_at")[:200]
    return render(request, "bulletins/public_list.html", {"bulletins": bulletins})


def public_detail(request, pk: int):
    bulletin = get_object_or_404(_published().defer("content"), pk=pk)
    return render(request, "bulletins/public_detail.html", {"bulletin": bulletin})


def public_download(request, pk: int):
    return _download(get_object_or_404(_published(), pk=pk))
