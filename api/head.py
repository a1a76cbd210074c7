"""HEAD requests: every address that answers GET answers HEAD with the same status and headers
(ETag, Last-Modified, Content-Type, Content-Length) and no body, as RFC 9110 asks.

django-ninja routes an operation by its methods and answers HEAD with 405, so the API's URL
patterns (`api.urls`) are wrapped here, once for all: a HEAD request runs as GET, conditional
requests and all, and its body is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern


def answers_head(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)  # keeps ninja's csrf_exempt
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "HEAD":
            return _allowing_head(view(request, *args, **kwargs))
        request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"
        return _allowing_head(_without_body(response))

    return wrapped


def with_head(patterns: list) -> list:
    """The API's URL patterns, each view answering HEAD as GET without the body."""
    return [
        URLPattern(p.pattern, answers_head(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern)
        else p
        for p in patterns
    ]


def _without_body(response: HttpResponse) -> HttpResponse:
    if response.streaming:
        return response  # the server leaves a HEAD's body out
    # The length is the GET's, though nothing follows.
    length = len(response.content)
    response.content = b""
    response["Content-Length"] = str(length)
    return response


def _allowing_head(response: HttpResponse) -> HttpResponse:
    """A 405 names HEAD beside GET, which it now also answers."""
    allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
    if response.status_code == 405 and "GET" in allowed and "HEAD" not in allowed:
        response["Allow"] = ", ".join([*allowed, "HEAD"])
    return response
