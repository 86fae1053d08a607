from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luodi.core.widgets import DateInput
from luodi.divisions.models import Division
from luodi.divisions.permissions import reportable_divisions
from luodi.plan.models import Indicator
from luodi.plan.selectors import indicators_seen

from .choices import WriteAs
from .documents import report_text, size_checked


class ReadingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    division = forms.ModelChoiceField(
        label=_("Report from"), queryset=Division.objects.none(), to_field_name="code"
    )
    as_of = forms.DateField(label=_("Report date"), widget=DateInput)
    text = forms.CharField(
        label=_("Paste the text"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    file = forms.FileField(
        label=_("or upload a .txt or .docx file"),
        required=False,
        # An empty file is refused with its name, by report_text.
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = (
            reportable_divisions(user).active().exclude(level="township").order_by("path")
        )
        self.fields["as_of"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            size_checked(name=upload.name, size=upload.size)
            data["text"] = report_text(name=upload.name, content=upload.read())
            data["title"] = data.get("title") or upload.name
        elif not (data.get("text") or "").strip():
            raise ValidationError(_("Paste a report's text or upload its file."))
        return data


class AcceptForm(forms.Form):
    quantity = forms.CharField(
        label=_("Value"),
        max_length=100,
        help_text=_("As written (27.72万亩) or a number in the indicator's unit."),
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.none(),
        to_field_name="code",
    )
    division = forms.ModelChoiceField(
        label=_("Division"), queryset=Division.objects.none(), to_field_name="code"
    )
    day = forms.DateField(label=_("As of"), widget=DateInput)
    write_as = forms.ChoiceField(label=_("Write as"), choices=WriteAs.choices)

    def __init__(self, *args, user, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators_seen(user).order_by("programme__order", "pk")
        self.fields["division"].queryset = divisions


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
