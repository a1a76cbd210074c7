"""Signing in (password, then a code if the person has an authenticator app; or single sign-on),
and a person's own account page with their two-factor sign-in."""

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import oidc
from accounts.forms import TIMED_OUT, TOO_MANY_WRONG, CodeForm, SignInCodeForm
from accounts.sign_in import (
    Method,
    abandon_pending_sign_in,
    begin_pending_sign_in,
    complete_sign_in,
    pending_sign_in,
    problem_for_the_sign_in_page,
    record_wrong_code,
    safe_next_url,
    sign_in_method,
    tell_the_sign_in_page,
)
from accounts.two_factor import (
    check_code,
    confirmed_device,
    has_two_factor,
    key_for_typing,
    may_use_two_factor,
    must_use_two_factor,
    new_key,
    qr_code_data_uri,
    remove_two_factor,
    set_up_two_factor,
)
from api.tokens import tokens_of
from organisation.permissions import roles_of

PASSWORDS_OFF = "Passwords are switched off here. Sign in with {provider}."
SET_UP = "Two-factor sign-in is set up. You will be asked for a code each time you sign in."
REMOVED = "Two-factor sign-in is removed. You will sign in with your password alone."
NEW_KEY = "accounts.new_totp_key"  # the secret being set up, kept in the session until confirmed


def landing_page(request):
    """/: the way in. Someone signed in goes to the organisation scorecard; anyone else sees a
    plain page leading residents to the public performance site and staff to sign in."""
    if request.user.is_authenticated:
        return redirect("scorecards:organisation")
    return render(request, "accounts/landing.html")


class SignInView(LoginView):
    """/sign-in/: the single sign-on button when a provider is configured, and the username and
    password form unless passwords are switched off. A right password for a person with an
    authenticator app leads to the code page, not into the site."""

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_SIGN_IN:
            # Not even checked: no password is an answer here.
            problem = PASSWORDS_OFF.format(provider=oidc.provider_name())
            unchecked = self.get_form_class()(request)  # a bound form would check the password
            context = self.get_context_data(
                form=unchecked, problems=[(problem, "#sign-in-with-provider")]
            )
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user, next_url = form.get_user(), self.get_success_url()
        if has_two_factor(user):
            begin_pending_sign_in(self.request, user, next_url=next_url)
            return redirect("sign_in_code")
        complete_sign_in(self.request, user, method=Method.PASSWORD)
        return HttpResponseRedirect(next_url)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        problem = problem_for_the_sign_in_page(self.request)
        if problem and "problems" not in kwargs:
            message, about = problem
            context["problems"] = [(message, _link_for(about))]
        context.update(
            password_sign_in=settings.PASSWORD_SIGN_IN,
            sso=oidc.sso_enabled(),
            provider=oidc.provider_name(),
            sso_url=oidc.start_url(self.get_redirect_url()),
            demo_mode=settings.DEMO_MODE,
        )
        return context


def _link_for(about: str) -> str | None:
    """Where an error summary's problem links: what it is about, if the page shows it."""
    passwords, sso = settings.PASSWORD_SIGN_IN, oidc.sso_enabled()
    if passwords and (about == "password" or not sso):
        return "#id_username"
    return "#sign-in-with-provider" if sso else None


def sign_in_code_page(request):
    """/sign-in/code/: the second step of a password sign-in, for a person with an
    authenticator app. Wrong codes count towards the lock-out, as wrong passwords do."""
    pending = pending_sign_in(request)
    if pending is None:
        if request.method == "POST":
            tell_the_sign_in_page(request, TIMED_OUT, about="password")
        return redirect("login")
    credentials = {"username": pending.user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        abandon_pending_sign_in(request)
        return get_lockout_response(request, None, credentials)
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = check_code(user=pending.user, code=form.cleaned_data["code"])
        if check.accepted:
            complete_sign_in(request, pending.user, method=Method.PASSWORD, device=check.device)
            return HttpResponseRedirect(pending.next_url)
        if check.wait_until:
            form.must_wait(check.wait_seconds)
        else:
            may_go_on = record_wrong_code(request, pending)
            if not may_go_on or getattr(request, "axes_locked_out", False):
                abandon_pending_sign_in(request)
                tell_the_sign_in_page(request, TOO_MANY_WRONG, about="password")
                return redirect("login")
            form.wrong_code()
    return render(request, "accounts/sign_in_code.html", {"form": form})


@login_required
def account_page(request):
    """/account/: who you are signed in as, how, what you may do, your two-factor sign-in and
    your API tokens."""
    user = request.user
    roles = sorted(role.label for role in roles_of(user))
    method = sign_in_method(request)
    return render(
        request,
        "accounts/account.html",
        {
            "roles": roles,
            "signed_in_with": (
                oidc.provider_name() if method == Method.SINGLE_SIGN_ON else "Username and password"
            ),
            "has_two_factor": has_two_factor(user),
            "may_use_two_factor": may_use_two_factor(user),
            "must_use_two_factor": must_use_two_factor(user),
            "tokens": tokens_of(user),
            "nav_current": "account",
        },
    )


@login_required
def two_factor_page(request):
    """/account/two-factor/: set up an authenticator app (confirmed by a code before it is
    saved) or, with one set up, remove it (also with a code)."""
    device = confirmed_device(request.user)
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    form = CodeForm(request.POST or None)
    if device is not None:
        return _remove_two_factor(request, form)
    if not may_use_two_factor(request.user):
        return render(request, "accounts/two_factor_not_needed.html", {"nav_current": "account"})
    key = request.session.get(NEW_KEY) or new_key()
    request.session[NEW_KEY] = key
    if request.method == "POST" and form.is_valid():
        device = set_up_two_factor(user=request.user, key=key, code=form.cleaned_data["code"])
        if device is not None:
            del request.session[NEW_KEY]
            django_otp.login(request, device)  # this session has just shown a code
            messages.success(request, SET_UP)
            return HttpResponseRedirect(next_url or reverse("accounts:account"))
        form.wrong_code()
    required = must_use_two_factor(request.user) and sign_in_method(request) == Method.PASSWORD
    return render(
        request,
        "accounts/two_factor_set_up.html",
        {
            "form": form,
            "qr_code": qr_code_data_uri(request.user, key),
            "key": key_for_typing(key),
            "next": next_url,
            "required": required,
            "nav_current": "account",
        },
    )


def _remove_two_factor(request, form):
    if request.method == "POST" and form.is_valid():
        check = remove_two_factor(user=request.user, code=form.cleaned_data["code"])
        if check.accepted:
            messages.success(request, REMOVED)
            return redirect("accounts:account")
        if check.wait_until:
            form.must_wait(check.wait_seconds)
        else:
            form.wrong_code()
    return render(
        request,
        "accounts/two_factor_on.html",
        {
            "form": form,
            "device": confirmed_device(request.user),
            "required": must_use_two_factor(request.user),
            "nav_current": "account",
        },
    )
