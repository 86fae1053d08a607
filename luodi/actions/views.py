"""Action items: the person's digest, the list, one item with the steps the
person may take, the supervision notice; and assigning a new item."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from luodi.core.evidence import MAX_ATTACHMENT_BYTES, Evidence
from luodi.dashboards.choices import Light
from luodi.divisions.permissions import (
    can_report,
    can_supervise,
    editable_divisions,
    home_divisions,
    visible_divisions,
)
from luodi.plan.selectors import campaigns_for

from .choices import EventKind, ItemStatus
from .forms import AssignForm, StepForm
from .models import ActionItem, Event
from .notices import supervision_notice
from .selectors import digest_for, item_verdicts, items_visible_to
from .services import (
    action_item_acknowledge,
    action_item_assign,
    action_item_close,
    action_item_progress,
    action_item_report_done,
    action_item_return,
    decision_save,
)

MEETING_KINDS = [EventKind.DISPATCH_MEETING, EventKind.PROGRESS_MEETING, EventKind.INSPECTION]


@login_required
def digest(request):
    """The in-app digest: what is due soon or overdue for the person."""
    as_of = timezone.localdate()
    return render(
        request,
        "actions/digest.html",
        {"lines": digest_for(request.user, as_of=as_of), "as_of": as_of},
    )


@login_required
def item_list(request):
    as_of = timezone.localdate()
    lines = items_visible_to(request.user, as_of=as_of, divisions=visible_divisions(request.user))
    return render(request, "actions/item_list.html", {"lines": lines, "as_of": as_of})


def _item(request, pk: int) -> ActionItem:
    return get_object_or_404(
        ActionItem.objects.filter(lead_division__in=visible_divisions(request.user)).select_related(
            "lead_division", "lead_department", "programme"
        ),
        pk=pk,
    )


def _evidence(form) -> Evidence | None:
    upload = form.cleaned_data.get("attachment")
    if upload is None:
        return None
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "attachment": _("The file is %(size)d bytes; the limit is %(limit)d bytes.")
                % {"size": upload.size, "limit": MAX_ATTACHMENT_BYTES}
            }
        )
    return Evidence(upload.name, upload.read())


STEPS = {
    "acknowledge": lambda item, today, note, evidence, user: action_item_acknowledge(
        item=item, on=today, acting_user=user
    ),
    "progress": lambda item, today, note, evidence, user: action_item_progress(
        item=item, on=today, note=note, evidence=evidence, acting_user=user
    ),
    "report": lambda item, today, note, evidence, user: action_item_report_done(
        item=item, on=today, note=note, evidence=evidence, acting_user=user
    ),
    "close": lambda item, today, note, evidence, user: action_item_close(
        item=item, on=today, note=note, acting_user=user
    ),
    "return": lambda item, today, note, evidence, user: action_item_return(
        item=item, on=today, reason=note, acting_user=user
    ),
}


@login_required
def item_detail(request, pk: int):
    item = _item(request, pk)
    today = timezone.localdate()
    form = StepForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        step = STEPS.get(request.POST.get("step", ""))
        if step is None:
            raise Http404
        if form.is_valid():
            try:
                step(item, today, form.cleaned_data["note"], _evidence(form), request.user)
            except PermissionDenied:
                raise
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Saved."))
            return redirect("actions:item", pk=item.pk)
    verdict = item_verdicts([item], as_of=today)[item.pk]
    assignee = can_report(request.user, item.lead_division)
    supervisor = can_supervise(request.user, item.lead_division)
    return render(
        request,
        "actions/item_detail.html",
        {
            "item": item,
            "light": verdict,
            "updates": item.updates.select_related("by").defer("attachment"),
            "form": form,
            "may_acknowledge": assignee and item.status == ItemStatus.ASSIGNED,
            "may_report": assignee
            and item.status
            in (ItemStatus.ACKNOWLEDGED, ItemStatus.IN_PROGRESS, ItemStatus.RETURNED),
            "may_verify": supervisor and item.status == ItemStatus.REPORTED_DONE,
            "may_notice": verdict.light == Light.RED,
        },
    )


@login_required
def item_notice(request, pk: int):
    item = _item(request, pk)
    today = timezone.localdate()
    verdict = item_verdicts([item], as_of=today)[item.pk]
    if verdict.light != Light.RED:
        raise Http404
    response = HttpResponse(
        supervision_notice(item=item, as_of=today),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="luodi-notice-{item.pk}.docx"'
    return response


@login_required
def item_new(request):
    divisions = editable_divisions(request.user).filter(is_active=True, parent__isnull=False)
    # Meetings of the user's divisions, or of their campaigns when they name none.
    campaigns = campaigns_for(home_divisions(request.user))
    meetings = (
        Event.objects.filter(kind__in=MEETING_KINDS)
        .filter(
            Q(divisions__in=visible_divisions(request.user))
            | Q(divisions__isnull=True, programme__campaign__in=campaigns)
        )
        .distinct()
        .order_by("-starts_on")
    )
    form = AssignForm(request.POST or None, divisions=divisions, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        meeting = form.cleaned_data["meeting"]
        try:
            with transaction.atomic():
                decision = None
                if meeting and form.cleaned_data["decision"]:
                    decision, _changes = decision_save(
                        meeting=meeting,
                        text=form.cleaned_data["decision"],
                        acting_user=request.user,
                    )
                item = action_item_assign(
                    decision=decision,
                    programme=meeting.programme if meeting else None,
                    title=form.cleaned_data["title"],
                    lead_division=form.cleaned_data["lead_division"],
                    assigned_on=form.cleaned_data["assigned_on"],
                    due_on=form.cleaned_data["due_on"],
                    acting_user=request.user,
                )
        except PermissionDenied:
            form.add_error("lead_division", _("You may not assign items to this division."))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("actions:item", pk=item.pk)
    return render(
        request, "actions/item_new.html", {"form": form}, status=400 if form.errors else 200
    )
