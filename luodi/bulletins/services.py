"""Writing bulletins: generating (and keeping) one, publishing it, and the
office's wording."""

import hashlib
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luodi.core.services import record_save
from luodi.divisions.models import Division
from luodi.divisions.permissions import can_edit, can_publish
from luodi.plan.models import Campaign

from .choices import Format, Language
from .models import Bulletin, SentenceTemplate
from .renderers import render
from .selectors import bulletin_document


def sentence_template_save(
    *,
    template: SentenceTemplate | None = None,
    key: str,
    language: str,
    text: str,
    acting_user: Any,
) -> tuple[SentenceTemplate, dict]:
    """Change the wording of one sentence in one language."""
    return record_save(
        instance=template or SentenceTemplate(),
        fields={"key": key, "language": language, "text": text},
        acting_user=acting_user,
        action_prefix="bulletins.wording",
    )


@transaction.atomic
def bulletin_generate(
    *,
    division: Division,
    as_of: date,
    language: str,
    file_format: str,
    programme_code: str | None = None,
    acting_user: Any,
) -> Bulletin:
    """Write the bulletin of `division` as of `as_of` and keep it, with the
    SHA-256 of its file, so it can be found and reproduced later."""
    if acting_user is not None and not can_edit(acting_user, division):
        raise PermissionDenied
    if language not in Language.values:
        raise ValidationError(
            {"language": _("Unknown language “%(value)s”.") % {"value": language}}
        )
    if file_format not in Format.values:
        raise ValidationError(
            {"file_format": _("Unknown format “%(value)s”.") % {"value": file_format}}
        )
    try:
        document = bulletin_document(
            as_of=as_of, division=division, language=language, programme_code=programme_code
        )
    except Campaign.DoesNotExist as error:
        raise ValidationError(
            _("No campaign concerns %(division)s.") % {"division": division.name}
        ) from error
    if programme_code and document.programme is None:
        raise ValidationError(
            {"programme": _("No programme “%(code)s” in this campaign.") % {"code": programme_code}}
        )
    content = render(document, file_format)
    bulletin, _changes = record_save(
        instance=Bulletin(),
        fields={
            "campaign": document.campaign,
            "division": division,
            "programme": document.programme,
            "as_of": as_of,
            "language": language,
            "file_format": file_format,
            "title": f"{document.title}{document.dateline}"[:300],
            "text": document.plain_text(),
            "content": content,
            "sha256": hashlib.sha256(content).hexdigest(),
            "generated_by": acting_user if acting_user and acting_user.is_authenticated else None,
        },
        acting_user=acting_user,
        action_prefix="bulletins.bulletin",
        action="bulletins.bulletin.generated",
    )
    return bulletin


@transaction.atomic
def bulletin_publish(*, bulletin: Bulletin, acting_user: Any) -> Bulletin:
    """Put a bulletin on the public page."""
    if not can_publish(acting_user, bulletin.division):
        raise PermissionDenied
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.published_at is not None:
        return bulletin
    bulletin, _changes = record_save(
        instance=bulletin,
        fields={"published_at": timezone.now(), "published_by": acting_user},
        acting_user=acting_user,
        action_prefix="bulletins.bulletin",
        action="bulletins.bulletin.published",
    )
    return bulletin
