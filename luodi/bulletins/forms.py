from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luodi.core.widgets import DateInput

from .choices import Format, Language


class BulletinForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"),
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2024-03-18.")},
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.ZH)
    programme = forms.CharField(label=_("Programme"), required=False, max_length=60)
    file_format = forms.ChoiceField(
        label=_("Format"), choices=Format.choices, initial=Format.DOCX, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()
