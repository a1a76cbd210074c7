"""The API's documentation page, written from its OpenAPI document.

django-ninja's own pages (Swagger UI, Redoc) run JavaScript from a CDN, which the site's
Content Security Policy forbids. This page is a plain GOV.UK page instead, with no script of
its own: every endpoint's method and address, summary, whether it needs a token, parameters,
the fields of a request body, responses, the fields of what it returns, and an example `curl`
line, all read from the same document clients use, so the page cannot describe an API other
than the one served.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

from api.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from api.problems import (
    CHANGED_ANCHOR,
    INVALID_PARAMETERS,
    INVALID_PARAMETERS_ANCHOR,
    NOT_FOUND,
    NOT_FOUND_SIGNED_IN,
    NOT_RECORDED_ANCHOR,
    PROBLEM_JSON,
    REUSED_ANCHOR,
)
from publishing.caching import MAX_AGE

REF = "#/components/schemas/"


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    type: str
    required: bool
    description: str
    example: object = None


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    media_types: list[str]


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class Endpoint:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    parameters: list[Parameter] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    fields: list[Property] = field(default_factory=list)
    fields_of: str = ""  # what the fields describe: the result, or each of the page's results
    examples: list[str] = field(default_factory=list)
    needs_token: bool = False  # signed in: `Authorization: Bearer <token>`
    body: list[Property] = field(default_factory=list)  # the fields of a JSON request body


class Documentation(DocsBase):
    """django-ninja's hook for an API's documentation page (`docs=`)."""

    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "api/docs.html",
            {
                "api": schema["info"],
                "endpoints": endpoints(schema, base=request.build_absolute_uri("/").rstrip("/")),
                "openapi_url": request.build_absolute_uri(self.get_openapi_url(api, kwargs)),
                "values_url": request.build_absolute_uri(reverse("api-v1:values")),
                "default_page_size": DEFAULT_PAGE_SIZE,
                "max_page_size": MAX_PAGE_SIZE,
                "max_age": MAX_AGE,
                "problem_json": PROBLEM_JSON,
                "not_found": NOT_FOUND,
                "invalid_parameters": INVALID_PARAMETERS,
                "invalid_parameters_anchor": INVALID_PARAMETERS_ANCHOR,
                "not_found_signed_in": NOT_FOUND_SIGNED_IN,
                "not_recorded_anchor": NOT_RECORDED_ANCHOR,
                "changed_anchor": CHANGED_ANCHOR,
                "reused_anchor": REUSED_ANCHOR,
                "account_url": request.build_absolute_uri(reverse("accounts:account")),
                "breadcrumbs": [
                    ("Performance", reverse("publishing:home")),
                    ("Open data", reverse("publishing:data")),
                    ("API", None),
                ],
                "wide_page": True,
            },
        )


def endpoints(schema: dict, *, base: str) -> list[Endpoint]:
    """Every operation of an OpenAPI document, in the document's order."""
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            endpoint = Endpoint(
                method=method.upper(),
                path=path,
                anchor=operation.get("operationId", f"{method}-{path}"),
                summary=operation.get("summary", ""),
                description=operation.get("description", ""),
                needs_token=bool(operation.get("security")),
            )
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                _, endpoint.body = _fields(body.get("schema", {}), components)
            for parameter in operation.get("parameters", []):
                endpoint.parameters.append(
                    Parameter(
                        name=parameter["name"],
                        location=parameter["in"],
                        type=type_words(parameter.get("schema", {}), components, nullable=False),
                        required=parameter.get("required", False),
                        description=parameter.get("description", ""),
                        example=parameter.get(
                            "example", next(iter(parameter.get("examples", [])), None)
                        ),
                    )
                )
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                endpoint.answers.append(
                    Answer(str(status), response.get("description", ""), list(content))
                )
                if str(status) == "200" and "application/json" in content:
                    endpoint.fields_of, endpoint.fields = _fields(
                        content["application/json"].get("schema", {}), components
                    )
            endpoint.examples = _examples(endpoint, base=base)
            found.append(endpoint)
    return found


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].removeprefix(REF)]
    return schema


