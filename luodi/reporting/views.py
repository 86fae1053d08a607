"""The report list and the data-entry page of one division × period."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luodi.divisions.permissions import (
    can_approve,
    can_report,
    can_unlock,
    reportable_divisions,
    visible_divisions,
)
from luodi.plan.units import to_base

from .choices import EDITABLE_STATUSES, ReportStatus
from .forms import ReasonForm, parse_figure
from .models import Period, Report
from .selectors import (
    forms_open,
    report_change_logs,
    report_form_rows,
    reports_below,
    reports_visible_to,
)
from .services import (
    ValueConflict,
    ValuesImportRefused,
    lock_reason,
    report_approve,
    report_open,
    report_return,
    report_submit,
    report_unlock,
    value_save,
    values_import,
)
from .spreadsheets import MAX_UPLOAD_BYTES, SpreadsheetError, read_figures, report_template


@login_required
def report_list(request):
    reports = reports_visible_to(visible_divisions(request.user))[:200]
    forms = forms_open(divisions=reportable_divisions(request.user), today=timezone.localdate())
    return render(request, "reporting/report_list.html", {"reports": reports, "forms": forms})


def _save_figures(request, *, division, period, rows) -> dict[int, str]:
    """Save every changed figure, or none: returns the errors by indicator."""
    errors: dict[int, str] = {}
    with transaction.atomic():
        report = report_open(division=division, period=period, acting_user=request.user)
        for row in rows:
            key = row.indicator.pk
            raw = request.POST.get(f"value-{key}", "")
            comment = request.POST.get(f"comment-{key}", "").strip()
            version = request.POST.get(f"version-{key}", "")
            try:
                typed = parse_figure(raw)
            except ValueError:
                errors[key] = _("“%(value)s” is not a number.") % {"value": raw}
                continue
            if typed is None or (typed == row.value and comment == row.comment):
                continue
            try:
                value_save(
                    report=report,
                    indicator=row.indicator,
                    value=to_base(typed, row.indicator.unit),
                    comment=comment,
                    expected_version=int(version) if version.isdigit() else None,
                    acting_user=request.user,
                )
            except ValueConflict as conflict:
                errors[key] = str(conflict)
            except ValidationError as error:
                errors[key] = " ".join(error.messages)
        if errors:
            transaction.set_rollback(True)
    return errors


def _act(request, report: Report | None, action: str) -> None:
    if report is None:
        raise ValidationError(_("Enter at least one figure before submitting."))
    reason = ReasonForm(request.POST)
    reason.is_valid()
    text = reason.cleaned_data.get("reason", "")
    if action == "submit":
        report_submit(report=report, acting_user=request.user)
    elif action == "approve":
        report_approve(report=report, acting_user=request.user)
    elif action == "return":
        report_return(report=report, reason=text, acting_user=request.user)
    elif action == "unlock":
        report_unlock(report=report, reason=text, acting_user=request.user)
    else:
        raise Http404


def _division_and_period(request, division_code: str, period_code: str):
    division = get_object_or_404(
        visible_divisions(request.user).active(), code=division_code
    )  # outside one's scope the division does not exist
    return division, get_object_or_404(Period, code=period_code)


@login_required
def report_template_download(request, division_code: str, period_code: str):
    division, period = _division_and_period(request, division_code, period_code)
    response = HttpResponse(
        report_template(division=division, period=period),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="luodi-{division.code}-{period.code}.xlsx"'
    )
    return response


def _upload(request) -> list[str]:
    """Import an uploaded template or CSV; the errors, if it was refused."""
    upload = request.FILES.get("file")
    if upload is None:
        return [_("Choose a file to upload.")]
    if upload.size > MAX_UPLOAD_BYTES:
        return [
            _("The file is %(size)d bytes; the limit is %(limit)d bytes.")
            % {"size": upload.size, "limit": MAX_UPLOAD_BYTES}
        ]
    try:
        figures = read_figures(name=upload.name, content=upload.read())
        result = values_import(figures=figures, acting_user=request.user)
    except SpreadsheetError as error:
        return [str(error)]
    except ValuesImportRefused as error:
        return error.errors
    messages.success(
        request,
        _("%(saved)d figures saved, %(unchanged)d unchanged.")
        % {"saved": result.saved, "unchanged": result.unchanged},
    )
    return []


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, division_code: str, period_code: str):
    division, period = _division_and_period(request, division_code, period_code)
    report = Report.objects.filter(division=division, period=period).first()
    rows = report_form_rows(division=division, period=period)
    errors: dict[int, str] = {}
    upload_errors: list[str] = []

    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "upload":
                upload_errors = _upload(request)
                if not upload_errors:
                    return redirect(request.path)
            elif action == "save":
                errors = _save_figures(request, division=division, period=period, rows=rows)
                if not errors:
                    messages.success(request, _("Saved."))
                    return redirect(request.path)
            else:
                _act(request, report, action)
                messages.success(request, _("Done."))
                return redirect(request.path)
        except PermissionDenied:
            raise
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)

    today = timezone.localdate()
    locks = (
        {
            row.indicator.pk: lock_reason(report=report, assignment=row.assignment, today=today)
            for row in rows
        }
        if report
        else {}
    )
    logs = report_change_logs(report=report)
    status = report.status if report else ReportStatus.DRAFT
    may_enter = can_report(request.user, division) and status in EDITABLE_STATUSES
    context = {
        "division": division,
        "period": period,
        "report": report,
        "status_label": ReportStatus(status).label,
        "rows": [
            {
                "row": row,
                "error": errors.get(row.indicator.pk),
                "typed": request.POST.get(f"value-{row.indicator.pk}") if errors else None,
                "lock": locks.get(row.indicator.pk),
                "log": logs.get(row.indicator.pk, []),
            }
            for row in rows
        ],
        "may_enter": may_enter,
        "may_submit": may_enter and report is not None,
        "may_decide": status == ReportStatus.SUBMITTED and can_approve(request.user, division),
        "may_unlock": status == ReportStatus.APPROVED and can_unlock(request.user, division),
        "upload_errors": upload_errors,
        "below": reports_below(division=division, period=period),
    }
    refused = bool(errors or upload_errors)
    return render(request, "reporting/report_detail.html", context, status=400 if refused else 200)
