"""Writes for reading reports. Reading a text only proposes; a figure or a
target is written when a person accepts a proposal, through the same services
as the report form and the plan, so every rule, lock and check applies."""

import calendar
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luodi.core.services import audit_record, record_save
from luodi.divisions.models import Division
from luodi.divisions.permissions import can_report, can_set_target
from luodi.plan.models import Indicator, Target
from luodi.plan.selectors import indicators_seen
from luodi.plan.services import target_save
from luodi.plan.units import tidy, to_base
from luodi.reporting.models import Assignment, DataValue, Period
from luodi.reporting.services import ValueConflict, report_open, value_save

from .catalogue import unit_word
from .choices import ProposalStatus, WriteAs
from .documents import text_checked
from .models import Proposal, Reading
from .numbers import LARGEST_VALUE, quantities
from .reader import HALF_WIDTH, Extracted, read_text
from .selectors import catalogue_for


def reading_create(
    *, title: str, text: str, division: Division, as_of: date, acting_user: Any
) -> Reading:
    """Read `text`, a report from `division` written on `as_of`, and keep
    what it proposes. Nothing else is written."""
    if not can_report(acting_user, division):
        raise PermissionDenied
    title = title.strip() or _("Pasted text")
    text = text_checked(text, name=title)
    # Read first, outside the transaction: no write lock is held while reading.
    catalogue = catalogue_for(division, acting_user)
    found = read_text(text, catalogue=catalogue, as_of=as_of, reporting=division.code)
    with transaction.atomic():
        return _reading_keep(
            title=title,
            text=text,
            division=division,
            as_of=as_of,
            found=found,
            acting_user=acting_user,
        )


def _reading_keep(
    *,
    title: str,
    text: str,
    division: Division,
    as_of: date,
    found: list[Extracted],
    acting_user: Any,
) -> Reading:
    reading, _changes = record_save(
        instance=Reading(),
        fields={
            "title": title[:200],
            "text": text,
            "division": division,
            "as_of": as_of,
            "read_by": acting_user,
        },
        acting_user=acting_user,
        action_prefix="extraction.reading",
    )
    proposals = Proposal.objects.bulk_create(
        Proposal(
            reading=reading,
            position=extracted.index,
            written=extracted.quantity.written[:100],
            value=extracted.value,
            upper=extracted.quantity.upper,
            unit=extracted.unit,
            dimension=extracted.quantity.dimension,
            approximate=extracted.quantity.approximate,
            kind=extracted.kind,
            indicator_id=extracted.indicator.pk if extracted.indicator else None,
            division_id=extracted.division.pk if extracted.division else None,
            period=extracted.period,
            subject=extracted.subject[:200],
            sentence=extracted.sentence,
            sentence_offset=extracted.sentence_offset,
        )
        for extracted in found
    )
    by_position = {p.position: p for p in proposals}
    parts = []
    for extracted in found:
        if extracted.part_of is not None:
            proposal = by_position[extracted.index]
            proposal.part_of = by_position[extracted.part_of]
            parts.append(proposal)
    Proposal.objects.bulk_update(parts, ["part_of"])
    # The proposals are the reading's content, not changes of their own: one
    # event says how many there are; each decision on one is audited.
    audit_record(
        actor=acting_user,
        action="extraction.reading.proposed",
        instance=reading,
        changes={"proposals": [None, len(proposals)]},
    )
    return reading


def day_of(period: str, *, as_of: date) -> date:
    """The day a proposal's period points at: a day itself, the end of a month,
    quarter, half or year, but never after the report was written (a target
    for a later year is entered with that year's day by the clerk)."""
    try:
        if len(period) == 10:
            return date.fromisoformat(period)
        year = int(period[:4])
        if len(period) == 4:
            day = date(year, 12, 31)
        elif period[5] == "Q":
            month = int(period[6]) * 3
            day = date(year, month, calendar.monthrange(year, month)[1])
        elif period[5] == "H":
            day = date(year, 6, 30) if period[6] == "1" else date(year, 12, 31)
        else:
            month = int(period[5:7])
            day = date(year, month, calendar.monthrange(year, month)[1])
    except (ValueError, IndexError):
        return as_of
    return min(day, as_of)


