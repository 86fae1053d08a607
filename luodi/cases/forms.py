from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CaseType, Window


class PublicCaseForm(forms.Form):
    """A citizen's complaint or application. `website` is a trap for robots:
    people do not see it, so it must stay empty."""

    case_type = forms.ModelChoiceField(label=_("What it is"), queryset=CaseType.objects.all())
    window = forms.ModelChoiceField(
        label=_("Window"), queryset=Window.objects.filter(is_active=True)
    )
    applicant = forms.CharField(label=_("Your name"), max_length=100)
    contact = forms.CharField(label=_("Telephone or e-mail"), max_length=100)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea, max_length=5000)
    attachment = forms.FileField(label=_("Evidence (photo, PDF or Word; optional)"), required=False)
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This field must stay empty."))
        return ""


class StatusForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=20)
    secret = forms.CharField(label=_("Secret"), max_length=50, widget=forms.PasswordInput)
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This field must stay empty."))
        return ""
