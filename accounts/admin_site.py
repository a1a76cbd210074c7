"""The Django admin, with no sign-in of its own: it sends people to the product's sign-in, so
it is never a side door around single sign-on, passwords being switched off, two-factor or the
lock-out. Where two-factor is required, using the admin needs a session verified by a code (or
begun through single sign-on)."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.middleware import two_factor_url
from accounts.sign_in import Method, sign_in_method
from accounts.two_factor import two_factor_required_for_admins


def session_is_strong_enough(request) -> bool:
    """Single sign-on, or a code, or a place (the demo) where neither is required."""
    return (
        not two_factor_required_for_admins()
        or sign_in_method(request) == Method.SINGLE_SIGN_ON
        or getattr(request.user, "is_verified", lambda: False)()
    )


class AdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and session_is_strong_enough(request)

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied  # signed in, but the admin is not for them
        if not session_is_strong_enough(request):
            return redirect(two_factor_url(next_url))
        return redirect(next_url if url_has_allowed_host_and_scheme(next_url, None) else "/")
