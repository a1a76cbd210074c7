"""Single sign-on with OpenID Connect (Microsoft Entra ID or any OpenID provider), through
mozilla-django-oidc. See docs/sign-in.md and docs/decisions/0012.

The rules, whatever the provider says:
- a person is matched to an existing, active account by email address (ignoring case);
- an account is created only when GOLDEN_THREAD_OIDC_CREATE_USERS is true, and then with no
  roles and no scope: roles are never taken from the provider's claims;
- two accounts with the same email address are refused, never one picked;
- every refusal lands on the sign-in page with a message saying what to do.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.sign_in import Method, complete_sign_in, tell_the_sign_in_page
from organisation.models import User
from organisation.permissions import roles_of

log = logging.getLogger("accounts")

BACKEND = "accounts.oidc.SingleSignOnBackend"

# What the sign-in page says when single sign-on did not sign someone in. {provider} is
# GOLDEN_THREAD_OIDC_PROVIDER_NAME.
NO_ACCOUNT = "There is no Golden Thread account for {email}. Ask your performance team for access."
SAME_EMAIL = (
    "More than one Golden Thread account has the email address {email}, so you cannot sign in "
    "with {provider}. Ask your performance team to give each account its own email address."
)
DEACTIVATED = (
    "Your Golden Thread account has been deactivated. Ask your performance team if you need "
    "access again."
)
NO_EMAIL = (
    "{provider} did not give Golden Thread your email address, so you cannot sign in with it. "
    "Ask your IT team to check the single sign-on settings."
)
UNVERIFIED_EMAIL = (
    "{provider} has not confirmed your email address, so you cannot sign in with it. "
    "Ask your IT team."
)
NOT_CREATED = "A Golden Thread account could not be made for {email}. Ask your performance team."
CANCELLED = "You did not sign in with {provider}. Try again, or ask your IT team for help."
FAILED = (
    "Signing in with {provider} did not work. Try again, and ask your IT team if it keeps "
    "happening."
)


def sso_enabled() -> bool:
    """Single sign-on is on when the client id and the provider's endpoints are all set."""
    return all(
        [
            settings.OIDC_RP_CLIENT_ID,
            settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
            settings.OIDC_OP_TOKEN_ENDPOINT,
            settings.OIDC_OP_USER_ENDPOINT,
            settings.OIDC_OP_JWKS_ENDPOINT,
        ]
    )


def provider_name() -> str:
    return settings.SSO_PROVIDER_NAME


class SignInRefused(Exception):
    """The provider vouched for someone this site will not sign in; `message` tells them why."""

    def __init__(self, message: str, **facts):
        self.message = message.format(provider=provider_name(), **facts)
        super().__init__(self.message)


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow (token, ID token signature and nonce, user info), with
    this site's rules for finding the person. Called only by the callback view, never for a
    password."""

    def authenticate(self, request, **kwargs):
        if "password" in kwargs or not sso_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        """The one account the provider's person is. (mozilla-django-oidc's own version
        decides by counting and drops the reason; this one says why it refuses.)"""
        self._check_id_token(payload)
        claims = self.get_userinfo(access_token, id_token, payload)
        self.verify_claims(claims)
        email = claims["email"].strip()
        users = list(User.objects.filter(email__iexact=email)[:2])
        if len(users) > 1:
            raise SignInRefused(SAME_EMAIL, email=email)
        if users:
            if not users[0].is_active:
                raise SignInRefused(DEACTIVATED)
            return users[0]
        if not settings.OIDC_CREATE_USER:
            raise SignInRefused(NO_ACCOUNT, email=email)
        return self.create_user(claims)

    def _check_id_token(self, payload: dict) -> None:
        """What mozilla-django-oidc leaves out: the token is for this site, it expires, and
        (when the council names its issuer) it comes from the council's own tenant."""
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is for another client")
        if "exp" not in payload:
            raise SuspiciousOperation("The ID token does not expire")
        if settings.OIDC_ISSUER and payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation(f"The ID token comes from {payload.get('iss')!r}")

    def verify_claims(self, claims):
        if not (claims.get("email") or "").strip():
            raise SignInRefused(NO_EMAIL)
        if claims.get("email_verified") is False:
            raise SignInRefused(UNVERIFIED_EMAIL)
        return True

    def create_user(self, claims):
        """A new person with no roles and no scope: they can sign in, and the performance team
        gives them their access."""
        email = claims["email"].strip()
        try:
            with transaction.atomic():
                user = User.objects.create(
                    username=email.lower()[:150],
                    email=email,
                    first_name=(claims.get("given_name") or "")[:150],
                    last_name=(claims.get("family_name") or "")[:150],
                    password=make_password(None),  # no password: single sign-on only
                )
        except IntegrityError:
            raise SignInRefused(NOT_CREATED, email=email) from None
        log.info("Created %s at their first single sign-on, with no roles", user.get_username())
        return user


