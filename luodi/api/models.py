from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luodi.core.models import TimeStampedModel


class AccessToken(TimeStampedModel):
    """A personal access token for the API. Only a SHA-256 of the secret is
    kept; the secret is shown once, when the token is made. A token acts with
    its owner's memberships, so it sees and changes exactly what they may."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="access_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the secret, so a person can tell their tokens apart.
    prefix = models.CharField(_("starts with"), max_length=12)
    secret_hash = models.CharField(_("secret (SHA-256)"), max_length=64, unique=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_on = models.DateField(_("last used on"), null=True, blank=True)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
