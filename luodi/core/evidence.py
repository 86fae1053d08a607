"""Files people attach as evidence: checked for size and type before they are kept."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Evidence luodi accepts, by the bytes a file starts with.
EVIDENCE_TYPES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
    b"PK\x03\x04": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Evidence:
    name: str
    content: bytes


def evidence_type(evidence: Evidence) -> str:
    """The file's media type, judged by its first bytes; refuses anything too
    large or of another kind."""
    if len(evidence.content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "attachment": _("“%(name)s” is %(size)d bytes; the limit is %(limit)d bytes.")
                % {
                    "name": evidence.name,
                    "size": len(evidence.content),
                    "limit": MAX_ATTACHMENT_BYTES,
                }
            }
        )
    for magic, media_type in EVIDENCE_TYPES.items():
        if evidence.content.startswith(magic):
            if magic == b"PK\x03\x04" and not evidence.name.lower().endswith(".docx"):
                break
            return media_type
    raise ValidationError(
        {
            "attachment": _("“%(name)s” is not a photo (JPEG, PNG), a PDF or a Word file.")
            % {"name": evidence.name}
        }
    )
