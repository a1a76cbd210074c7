"""Errors as RFC 9457 problem details: one JSON shape for every error the API gives.

Every error is `application/problem+json` with `type`, `title`, `status` and `detail`; invalid
parameters add `errors`, naming each parameter, where it was given and what is wrong with it.
Anything not published answers the same 404, whether it never existed or is still under
embargo, and the detail never repeats what was asked for.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from ninja import Field, Schema
from ninja.errors import HttpError, ValidationError

from publishing.caching import MAX_AGE

PROBLEM_JSON = "application/problem+json"
NOT_FOUND = "Nothing is published at this address."
INVALID_PARAMETERS = "Invalid parameters"
INVALID_PARAMETERS_DETAIL = "One or more parameters are not valid: see errors."
INVALID_PARAMETERS_ANCHOR = "invalid-parameters"
PROBLEM_DESCRIPTIONS = {
    404: "Nothing is published at this address: problem details.",
    422: "A parameter is not valid: problem details naming each one.",
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
    location: str = Field(description="Where the parameter was given: query or path.")
    detail: str = Field(description="What is wrong with it.")


class ValidationProblem(Problem):
    """Invalid parameters, each named with its problem."""

    errors: list[InvalidParameter]


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
    return problem(status=404, detail=NOT_FOUND)


def invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location, *name = error["loc"]
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


def install(api) -> None:
    """Answer the API's errors as problem details (ninja's own handlers give other shapes)."""
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, invalid_parameters)
    api.add_exception_handler(HttpError, http_error)


def not_found_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any other address under the API: the same 404, kept by proxies like the rest."""
    response = not_found(request)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def document_problems(schema: dict) -> dict:
    """Mark every error response in an OpenAPI document as `application/problem+json` (ninja
    writes each response under the renderer's `application/json`)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
                    response["description"] = PROBLEM_DESCRIPTIONS.get(
                        int(status), response.get("description", "")
                    )
    return schema
