"""Personal access tokens: made and revoked by their owner, each step audited."""

import hashlib
import logging
import secrets
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils import timezone

from luodi.core.services import record_save

from .models import AccessToken

logger = logging.getLogger(__name__)
TOKEN_PREFIX = "luodi_"  # noqa: S105 (marks a secret as luodi's, e.g. for secret scanners)


def _hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def access_token_create(
    *, user: Any, name: str, expires_on: date | None = None, acting_user: Any
) -> tuple[AccessToken, str]:
    """Make a token for `user`; returns it and its secret, which is never stored."""
    if acting_user is not None and acting_user.pk != user.pk:
        raise PermissionDenied
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token, _changes = record_save(
        instance=AccessToken(),
        fields={
            "user": user,
            "name": name.strip(),
            "prefix": secret[: len(TOKEN_PREFIX) + 4],
            "secret_hash": _hashed(secret),
            "expires_on": expires_on,
        },
        acting_user=acting_user,
        action_prefix="api.token",
    )
    return token, secret


@transaction.atomic
def access_token_revoke(*, token: AccessToken, acting_user: Any) -> AccessToken:
    if acting_user is not None and acting_user.pk != token.user_id:
        raise PermissionDenied
    if token.revoked_at is not None:
        return token
    token, _changes = record_save(
        instance=token,
        fields={"revoked_at": timezone.now()},
        acting_user=acting_user,
        action_prefix="api.token",
        action="api.token.revoked",
    )
    return token


def access_token_user(secret: str, *, today: date) -> Any:
    """The active user a secret belongs to, or None. Marks the day it was used
    (bookkeeping, once a day, not audited)."""
    token = (
        AccessToken.objects.select_related("user")
        .filter(secret_hash=_hashed(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.expires_on is not None and token.expires_on < today:
        return None
    if token.last_used_on != today:
        try:
            with transaction.atomic():
                AccessToken.objects.filter(pk=token.pk).update(last_used_on=today)
        except DatabaseError:
            # A read-only or full database still answers reads.
            logger.warning("could not record that access token %s was used", token.pk)
    return token.user
