"""Limits on the API: how many requests a client may make a minute, and how large a request's
body may be. Both answer before any view runs, as RFC 9457 problem details.

A client is its bearer token when it sends one (each token counts on its own, whoever holds
it), else its address. Requests are counted per minute in the process's cache: on a server with
several worker processes each counts its own share, so a client may make up to that many times
the limit before it is told to wait (documented in docs/api.md). A request over the limit is
answered 429 with `Retry-After`, the seconds until the minute ends.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from api.problems import problem

API_PREFIX = "/api/"
TOO_MANY = (
    "Too many requests: at most {limit} a minute from one {client}. Try again in {wait} second{s}."
)
TOO_LARGE = "The request's body is {size:,} bytes; the API takes at most {limit:,}."


def client_of(request) -> tuple[str, str, int]:
    """(cache key part, the kind of client in words, its limit a minute)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("bearer "):
        digest = hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
        return f"token:{digest}", "token", settings.API_TOKEN_REQUESTS_PER_MINUTE
    address = request.META.get("REMOTE_ADDR", "")
    return f"address:{address}", "address", settings.API_ANONYMOUS_REQUESTS_PER_MINUTE


def over_limit(request, *, now: float | None = None) -> tuple[int, int, str] | None:
    """(limit, seconds to wait, kind of client) when the client has used its minute's
    requests, else None (and this request is counted)."""
    key, kind, limit = client_of(request)
    now = time.time() if now is None else now
    minute = int(now // 60)
    counter = f"api-requests:{key}:{minute}"
    cache.add(counter, 0, timeout=61)
    try:
        used = cache.incr(counter)
    except ValueError:  # expired between add and incr: a new minute
        cache.set(counter, 1, timeout=61)
        used = 1
    if used <= limit:
        return None
    return limit, max(1, 60 - int(now % 60)), kind


class ApiLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        size = _content_length(request)
        if size > settings.API_MAX_BODY_BYTES:
            return problem(
                status=413,
                detail=TOO_LARGE.format(size=size, limit=settings.API_MAX_BODY_BYTES),
            )
        found = over_limit(request)
        if found is not None:
            limit, wait, kind = found
            response = problem(
                status=429,
                detail=TOO_MANY.format(
                    limit=limit, client=kind, wait=wait, s="" if wait == 1 else "s"
                ),
            )
            response["Retry-After"] = str(wait)
            response["Cache-Control"] = "private, no-store"
            return response
        return self.get_response(request)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
