"""HTTP caching for the public site: every response may be kept by a proxy for five minutes.

Each public view is wrapped by `public_view`, which builds the request's `Publication` (what
is released now), answers a conditional request with 304 Not Modified when nothing public has
changed, and marks the response `Cache-Control: public, max-age=300` with an ETag and
Last-Modified derived from the released reports. Public pages read nothing about the visitor,
so one cached copy serves everyone. The public API (`api/`) answers through the same
`public_response`, so its validators are derived the same way.

A page is rendered once for each state of what is public: its bytes are kept in the cache
under its ETag (which changes whenever anything public changes, `_identity`) and its address,
so there is nothing to invalidate; a later request for the same page serves the kept copy.

The identity itself is kept too (`_what_is_public`), under the public generation that the
database's triggers move on with any change to a report, meeting, ambition, plan, outcome or
the council (migration 0002), and only until the next moment the clock alone could release
or withdraw something (`next_change_by_the_clock`). A request then costs one small query.

Anything unknown or not released answers the same "Page not found", whether it never
existed or is still under embargo.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from organisation.queries import current_council
from publishing.models import PublicGeneration
from publishing.published import Publication
from reports.publication import next_change_by_the_clock

MAX_AGE = 300  # seconds; also the longest a withdrawn report may linger in a proxy's cache
SITE_VERSION = "2"  # raise when page layouts change, so cached copies are not revalidated
RENDERED_SECONDS = 24 * 60 * 60  # a kept page is only ever replaced by a new identity


def not_found(request: HttpRequest) -> HttpResponse:
    # No section is marked current, so every "not found" is the same, whatever was asked for.
    return render(request, "publishing/not_found.html", {"not_found": True}, status=404)


def _identity(request: HttpRequest, publication: Publication) -> str:
    """What every public page is made from: the released reports, the ambitions and the
    council's own details (its name is in every page's header)."""
    council = current_council(request)  # kept on the request for the page's header too
    about = ""
    if council is not None:
        about = "\n".join(
            (council.name, council.short_name, council.website, council.ambition_label)
        )
    return hashlib.sha256(f"{publication.fingerprint()}\n{about}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class _Known:
    """What is public, worked out at `since`: it holds under `generation` until `until` (the
    next moment a release, embargo or withdrawal could change it by the clock alone)."""

    generation: tuple[int, int]
    since: datetime
    until: datetime | None
    identity: str
    modified: datetime | None

    def holds(self, generation: tuple[int, int], now: datetime) -> bool:
        return (
            generation == self.generation
            and self.since <= now
            and (self.until is None or now < self.until)
        )


KNOWN_KEY = "public-identity"


def _generation() -> tuple[int, int]:
    found = PublicGeneration.objects.filter(pk=1).values_list("epoch", "number").first()
    return found or (0, 0)


def _what_is_public(
    request: HttpRequest, now: datetime
) -> tuple[str, datetime | None, Publication | None]:
    """The identity of everything public and when it last changed, worked out again only when
    the generation has moved or the clock has reached the next release time: one query
    otherwise, instead of building a `Publication` (given back when one was built)."""
    generation = _generation()  # read before what it guards
    known = cache.get(KNOWN_KEY)
    if known is not None and known.holds(generation, now):
        return known.identity, known.modified, None
    publication = Publication(now)
    known = _Known(
        generation=generation,
        since=now,
        until=next_change_by_the_clock(now),
        identity=_identity(request, publication),
        modified=publication.last_modified(),
    )
    cache.set(KNOWN_KEY, known, RENDERED_SECONDS)
    return known.identity, known.modified, publication


def public_response(
    request: HttpRequest,
    respond: Callable[[Publication], HttpResponse],
    *,
    version: str = SITE_VERSION,
) -> HttpResponse:
    """Answer a request for something public: 304 Not Modified when nothing public has changed
    since the client's copy, else `respond(publication)`; either way marked cacheable.
    `version` names the layout of the response (the API's differs from the pages'), so that
    a change of layout changes the ETag."""
    now = timezone.now()
    identity, modified, publication = _what_is_public(request, now)
    etag = f'"{version}-{identity}"'
    modified_at = int(modified.timestamp()) if modified else None
    response = get_conditional_response(request, etag=etag, last_modified=modified_at)
    if response is None:
        response = _rendered_once(request, etag, lambda: respond(publication or Publication(now)))
    if response.status_code in (200, 304):
        response.headers.setdefault("ETag", etag)
        if modified_at is not None:
            response.headers.setdefault("Last-Modified", http_date(modified_at))
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _rendered_once(request: HttpRequest, etag: str, render_page) -> HttpResponse:
    """The page as kept for this identity and address, else rendered now and kept (a
    successful GET only: errors are cheap, and a HEAD has no body to keep)."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    key = "public-page:" + hashlib.sha256(f"{etag}\n{address}".encode()).hexdigest()
    kept = cache.get(key)
    if kept is not None:
        headers, content = kept
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        return response
    response = render_page()
    if request.method == "GET" and response.status_code == 200 and not response.streaming:
        cache.set(key, (list(response.items()), response.content), RENDERED_SECONDS)
    return response


def public_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a view taking (request, publication, **kwargs) with the public site's caching."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])

        def respond(publication: Publication) -> HttpResponse:
            try:
                return view(request, publication, *args, **kwargs)
            except Http404:
                return not_found(request)

        return public_response(request, respond)

    return wrapped
