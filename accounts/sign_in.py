"""What a session knows about how its person signed in: the method (password or single
sign-on), and a password sign-in waiting for its two-factor code.

A person whose password was right but who has an authenticator app is not signed in until the
code is right too: until then the session holds only a pending sign-in, which expires.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from enum import StrEnum

import django_otp
from django.contrib import auth
from django.contrib.auth.signals import user_login_failed
from django.utils.http import url_has_allowed_host_and_scheme

from organisation.models import User

log = logging.getLogger("accounts")

METHOD_KEY = "accounts.sign_in_method"
PENDING_KEY = "accounts.pending_sign_in"
PROBLEM_KEY = "accounts.sign_in_problem"
PENDING_SECONDS = 5 * 60  # to find the phone and type a code
CODE_ATTEMPTS = 5  # wrong codes before the password must be given again


class Method(StrEnum):
    PASSWORD = "password"
    SINGLE_SIGN_ON = "sso"


def sign_in_method(request) -> Method:
    """How this session signed in. A session that did not record it (it began before this was
    recorded) is treated as a password sign-in, the one with more to prove."""
    return Method(request.session.get(METHOD_KEY, Method.PASSWORD))


def complete_sign_in(request, user: User, *, method: Method, device=None) -> None:
    """Sign `user` in to this session (a new session key), remembering how; `device` is the
    authenticator that confirmed a password sign-in, which marks the session verified."""
    request.session.pop(PENDING_KEY, None)
    auth.login(request, user)
    request.session[METHOD_KEY] = method.value
    if device is not None:
        django_otp.login(request, device)
    log.info("%s signed in (%s%s)", user.get_username(), method, ", two-factor" if device else "")


@dataclass
class Pending:
    user: User
    next_url: str
    attempts: int


def begin_pending_sign_in(request, user: User, *, next_url: str) -> None:
    """Hold a password sign-in until its two-factor code is given (on a new session key, so a
    key seen before the password cannot be used after it)."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "started": time.time(),
        "attempts": 0,
    }


def pending_sign_in(request) -> Pending | None:
    """The sign-in waiting for a code in this session, if it has not expired and its person may
    still sign in."""
    held = request.session.get(PENDING_KEY)
    if not held:
        return None
    if time.time() - held["started"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY)
        return None
    user = User.objects.filter(pk=held["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY)
        return None
    user.backend = held["backend"]
    return Pending(user=user, next_url=held["next"], attempts=held["attempts"])


def record_wrong_code(request, pending: Pending) -> bool:
    """Count a wrong code against the pending sign-in and against the person's lock-out
    (django-axes counts it as a failed sign-in). Answers whether the pending sign-in may go
    on: after CODE_ATTEMPTS wrong codes the person must give their password again."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": pending.user.get_username()},
        request=request,
    )
    log.warning("%s gave a wrong two-factor code", pending.user.get_username())
    pending.attempts += 1
    if pending.attempts >= CODE_ATTEMPTS:
        request.session.pop(PENDING_KEY, None)
        return False
    held = request.session[PENDING_KEY]
    held["attempts"] = pending.attempts
    request.session[PENDING_KEY] = held
    return True


def abandon_pending_sign_in(request) -> None:
    request.session.pop(PENDING_KEY, None)


def safe_next_url(request, url: str | None) -> str:
    """`url` if it stays on this site, else an empty string."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def tell_the_sign_in_page(request, message: str, *, about: str) -> None:
    """A problem for the sign-in page to show in its error summary, linked to what it is
    `about`: "provider" (the single sign-on button) or "password" (the username field)."""
    request.session[PROBLEM_KEY] = [message, about]


def problem_for_the_sign_in_page(request) -> tuple[str, str] | None:
    """The problem left for the sign-in page (once), as (message, what it is about)."""
    problem = request.session.pop(PROBLEM_KEY, None)
    return tuple(problem) if problem else None
