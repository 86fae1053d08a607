"""The daily digest of due and overdue items, by e-mail."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from .selectors import DigestLine, digest_for


def digest_text(lines: list[DigestLine]) -> str:
    return "\n".join(
        f"- [{line.light}] {line.item.title} ({line.item.lead_division.name}): {line.reason}"
        + (_(" Escalated from the level below.") if line.escalated else "")
        for line in lines
    )


def digests_send(*, as_of: date) -> int:
    """Mail each person with an e-mail address what is due soon or overdue for
    them, through Django's mail settings; how many were sent."""
    sent = 0
    users = get_user_model().objects.filter(is_active=True, memberships__isnull=False).distinct()
    for user in users.exclude(email=""):
        lines = digest_for(user, as_of=as_of)
        if not lines:
            continue
        send_mail(
            subject=_("luodi: %(count)d items due or overdue on %(date)s")
            % {"count": len(lines), "date": as_of.isoformat()},
            message=digest_text(lines),
            from_email=None,
            recipient_list=[user.email],
        )
        sent += 1
    return sent
