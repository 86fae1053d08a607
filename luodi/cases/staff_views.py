"""The windows' staff pages: the cases of their windows, each with its clock
and the steps they may take, the decision letter, and on-time rates."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luodi.divisions.permissions import can_edit, visible_divisions

from .choices import CaseStatus, Outcome
from .letters import decision_letter
from .models import Case
from .selectors import on_time_rates
from .services import case_advance, case_decide, case_extend, case_pause, case_resume


class CaseStepForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Reason or answer"), widget=forms.Textarea, required=False
    )
    working_days = forms.IntegerField(
        label=gettext_lazy("Extend by (working days)"), required=False, min_value=1, max_value=60
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=Outcome.choices, required=False
    )


def _cases(request):
    return Case.objects.filter(window__division__in=visible_divisions(request.user)).select_related(
        "case_type", "window", "step"
    )


@login_required
def case_list(request):
    divisions = visible_divisions(request.user)
    return render(
        request,
        "cases/case_list.html",
        {
            "cases": _cases(request).order_by("status", "due_on")[:200],
            "rates": on_time_rates(divisions=divisions, by="window"),
            "today": timezone.localdate(),
        },
    )


@login_required
def case_detail(request, pk: int):
    case = get_object_or_404(_cases(request), pk=pk)
    form = CaseStepForm(request.POST or None)
    today = timezone.localdate()
    if request.method == "POST" and form.is_valid():
        step = request.POST.get("step")
        note = form.cleaned_data["note"] or ""
        try:
            if step == "advance":
                case_advance(case=case, acting_user=request.user)
            elif step == "pause":
                case_pause(case=case, on=today, reason=note, acting_user=request.user)
            elif step == "resume":
                case_resume(case=case, on=today, acting_user=request.user)
            elif step == "extend":
                case_extend(
                    case=case,
                    working_days=form.cleaned_data["working_days"] or 0,
                    reason=note,
                    acting_user=request.user,
                )
            elif step == "decide":
                case_decide(
                    case=case,
                    outcome=form.cleaned_data["outcome"] or Outcome.ANSWERED,
                    reason=note,
                    on=today,
                    acting_user=request.user,
                )
            else:
                raise Http404
        except PermissionDenied:
            raise
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("cases:case", pk=case.pk)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "form": form,
            "may_act": can_edit(request.user, case.window.division),
            "open": case.status == CaseStatus.OPEN,
            "paused": case.status == CaseStatus.PAUSED,
            "materials": [m for m in case.case_type.materials.splitlines() if m.strip()],
        },
    )


@login_required
def case_letter(request, pk: int):
    case = get_object_or_404(_cases(request), pk=pk)
    if case.status != CaseStatus.DECIDED:
        raise Http404
    response = HttpResponse(
        decision_letter(case=case),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="luodi-{case.tracking_number}.docx"'
    return response
