"""The public intake: file a complaint or an application without logging in,
and check its status with the tracking number and the secret. Both pages are
rate-limited per address; nothing about other cases can be read."""

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from luodi.core.evidence import MAX_ATTACHMENT_BYTES, Evidence

from .forms import PublicCaseForm, StatusForm
from .services import case_status_check, case_submit

# Per address and hour.
SUBMISSIONS_PER_HOUR = 5
CHECKS_PER_HOUR = 20


WINDOW_SECONDS = 3600
# A whole request may carry the largest attachment and the form around it.
MAX_REQUEST_BYTES = MAX_ATTACHMENT_BYTES + 64 * 1024


def client_address(request) -> str:
    """The citizen's address: behind `LUODI_PROXY_HOPS` trusted proxies, the
    one they recorded in X-Forwarded-For; else the connection's."""
    hops = settings.LUODI_PROXY_HOPS
    forwarded = [
        a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
    ]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "unknown")


def _over_limit(request, what: str, limit: int) -> bool:
    """Count a request against the address's hourly limit; whether it is over.
    The hour starts with the first request and is not extended by later ones."""
    key = f"luodi:public:{what}:{client_address(request)}"
    now = time.time()
    count, started = cache.get(key) or (0, now)
    if count >= limit:
        return True
    remaining = max(1, int(WINDOW_SECONDS - (now - started)))
    cache.set(key, (count + 1, started), timeout=remaining)
    return False


def _too_many(request):
    return render(
        request,
        "cases/public_limit.html",
        {"message": _("Too many requests from your address; try again in an hour.")},
        status=429,
    )


def public_new(request):
    if request.method == "POST":
        # Refused before the body is read: a flood or an oversized upload costs little.
        if _over_limit(request, "submit", SUBMISSIONS_PER_HOUR):
            return _too_many(request)
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
            return render(
                request,
                "cases/public_limit.html",
                {
                    "message": _("The upload is too large; the limit is %(limit)d bytes.")
                    % {"limit": MAX_ATTACHMENT_BYTES}
                },
                status=413,
            )
    form = PublicCaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["attachment"]
            if upload is not None and upload.size > MAX_ATTACHMENT_BYTES:
                form.add_error(
                    "attachment",
                    _("The file is %(size)d bytes; the limit is %(limit)d bytes.")
                    % {"size": upload.size, "limit": MAX_ATTACHMENT_BYTES},
                )
            else:
                try:
                    case, secret = case_submit(
                        case_type=form.cleaned_data["case_type"],
                        window=form.cleaned_data["window"],
                        applicant=form.cleaned_data["applicant"],
                        contact=form.cleaned_data["contact"],
                        subject=form.cleaned_data["subject"],
                        description=form.cleaned_data["description"],
                        received_on=timezone.localdate(),
                        evidence=Evidence(upload.name, upload.read()) if upload else None,
                    )
                except ValidationError as error:
                    for field, messages in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, messages)
                else:
                    return render(
                        request, "cases/public_received.html", {"case": case, "secret": secret}
                    )
    return render(
        request, "cases/public_new.html", {"form": form}, status=400 if form.errors else 200
    )


def public_status(request):
    form = StatusForm(request.POST or None)
    case = None
    refused = False
    if request.method == "POST":
        if _over_limit(request, "check", CHECKS_PER_HOUR):
            return _too_many(request)
        if form.is_valid():
            case = case_status_check(
                tracking_number=form.cleaned_data["tracking_number"],
                secret=form.cleaned_data["secret"],
            )
            refused = case is None
    return render(
        request,
        "cases/public_status.html",
        {"form": form, "case": case, "refused": refused},
        status=404 if refused else 200,
    )
