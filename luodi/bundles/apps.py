from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundlesConfig(AppConfig):
    name = "luodi.bundles"
    label = "bundles"
    verbose_name = _("Bundles")