def quantity_in(written: str, *, indicator: Indicator) -> Decimal:
    """The base-unit value of a quantity the clerk typed (27.72万亩, 1320万千瓦,
    or a bare number in the indicator's own unit)."""
    written = written.strip().translate(HALF_WIDTH)
    found = quantities(written)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(written):
        quantity = found[0]
        if quantity.upper is not None:
            raise ValidationError(
                {
                    "quantity": _("“%(written)s” is a range; write one number.")
                    % {"written": written}
                }
            )
        counted_otherwise = (
            quantity.dimension == "count" and unit_word(indicator.unit.symbol) != quantity.unit
        )
        if quantity.dimension != indicator.unit.dimension or counted_otherwise:
            raise ValidationError(
                {
                    "quantity": _(
                        "“%(written)s” cannot be a value of “%(indicator)s”, kept in %(unit)s."
                    )
                    % {
                        "written": written,
                        "indicator": indicator.name,
                        "unit": indicator.unit.symbol,
                    }
                }
            )
        return quantity.value
    try:
        number = Decimal(written.replace(",", ""))
        value = to_base(number, indicator.unit) if number.is_finite() else None
    except ArithmeticError:
        value = None
    if value is None or abs(value) >= LARGEST_VALUE:
        raise ValidationError(
            {
                "quantity": _(
                    "“%(written)s” is not a quantity luodi can read; "
                    "write it as 27.72万亩 or as a number in %(unit)s."
                )
                % {"written": written, "unit": indicator.unit.symbol}
            }
        )
    return value


