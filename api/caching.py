"""HTTP caching for the public API, the public site's own (`publishing.caching`).

Every public endpoint is answered through `publishing.caching.public_response`: the request's
`Publication` is built once, a conditional request is answered 304 Not Modified when nothing
public has changed, and every response carries `Cache-Control: public, max-age=300` and, when
successful, an ETag and Last-Modified derived from the released reports, as the pages do.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from publishing.caching import public_response
from publishing.published import Publication

# Raise when the shape of the API's responses changes within version 1 (a field added), so
# that copies kept by proxies are not revalidated.
LAYOUT = "api2"  # api2: reports link their appendices
JSON, CSV = "application/json", "text/csv"


def representation(request: HttpRequest) -> str:
    """The representation to answer with, csv or json: `?format=` if given, else the Accept
    header (JSON unless it prefers CSV)."""
    asked = request.GET.get("format")
    if asked in ("json", "csv"):
        return asked
    return "csv" if request.get_preferred_type([JSON, CSV]) == CSV else "json"


def publication_of(request: HttpRequest) -> Publication:
    """What is public for this request: built once by `public`, before the endpoint runs."""
    return request.publication


def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a view (an endpoint, the OpenAPI document or the documentation page) with the
    public site's caching; open to scripts on other sites, like the open data."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            # A write at a public address (a figure sent to /values/) is never public.
            return view(request, *args, **kwargs)

        def respond(publication: Publication) -> HttpResponse:
            request.publication = publication
            return view(request, *args, **kwargs)

        # One URL serves JSON and CSV: each has its own ETag.
        version = f"{LAYOUT}-{representation(request)}"
        response = public_response(request, respond, version=version)
        patch_vary_headers(response, ["Accept"])
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped
