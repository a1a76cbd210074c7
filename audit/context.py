"""Who is acting, from where and why: what each audit entry says about its change.

A request sets it (`AuditMiddleware`: the signed-in person, "page" or "admin"); a domain
function that takes `by` and a reason names them (`@audited(reason="reason")`); a command or a
script says so with `acting(None, source="command", reason="…")`. Anything else is recorded as
the system's (or, in a `manage.py` command such as `shell`, the console's).
"""

from __future__ import annotations

import functools
import getpass
import inspect
import sys
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path

from django.urls import reverse

from audit.models import Source

_UNSET = object()

# manage.py commands that serve requests or run tasks: what they change is not the console's.
SERVING_COMMANDS = frozenset({"runserver", "serve_demo", "db_worker", "runworker", "test"})


@dataclass(frozen=True)
class Acting:
    user: object = None  # a User, a callable answering one (a request's lazy user), or None
    source: str = ""  # "" until something says: then `default_source()`
    reason: str = ""
    paused: bool = False  # a bulk load that records itself as one entry
    token: str = ""  # the API token acting for the person, named: “Housing system” (gt_ab12cd34)

    def person(self):
        """The signed-in person acting, or None."""
        user = self.user() if callable(self.user) else self.user
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user

    def where(self) -> str:
        return self.source or default_source()


_NOBODY = Acting()  # frozen: safe to share as the default
_acting: ContextVar[Acting] = ContextVar("audit_acting", default=_NOBODY)


def current() -> Acting:
    return _acting.get()


@contextmanager
def acting(
    user=_UNSET, *, source: str | None = None, reason: str | None = None, token: str | None = None
):
    """Within this block, changes are recorded as made by `user`, from `source`, for `reason`,
    through `token` (each left as it was outside the block when not given)."""
    given = (("user", user), ("source", source), ("reason", reason), ("token", token))
    changes = {name: value for name, value in given if value is not _UNSET and value is not None}
    if user is None:
        changes["user"] = None
    outside = _acting.set(replace(_acting.get(), **changes))
    try:
        yield _acting.get()
    finally:
        _acting.reset(outside)


@contextmanager
def paused():
    """Record nothing row by row within this block (see `recording.recorded_in_bulk`)."""
    token = _acting.set(replace(_acting.get(), paused=True))
    try:
        yield
    finally:
        _acting.reset(token)


def audited(*, actor: str = "by", reason: str | None = None) -> Callable:
    """Decorate a domain function: what it changes is recorded as done by its `actor` argument
    (when given), for its `reason` argument (when not blank; else the caller's reason)."""

    def decorate(func):
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            arguments = signature.bind_partial(*args, **kwargs).arguments
            user = arguments.get(actor)
            why = (arguments.get(reason) or "").strip() if reason else ""
            with acting(_UNSET if user is None else user, reason=why or None):
                return func(*args, **kwargs)

        return wrapper

    return decorate


def default_source() -> str:
    """A `manage.py` command run by someone (shell, createsuperuser, changepassword…) is the
    console's; anything else outside a request is the system's."""
    argv = sys.argv
    command = argv[1] if len(argv) > 1 else ""
    if Path(argv[0]).name in ("manage.py", "django-admin") and command not in SERVING_COMMANDS:
        return Source.COMMAND
    return Source.SYSTEM


@functools.cache
def console_name() -> str:
    try:
        return f"console ({getpass.getuser()})"
    except (KeyError, OSError):
        return "console"


class AuditMiddleware:
    """Every change a request makes is recorded as the signed-in person's, from the pages or
    from the admin."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        source = Source.ADMIN if request.path.startswith(self.admin_prefix) else Source.PAGE
        with acting(lambda: getattr(request, "user", None), source=source, reason=""):
            return self.get_response(request)
