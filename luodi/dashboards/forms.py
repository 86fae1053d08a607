from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luodi.core.widgets import DateInput


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2024-03-18.")},
    )

    recorded_on = forms.DateField(
        label=_("As recorded on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for the figures as they stand now."),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2024-03-18.")},
    )

    def recorded_on_date(self):
        """The knowledge date, or None for now (also for today or later). A
        field that is not a date is left out, and its error shown, without
        losing the other."""
        self.is_valid()
        day = getattr(self, "cleaned_data", {}).get("recorded_on")
        return day if day and day < timezone.localdate() else None

    def as_of_date(self):
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("as_of") or timezone.localdate()
