"""Signing in to the API with a personal token: `Authorization: Bearer gt_…`.

The token acts as its person: `request.user` becomes them, so the endpoints ask
`organisation.permissions.can` exactly as the pages do, and what they change is recorded as
theirs, with the token named (`audit.context.acting`). The API reads no session and no
cookie: a browser signed in to the site is not signed in to the API.

Without a token, or with one that does not work (mistyped, tampered with, revoked, expired,
its person's account deactivated), the answer is 401 with `WWW-Authenticate: Bearer`, and
the detail never says which, so that a guess learns nothing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja.security import HttpBearer

from api.models import ApiToken
from api.tokens import token_for

REALM = "Golden Thread API"
NO_TOKEN = (
    "This needs a personal API token, sent as 'Authorization: Bearer <token>'. Make one on "
    "your account page."
)
BAD_TOKEN = (
    "The token is not one that works: it may be mistyped, revoked or expired, or its "
    "person's account closed. Make a new one on your account page."
)


class PersonalToken(HttpBearer):
    """ninja's bearer authentication, with Golden Thread's tokens."""

    openapi_bearerFormat = "gt_<prefix>_<secret>"
    openapi_description = (
        "A personal API token, made on your account page: it acts as you, with your role and "
        "the services you answer for."
    )

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_for(token.strip())
        if found is None:
            request.api_token_refused = True
            return None
        request.user = found.user
        request.api_token = found
        return found


personal_token = PersonalToken()


def token_of(request: HttpRequest) -> ApiToken:
    """The token a signed-in endpoint's request came with."""
    return request.api_token


def challenge(response: HttpResponse, *, refused: bool) -> HttpResponse:
    """Tell the client how to sign in (RFC 6750): and, when a token was sent, that it did not
    work."""
    header = f'Bearer realm="{REALM}"'
    if refused:
        header += ', error="invalid_token"'
    response["WWW-Authenticate"] = header
    return response
