"""Settings read from environment variables, rejecting malformed values early."""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# The demo's key is public (it is in this file): never a production key.
DEMO_SECRET_KEY = "demo-only-not-secret-golden-thread-" + "x" * 20
# What Django's deployment check (security.W009) calls strong enough.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_CHARACTERS = 5
INSECURE_PREFIX = "django-insecure-"


def env_secret_key(name: str, *, demo: bool) -> str:
    """The secret key. The demo uses its public key unless given one; outside the demo a
    key must be set and strong, or the app does not start (Django itself only warns)."""
    key = os.environ.get(name, "")
    if demo:
        return key or DEMO_SECRET_KEY
    if not key:
        raise ImproperlyConfigured(f"{name} must be set when GOLDEN_THREAD_DEMO is off")
    problem = _weak_key_problem(key)
    if problem:
        raise ImproperlyConfigured(
            f"{name} is too weak for production: {problem}. Make a new one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return key


def _weak_key_problem(key: str) -> str | None:
    if key == DEMO_SECRET_KEY:
        return "it is the public demo key"
    if key.startswith(INSECURE_PREFIX):
        return "it is a key Django generated for development"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it is {len(key)} characters long; use at least {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_CHARACTERS:
        return (
            f"it uses only {len(set(key))} different characters; "
            f"use at least {SECRET_KEY_MIN_CHARACTERS}"
        )
    return None