class StartSignIn(OIDCAuthenticationRequestView):
    """/oidc/authenticate/: off the site to the provider (not found when single sign-on is off)."""

    def get(self, request):
        if not sso_enabled():
            raise Http404("Single sign-on is not configured")
        return super().get(request)


class FinishSignIn(OIDCAuthenticationCallbackView):
    """/oidc/callback/: where the provider sends the person back. Every failure, whatever its
    cause, lands on the sign-in page with a message; nothing here answers an error page."""

    def get(self, request):
        if not sso_enabled():
            raise Http404("Single sign-on is not configured")
        try:
            user = self._person(request)
        except SignInRefused as refusal:
            log.warning("Single sign-on refused: %s", refusal.message)
            return self._failure(refusal.message)
        if user is None:
            return self._failure(FAILED.format(provider=provider_name()))
        self.user = user
        complete_sign_in(request, user, method=Method.SINGLE_SIGN_ON)
        if not roles_of(user) and not user.is_staff:
            # Someone new: their account page says to ask the performance team for access.
            return HttpResponseRedirect(reverse("accounts:account"))
        return HttpResponseRedirect(self.success_url)

    def _person(self, request) -> User | None:
        if request.GET.get("error"):
            self._forget_state(request, request.GET.get("state"))
            log.warning("The provider answered %s", request.GET.get("error"))
            raise SignInRefused(CANCELLED)
        state, code = request.GET.get("state"), request.GET.get("code")
        states = request.session.get("oidc_states") or {}
        if not code or not state or state not in states:
            log.warning("Single sign-on callback with no code, or a state this session never sent")
            return None
        # Each state is used once, whatever happens next (no replays).
        nonce, verifier = states[state]["nonce"], states[state].get("code_verifier")
        self._forget_state(request, state)
        backend = SingleSignOnBackend()
        try:
            user = backend.authenticate(request, nonce=nonce, code_verifier=verifier)
        except (
            SuspiciousOperation,
            requests.RequestException,
            jwt.PyJWTError,
            KeyError,
            ValueError,
        ) as problem:
            log.warning("Single sign-on failed: %s", problem)
            return None
        if user is not None:
            user.backend = BACKEND
        return user

    @staticmethod
    def _forget_state(request, state) -> None:
        states = request.session.get("oidc_states") or {}
        if state in states:
            del states[state]
            request.session["oidc_states"] = states

    def _failure(self, message: str):
        tell_the_sign_in_page(self.request, message, about="provider")
        return HttpResponseRedirect(resolve_url("login"))

    @property
    def success_url(self):
        return self.request.session.pop("oidc_login_next", None) or resolve_url(
            settings.LOGIN_REDIRECT_URL
        )


def start_url(next_url: str = "") -> str:
    """Where the sign-in page's single sign-on button goes."""
    url = reverse("oidc_authentication_init")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