def _provenance(proposal: Proposal) -> str:
    """Kept in the installation's language, whoever accepted it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _provenance_text(proposal)


def _provenance_text(proposal: Proposal) -> str:
    return (
        _("From “%(title)s” (%(date)s): %(sentence)s")
        % {
            "title": proposal.reading.title,
            "date": proposal.reading.as_of.isoformat(),
            "sentence": proposal.sentence,
        }
    )[:500]


def _refuse_unless_pending(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(
            _("This proposal was already %(status)s.") % {"status": proposal.get_status_display()}
        )


def _figure_write(
    *,
    proposal: Proposal,
    indicator: Indicator,
    division: Division,
    value: Decimal,
    day: date,
    acting_user: Any,
) -> DataValue:
    assignment = Assignment.objects.filter(indicator=indicator).first()
    if assignment is None:
        raise ValidationError(
            {
                "indicator": _("“%(indicator)s” is not reported by any division.")
                % {"indicator": indicator.name}
            }
        )
    if day > timezone.localdate():
        raise ValidationError(
            {
                "day": _("%(day)s has not come yet: figures are entered for what is done.")
                % {"day": day}
            }
        )
    period = Period.objects.filter(
        frequency=assignment.frequency, starts_on__lte=day, ends_on__gte=day
    ).first()
    if period is None:
        raise ValidationError(
            {
                "day": _("No reporting period holds %(day)s; the office opens periods.")
                % {"day": day}
            }
        )
    report = report_open(division=division, period=period, acting_user=acting_user)
    current = DataValue.objects.filter(report=report, indicator=indicator).first()
    if current is not None:
        raise ValidationError(
            _(
                "%(division)s already has a figure for “%(indicator)s” in %(period)s "
                "(%(value)s %(unit)s); change it in the report itself."
            )
            % {
                "division": division.name,
                "indicator": indicator.name,
                "period": period.code,
                "value": tidy(current.value / indicator.unit.factor),
                "unit": indicator.unit.symbol,
            }
        )
    try:
        return value_save(
            report=report,
            indicator=indicator,
            value=value,
            comment=_provenance(proposal),
            expected_version=None,
            acting_user=acting_user,
        )
    except ValueConflict as conflict:
        # Someone saved the figure since the check above.
        raise ValidationError(str(conflict)) from conflict


def _target_write(
    *,
    proposal: Proposal,
    indicator: Indicator,
    division: Division,
    value: Decimal,
    year: int,
    acting_user: Any,
) -> Target:
    if not can_set_target(acting_user, division):
        raise PermissionDenied
    current = Target.objects.filter(indicator=indicator, division=division, year=year).first()
    if current is not None:
        raise ValidationError(
            _(
                "%(division)s already has a %(year)s target for “%(indicator)s” "
                "(%(value)s %(unit)s); change it in the plan."
            )
            % {
                "division": division.name,
                "year": year,
                "indicator": indicator.name,
                "value": tidy(current.value / indicator.unit.factor),
                "unit": indicator.unit.symbol,
            }
        )
    target, _changes = target_save(
        indicator=indicator,
        division=division,
        year=year,
        value=value,
        note=_provenance(proposal),
        acting_user=acting_user,
    )
    return target


@transaction.atomic
def proposal_accept(
    *,
    proposal: Proposal,
    quantity: str,
    indicator: Indicator,
    division: Division,
    day: date,
    write_as: str,
    acting_user: Any,
) -> Proposal:
    """Write what a person confirmed: a draft figure in `division`'s report
    for the period holding `day`, or its target for `day`'s year; the
    sentence it came from is kept with it. Refused, with nothing written, when
    the proposal was decided already, the value cannot be the indicator's, the
    division does not report it, the report is locked, or a figure or target
    is already there."""
    proposal = (
        Proposal.objects.select_for_update().select_related("reading__division").get(pk=proposal.pk)
    )
    # The division written to is checked again by the figure's or the target's
    # own service; this is the right to act on the reading at all.
    if not can_report(acting_user, proposal.reading.division):
        raise PermissionDenied
    if not indicators_seen(acting_user).filter(pk=indicator.pk).exists():
        raise PermissionDenied  # another campaign's indicator
    _refuse_unless_pending(proposal)
    value = quantity_in(quantity, indicator=indicator)
    fields: dict[str, Any] = {
        "status": ProposalStatus.ACCEPTED,
        "decided_by": acting_user,
        "decided_at": timezone.now(),
        "indicator": indicator,
        "division": division,
    }
    if write_as == WriteAs.TARGET:
        fields["target"] = _target_write(
            proposal=proposal,
            indicator=indicator,
            division=division,
            value=value,
            year=day.year,
            acting_user=acting_user,
        )
    elif write_as == WriteAs.FIGURE:
        fields["data_value"] = _figure_write(
            proposal=proposal,
            indicator=indicator,
            division=division,
            value=value,
            day=day,
            acting_user=acting_user,
        )
    else:
        raise ValidationError({"write_as": _("Choose whether to write a figure or a target.")})
    proposal, _changes = record_save(
        instance=proposal,
        fields=fields,
        acting_user=acting_user,
        action_prefix="extraction.proposal",
        action="extraction.proposal.accepted",
    )
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, reason: str = "", acting_user: Any) -> Proposal:
    proposal = (
        Proposal.objects.select_for_update().select_related("reading__division").get(pk=proposal.pk)
    )
    if not can_report(acting_user, proposal.reading.division):
        raise PermissionDenied
    _refuse_unless_pending(proposal)
    proposal, _changes = record_save(
        instance=proposal,
        fields={
            "status": ProposalStatus.REJECTED,
            "decided_by": acting_user,
            "decided_at": timezone.now(),
            "reason": reason.strip()[:500],
        },
        acting_user=acting_user,
        action_prefix="extraction.proposal",
        action="extraction.proposal.rejected",
    )
    return proposal
