from django.contrib import admin
from django.utils import timezone

from luodi.core.admin import ServiceAdmin
from luodi.divisions.permissions import home_divisions
from luodi.plan.models import Campaign

from .models import SentenceTemplate
from .selectors import bulletin_document
from .services import sentence_template_save


@admin.register(SentenceTemplate)
class SentenceTemplateAdmin(ServiceAdmin):
    """The wording is shared by every campaign: kept by top-level editors.
    The change page previews the whole bulletin with the saved wording,
    filled in from the live data of the user's division as of today."""

    service = staticmethod(sentence_template_save)
    service_instance_kwarg = "template"
    action_prefix = "bulletins.wording"
    list_display = ["key", "language", "text"]
    list_filter = ["key", "language"]
    fields = ["key", "language", "text"]
    change_form_template = "admin/bulletins/sentencetemplate/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["preview"] = self._preview(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _preview(self, request, obj) -> str:
        home = home_divisions(request.user)
        if not home:
            return ""
        as_of = timezone.localdate()
        try:
            document = bulletin_document(as_of=as_of, division=home[0], language=obj.language)
        except Campaign.DoesNotExist:
            return ""
        return document.plain_text()
