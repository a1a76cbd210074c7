"""A person's own personal API tokens (/account/tokens/): make one, revoke one. The account
page lists them.

A new token's secret is shown in the answer to the form that made it, and never again: it is
not kept anywhere, not even in the session, so it is not shown after a redirect. Reloading
that answer asks the browser to send the form again, which would make a second token (listed
on the account page, where it can be revoked).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.token_forms import NewTokenForm
from api.models import ApiToken
from api.tokens import create_token, revoke_token
from organisation.permissions import Action, can

REVOKED = "The token “{name}” is revoked: it no longer works."


@login_required
def new_token_page(request):
    """/account/tokens/new/: name a token and choose when it expires; its secret, once."""
    form = NewTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = create_token(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        return render(
            request,
            "accounts/token_created.html",
            {"token": made.token, "secret": made.secret, "nav_current": "account"},
        )
    return render(
        request,
        "accounts/new_token.html",
        {"form": form, "reads_drafts": can(request.user, Action.VIEW_UNAPPROVED)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def revoke_token_view(request):
    """/account/tokens/revoke/: revoke one of your own tokens (anyone else's is not found)."""
    chosen = request.POST.get("token", "")
    token = (
        ApiToken.objects.filter(pk=int(chosen), user=request.user).first()
        if chosen.isascii() and chosen.isdigit() and len(chosen) < 19
        else None
    )
    if token is None:
        raise Http404("Not found")
    revoke_token(token=token, by=request.user)
    messages.success(request, REVOKED.format(name=token.name))
    return redirect("accounts:account")