def _fields(schema: dict, components: dict) -> tuple[str, list[Property]]:
    schema = _resolve(schema, components)
    of = "the result"
    results = schema.get("properties", {}).get("results")
    if results and results.get("type") == "array":
        schema = _resolve(results["items"], components)
        of = "each of the page's results"
    required = set(schema.get("required", []))
    return of, [
        Property(
            name=name,
            type=type_words(details, components),
            required=name in required,
            description=details.get("description", ""),
        )
        for name, details in schema.get("properties", {}).items()
    ]


def type_words(schema: dict, components: dict, *, nullable: bool = True) -> str:
    """A JSON Schema's type in a few words: "integer, 1 to 500, default 100". A parameter
    left out is not null: `nullable=False` says nothing of null."""
    schema = _resolve(schema, components)
    variants = schema.get("anyOf")
    if variants:
        kinds = [type_words(v, components) for v in variants if v.get("type") != "null"]
        words = " or ".join(kinds)
        if nullable and len(kinds) < len(variants):
            words += ", or null"
    elif "enum" in schema:
        words = "one of " + ", ".join(str(v) for v in schema["enum"])
    elif "const" in schema:
        words = f"always {schema['const']}"
    elif schema.get("type") == "array":
        words = "list of " + _plural(type_words(schema.get("items", {}), components))
    elif schema.get("type") == "object" or "properties" in schema:
        words = "object (" + ", ".join(schema.get("properties", {})) + ")"
    else:
        words = schema.get("type", "any")
        if schema.get("format"):
            words += f" ({schema['format']})"
    limits = [schema.get("minimum"), schema.get("maximum")]
    if None not in limits:
        words += f", {limits[0]} to {limits[1]}"
    elif limits[0] is not None:
        words += f", at least {limits[0]}"
    if schema.get("default") not in (None, ""):
        words += f", default {schema['default']}"
    return words


def _plural(words: str) -> str:
    return "objects " + words.removeprefix("object ") if words.startswith("object ") else words


# What the examples send to the signed-in endpoints.
TOKEN_EXAMPLE = "gt_0123abcd_…"
BODY_EXAMPLE = (
    '{"indicator": "WST-01", "period": "2026-27-Q2", "figure": "61.7", '
    '"commentary": "The contractor\u2019s September tonnage", "lock_version": 3}'
)


def _examples(endpoint: Endpoint, *, base: str) -> list[str]:
    """curl lines: the plain request (with a token, for a signed-in endpoint; with a body and
    an Idempotency-Key, for a write), and the CSV one (with the query's examples) where the
    endpoint offers CSV."""
    path = endpoint.path
    for parameter in endpoint.parameters:
        if parameter.location == "path":
            path = path.replace("{" + parameter.name + "}", str(parameter.example))
    if endpoint.needs_token:
        sign_in = shlex.quote(f"Authorization: Bearer {TOKEN_EXAMPLE}")
        if endpoint.body:
            key = next(p.example for p in endpoint.parameters if p.location == "header")
            return [
                f"curl -H {sign_in} -H 'Content-Type: application/json' "
                f"-H {shlex.quote(f'Idempotency-Key: {key}')} "
                f"-d {shlex.quote(BODY_EXAMPLE)} {shlex.quote(base + path)}"
            ]
        return [f"curl -H {sign_in} {shlex.quote(base + path)}"]
    lines = [f"curl {shlex.quote(base + path)}"]
    if any(a.status == "200" and "text/csv" in a.media_types for a in endpoint.answers):
        query = {
            p.name: p.example
            for p in endpoint.parameters
            if p.location == "query" and p.example is not None and p.name != "format"
        }
        query = urlencode({**query, "format": "csv"})
        lines.append(f"curl {shlex.quote(f'{base}{path}?{query}')}")
    return lines
