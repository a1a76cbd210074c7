"""Middleware of the whole site."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views import defaults

logger = logging.getLogger(__name__)


class PrivatePagesMiddleware:
    """Mark every response outside the public performance site `Cache-Control: private,
    no-store`, so no browser history, back button or shared proxy keeps a staff page (drafts,
    figures awaiting sign-off, embargoed reports). The public site (`/performance/`) sets its
    own caching (`publishing.caching`); static files are answered before this runs. Under
    `/api/` only the public endpoints' responses, which say they are public
    (`api.caching`), keep their own caching."""

    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response
        self.public_prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.public_prefix is None:
            self.public_prefix = reverse("publishing:home")
        if request.path.startswith(self.public_prefix):
            return response
        if request.path.startswith(self.API_PREFIX) and _says_public(response):
            return response
        patch_cache_control(response, private=True, no_store=True)
        return response


def _says_public(response) -> bool:
    directives = response.get("Cache-Control", "").split(",")
    return "public" in {d.split("=")[0].strip().lower() for d in directives}


# The database unavailable for a moment (restarting, failing over, out of connections): a
# clear "try again in a few minutes" page, never a stack trace or a 500.

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 120


def database_unavailable(request=None) -> HttpResponse:
    """The 503 page. Standalone, like 500.html: rendered without the request's context,
    which would ask the database who is signed in and which council this is."""
    response = HttpResponse(
        loader.get_template("503.html").render(),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


class DatabaseUnavailableMiddleware:
    """Answer a view that failed because the database could not be reached with the 503
    page. A failure outside a view (another middleware asking who is signed in) reaches
    `server_error`, the site's 500 handler, which answers the same."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("The database is unavailable (%s): %s", request.path, exception)
            return database_unavailable(request)
        return None


def server_error(request):
    """The site's 500 handler: the 503 page when the database was the problem."""
    failure = sys.exc_info()[1]
    if isinstance(failure, DATABASE_ERRORS):
        logger.error("The database is unavailable (%s): %s", request.path, failure)
        return database_unavailable(request)
    return defaults.server_error(request)
