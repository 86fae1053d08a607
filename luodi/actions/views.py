from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from .selectors import digest_for


@login_required
def digest(request):
    """The in-app digest: what is due soon or overdue for the person."""
    as_of = timezone.localdate()
    return render(
        request,
        "actions/digest.html",
        {"lines": digest_for(request.user, as_of=as_of), "as_of": as_of},
    )
