"""Errors as RFC 9457 problem details: one JSON shape for every error the API gives.

Every error is `application/problem+json` with `type`, `title`, `status` and `detail`; invalid
parameters add `errors`, naming each parameter, where it was given and what is wrong with it.
Anything not published answers the same 404, whether it never existed or is still under
embargo, and the detail never repeats what was asked for; signed in, the same 404 answers for
what does not exist and for what is outside the token's scope. A missing or refused token is
401 with `WWW-Authenticate: Bearer`; a figure refused is 422 in the return form's words, or
409 when it changed since it was read.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api.authentication import BAD_TOKEN, NO_TOKEN, challenge
from publishing.caching import MAX_AGE

PROBLEM_JSON = "application/problem+json"
NOT_FOUND = "Nothing is published at this address."
# Signed in, the same for what does not exist and for what is outside the token's scope.
NOT_FOUND_SIGNED_IN = "There is nothing at this address that your token may read or change."
INVALID_PARAMETERS = "Invalid parameters"
INVALID_PARAMETERS_DETAIL = "One or more parameters are not valid: see errors."
INVALID_PARAMETERS_ANCHOR = "invalid-parameters"
NOT_RECORDED_ANCHOR = "figure-not-recorded"
CHANGED_ANCHOR = "changed-since-you-read-it"
REUSED_ANCHOR = "idempotency-key-reused"
PROBLEM_DESCRIPTIONS = {
    400: "The body is not JSON: problem details.",
    401: "No token, or one that does not work: problem details, with WWW-Authenticate.",
    404: "Nothing is published at this address: problem details.",
    409: "The figure changed since you read it, or is waiting for sign-off: problem details "
    "naming who changed it and when.",
    422: "A parameter is not valid: problem details naming each one.",
}
SIGNED_IN_DESCRIPTIONS = {
    404: "Nothing at this address that your token may read or change: problem details.",
    422: "A parameter or a field is not valid, or the figure breaks the return's rules: "
    "problem details naming each one, in the return form's words.",
}


class Problem(Schema):
    """An error, as RFC 9457 problem details."""

    type: str = Field(
        description='A URI naming the kind of problem; "about:blank" when the status says it all.'
    )
    title: str = Field(description="The kind of problem, in words.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request.")


class InvalidParameter(Schema):
    name: str = Field(description="The parameter's name.")
    location: str = Field(description="Where the parameter was given: query, path, header or body.")
    detail: str = Field(description="What is wrong with it.")


class ValidationProblem(Problem):
    """Invalid parameters, each named with its problem."""

    errors: list[InvalidParameter]


class ConflictProblem(Problem):
    """A figure not as the request expected: changed since it was read, or waiting for
    sign-off."""

    lock_version: int | None = Field(None, description="The figure's lock_version now.")
    changed_by: str | None = Field(None, description="Who changed it last, by name.")
    changed_at: str | None = Field(None, description="When, as an ISO 8601 time.")


def problem(
    *, status: int, detail: str, type: str = "about:blank", title: str = "", **more
) -> HttpResponse:
    body = {
        "type": type,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **more,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_JSON
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def not_found(request: HttpRequest, exc: Exception | None = None) -> HttpResponse:
    signed_in = getattr(request, "api_token", None) is not None
    return problem(status=404, detail=NOT_FOUND_SIGNED_IN if signed_in else NOT_FOUND)


def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    refused_token = getattr(request, "api_token_refused", False)
    response = problem(status=401, detail=BAD_TOKEN if refused_token else NO_TOKEN)
    return challenge(response, refused=refused_token)


def invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location, *name = error["loc"]
        if location == "body" and name:
            name = name[1:]  # the endpoint's own name for the body
        errors.append(
            {
                "name": ".".join(str(part) for part in name),
                "location": str(location),
                "detail": error["msg"],
            }
        )
    docs = request.build_absolute_uri(reverse("api-v1:openapi-view"))
    return problem(
        status=422,
        type=f"{docs}#{INVALID_PARAMETERS_ANCHOR}",
        title=INVALID_PARAMETERS,
        detail=INVALID_PARAMETERS_DETAIL,
        errors=errors,
    )


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(status=exc.status_code, detail=exc.message)


def refused(request: HttpRequest, refusal, *, location: str = "body") -> HttpResponse:
    """A write refused (`api.figures.Refusal`): 422 naming each field in the return form's
    words, or 409 naming who changed the figure and when."""
    docs = request.build_absolute_uri(reverse("api-v1:openapi-view"))
    anchor = refusal.anchor or (CHANGED_ANCHOR if refusal.status == 409 else NOT_RECORDED_ANCHOR)
    more = dict(refusal.more)
    if refusal.status == 422:
        more["errors"] = [
            {"name": name, "location": location, "detail": detail}
            for name, detail in refusal.errors
        ]
    return problem(
        status=refusal.status,
        type=f"{docs}#{anchor}",
        title=refusal.title,
        detail=refusal.detail,
        **more,
    )


def install(api) -> None:
    """Answer the API's errors as problem details (ninja's own handlers give other shapes)."""
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, invalid_parameters)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(AuthenticationError, unauthorized)


def not_found_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any other address under the API: the same 404, kept by proxies like the rest."""
    response = not_found(request)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def document_problems(schema: dict) -> dict:
    """Mark every error response in an OpenAPI document as `application/problem+json` (ninja
    writes each response under the renderer's `application/json`), described in words."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            descriptions = PROBLEM_DESCRIPTIONS
            if operation.get("security"):
                descriptions = {**PROBLEM_DESCRIPTIONS, **SIGNED_IN_DESCRIPTIONS}
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
                    response["description"] = descriptions.get(
                        int(status), response.get("description", "")
                    )
    return schema
