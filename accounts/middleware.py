"""Administrators use two-factor before any other page, where it is required."""

from urllib.parse import urlencode

from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from accounts.sign_in import Method, sign_in_method
from accounts.two_factor import has_two_factor, must_use_two_factor, two_factor_required_for_admins

SIGN_IN_AGAIN = "Sign in again with the code from your authenticator app."


def needs_second_factor(request) -> bool:
    """Whether this session's person must still prove a second factor: an administrator, where
    two-factor is required, who signed in with a password and gave no code. Single sign-on
    leaves the second factor to the council's identity provider."""
    user = request.user
    return (
        user.is_authenticated
        and sign_in_method(request) != Method.SINGLE_SIGN_ON
        and not user.is_verified()
        and must_use_two_factor(user)
    )


class TwoFactorRequiredMiddleware:
    """Send an administrator who signed in with only a password to set up two-factor (or, if
    they have an app, to sign in again with its code) before any page but that one and
    signing out. Goes after django-otp's OTPMiddleware, which tells verified sessions."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths = None

    def __call__(self, request):
        # In the demo with nothing required, ask nothing (not even who is signed in).
        if (
            two_factor_required_for_admins()
            and not self._open(request.path)
            and needs_second_factor(request)
        ):
            return self._second_factor(request)
        return self.get_response(request)

    def _open(self, path: str) -> bool:
        if self.open_paths is None:
            self.open_paths = (
                reverse("accounts:two_factor"),
                reverse("logout"),
                reverse("publishing:home"),  # the public site asks no one to sign in
                "/api/",  # the API reads no session: its public half asks no one to sign in
            )
        return path.startswith(self.open_paths)

    @staticmethod
    def _second_factor(request):
        if has_two_factor(request.user):
            # A session from before the app was set up, or before two-factor was required.
            auth.logout(request)
            messages.info(request, SIGN_IN_AGAIN)
            return redirect_to_login(request.get_full_path())
        return redirect(two_factor_url(request.get_full_path()))


def two_factor_url(next_url: str) -> str:
    return f"{reverse('accounts:two_factor')}?{urlencode({'next': next_url})}"
