"""The page where a person makes and revokes their personal access tokens."""

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .models import AccessToken
from .services import access_token_create, access_token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What the token is for"),
        max_length=100,
        help_text=gettext_lazy("e.g. “monthly upload from the statistics system”"),
    )
    valid_days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), min_value=1, max_value=366, initial=90
    )


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = access_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            expires_on=timezone.localdate() + timedelta(days=form.cleaned_data["valid_days"]),
            acting_user=request.user,
        )
        form = TokenForm()
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "secret": secret,
            "tokens": AccessToken.objects.filter(user=request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    # Someone else's token does not exist for this user.
    token = get_object_or_404(AccessToken.objects.filter(user=request.user), pk=pk)
    access_token_revoke(token=token, acting_user=request.user)
    return redirect("tokens:list")
