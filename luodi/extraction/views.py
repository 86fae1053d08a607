"""Reading reports: paste or upload a text, then accept, correct or reject
each figure luodi proposes from it. Thin doors into `services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .choices import ProposalStatus, WriteAs
from .forms import AcceptForm, ReadingForm, RejectForm
from .models import Proposal
from .selectors import proposals_of, province_divisions, readings_seen
from .services import day_of, proposal_accept, proposal_reject, reading_create


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def reading_list(request):
    if request.method == "POST":
        form = ReadingForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                reading = reading_create(
                    title=data["title"],
                    text=data["text"],
                    division=data["division"],
                    as_of=data["as_of"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("extraction:reading", pk=reading.pk)
        status = 400
    else:
        form = ReadingForm(user=request.user)
        status = 200
    readings = readings_seen(request.user)[:50]
    return render(
        request,
        "extraction/reading_list.html",
        {"form": form, "readings": readings},
        status=status,
    )


def _accept_form(proposal: Proposal, user, divisions) -> AcceptForm:
    return AcceptForm(
        user=user,
        divisions=divisions,
        prefix=f"p{proposal.pk}",
        initial={
            "quantity": proposal.written,
            "indicator": proposal.indicator.code if proposal.indicator else None,
            "division": (proposal.division or proposal.reading.division).code,
            "day": day_of(proposal.period, as_of=proposal.reading.as_of),
            "write_as": WriteAs.for_kind(proposal.kind),
        },
    )


@login_required
def reading_detail(request, pk: int):
    reading = get_object_or_404(readings_seen(request.user), pk=pk)
    divisions = province_divisions(reading.division)
    proposals = list(proposals_of(reading))
    parts_of: dict[int, list[Proposal]] = {}
    for proposal in proposals:
        if proposal.part_of_id is not None:
            parts_of.setdefault(proposal.part_of_id, []).append(proposal)
    # Every form offers the same indicators and divisions: read them once.
    choices: dict[str, list] = {}
    rows = []
    for proposal in proposals:
        parts = parts_of.get(proposal.pk, [])
        form = None
        if proposal.status == ProposalStatus.PENDING:
            form = _accept_form(proposal, request.user, divisions)
            for name in ("indicator", "division"):
                if name not in choices:
                    choices[name] = list(form.fields[name].choices)
                form.fields[name].choices = choices[name]
        rows.append(
            {
                "proposal": proposal,
                "form": form,
                "parts": parts,
                "parts_total": sum((p.value for p in parts), 0) if parts else None,
            }
        )
    counts = {status: 0 for status in ProposalStatus.values}
    for proposal in proposals:
        counts[proposal.status] += 1
    return render(
        request,
        "extraction/reading_detail.html",
        {"reading": reading, "rows": rows, "counts": counts, "reject_form": RejectForm()},
    )


def _proposal_seen(request, pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("reading__division").filter(
            reading__in=readings_seen(request.user)
        ),
        pk=pk,
    )


def _back(proposal: Proposal):
    return redirect(reverse("extraction:reading", args=[proposal.reading_id]) + f"#p{proposal.pk}")


@login_required
@require_POST
def accept(request, pk: int):
    proposal = _proposal_seen(request, pk)
    form = AcceptForm(
        request.POST,
        user=request.user,
        divisions=province_divisions(proposal.reading.division),
        prefix=f"p{proposal.pk}",
    )
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label}: {' '.join(errors)}"
            if name in form.fields
            else " ".join(errors)
            for name, errors in form.errors.items()
        ]
        messages.error(request, f"{proposal.written}: " + " ".join(problems))
        return _back(proposal)
    data = form.cleaned_data
    return _decided(
        request,
        proposal,
        lambda: proposal_accept(proposal=proposal, acting_user=request.user, **data),
        _("accepted and written."),
    )


@login_required
@require_POST
def reject(request, pk: int):
    proposal = _proposal_seen(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        problems = " ".join(" ".join(errors) for errors in form.errors.values())
        messages.error(request, f"{proposal.written}: {problems}")
        return _back(proposal)
    reason = form.cleaned_data["reason"]
    return _decided(
        request,
        proposal,
        lambda: proposal_reject(proposal=proposal, reason=reason, acting_user=request.user),
        _("rejected."),
    )


def _decided(request, proposal: Proposal, decide, done: str):
    """Carry out a decision and say how it went, beside the proposal."""
    try:
        decide()
    except ValidationError as error:
        messages.error(request, f"{proposal.written}: {_error_text(error)}")
    except PermissionDenied:
        messages.error(
            request,
            f"{proposal.written}: " + _("you may not write figures or targets for that division."),
        )
    else:
        messages.success(request, f"{proposal.written}: {done}")
    return _back(proposal)
