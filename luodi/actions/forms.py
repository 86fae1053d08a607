from django import forms
from django.utils.translation import gettext_lazy as _

from luodi.core.widgets import DateInput


class StepForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False, max_length=2000)
    attachment = forms.FileField(label=_("Evidence (photo, PDF or Word)"), required=False)


class AssignForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=None, required=False)
    decision = forms.CharField(
        label=_("What the meeting decided"), widget=forms.Textarea, required=False, max_length=2000
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    lead_division = forms.ModelChoiceField(label=_("Lead division"), queryset=None)
    assigned_on = forms.DateField(label=_("Assigned on"), widget=DateInput())
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args, divisions, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_division"].queryset = divisions
        self.fields["meeting"].queryset = meetings

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") and not cleaned.get("meeting"):
            self.add_error("meeting", _("Say which meeting decided it."))
        return cleaned
