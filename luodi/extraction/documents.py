"""The text of an uploaded report: plain text (UTF-8, or GB 18030 as many
Chinese offices still save it) or a Word .docx (its paragraphs, then its
tables row by row). Anything else is refused with the reason."""

import io
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from docx import Document
from lxml import etree

MAX_REPORT_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARACTERS = 200_000


# What a .docx may unpack to: a report's text and a few pictures, not a
# file made to fill the memory when unpacked.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _docx_text(content: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise ValidationError(
                _("“%(name)s” unpacks to %(size)s bytes; luodi reads at most %(limit)s.")
                % {"name": name, "size": unpacked, "limit": MAX_UNPACKED_BYTES}
            )
        document = Document(io.BytesIO(content))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as error:
        raise ValidationError(
            _("“%(name)s” is not a Word .docx file that can be read.") % {"name": name}
        ) from error
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            # Cells apart by a tab, not a comma: a row is one clause to the reader.
            lines.append("\t".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


def _plain_text(content: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("“%(name)s” is neither UTF-8 nor GB 18030 text.") % {"name": name})


def size_checked(*, name: str, size: int) -> None:
    if size > MAX_REPORT_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s bytes; the largest report luodi reads is %(limit)s bytes.")
            % {"name": name, "size": size, "limit": MAX_REPORT_BYTES}
        )


def report_text(*, name: str, content: bytes) -> str:
    """The text of a report file called `name`; a clear ValidationError for a
    file that is too large, of another kind, unreadable or empty."""
    size_checked(name=name, size=len(content))
    suffix = PurePath(name).suffix.lower()
    if suffix == ".docx":
        text = _docx_text(content, name)
    elif suffix in (".txt", ".text", ""):
        text = _plain_text(content, name)
    else:
        raise ValidationError(
            _("“%(name)s”: luodi reads .txt and .docx reports, not %(suffix)s.")
            % {"name": name, "suffix": suffix}
        )
    return text_checked(text, name=name)


def text_checked(text: str, *, name: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ValidationError(_("“%(name)s” holds no text.") % {"name": name})
    if len(text) > MAX_TEXT_CHARACTERS:
        raise ValidationError(
            _("“%(name)s” has %(count)s characters; luodi reads at most %(limit)s at a time.")
            % {"name": name, "count": len(text), "limit": MAX_TEXT_CHARACTERS}
        )
    return text
