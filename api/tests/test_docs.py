"""The documentation page is written from the OpenAPI document, on the public site's own
GOV.UK page, with no script of its own and nothing from another site."""

from __future__ import annotations

import html
import re

import pytest

from api.docs import type_words
from publishing.tests.conftest import AFTER, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_and_document(client, published):
    with at(AFTER):
        page = client.get("/api/v1/docs/")
        document = client.get("/api/v1/openapi.json").json()
    assert page.status_code == 200
    return page, html.unescape(page.content.decode()), document


def test_every_endpoint_is_described_from_the_document(page_and_document):
    _, text, document = page_and_document
    assert "Golden Thread API" in text
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert f"{method.upper()} {path}" in text, path
            assert operation["summary"] in text, path
            assert operation["description"] in text, path
            assert f'id="{operation["operationId"]}"' in text, path
            for parameter in operation["parameters"]:
                assert f"<code>{parameter['name']}</code>" in text, (path, parameter["name"])
                assert parameter["description"] in text, (path, parameter["name"])
            for status, response in operation["responses"].items():
                assert response["description"] in text, (path, status)
                for media_type in response["content"]:
                    assert f"<code>{media_type}</code>" in text, (path, media_type)


def test_every_endpoint_has_an_example(page_and_document):
    _, text, _ = page_and_document
    for example in (
        "curl http://testserver/api/v1/periods/",
        "curl http://testserver/api/v1/indicators/WST-01/",
        "curl http://testserver/api/v1/reports/1/",
        "curl 'http://testserver/api/v1/values/?period=latest&format=csv'",
        "curl http://testserver/api/v1/reports/1/appendices/",
        "curl http://testserver/api/v1/reports/1/appendices/risks/",
        "curl 'http://testserver/api/v1/reports/1/appendices/risks/?format=csv'",
        "curl 'http://testserver/api/v1/benchmark-positions/?period=latest&format=csv'",
    ):
        assert example in text, example


def test_the_fields_of_a_published_value_are_the_open_datas(page_and_document):
    _, text, document = page_and_document
    for name, details in document["components"]["schemas"]["PublishedValue"]["properties"].items():
        assert f"<code>{name}</code>" in text, name
        assert details["description"] in text, name


def test_the_page_runs_no_script_of_its_own_and_nothing_from_elsewhere(page_and_document):
    page, text, _ = page_and_document
    scripts = re.findall(r"<script[^>]*>", text)
    assert scripts == ['<script type="module" src="/static/publishing/public.js">']
    assert not re.search(r'(src|href)="https?://(?!testserver|www\.nationalarchives)', text)
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    assert "Testshire Council" in text  # the public site's header and footer
    assert "Open Government Licence v3.0" in text


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        (
            {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
            "integer, 1 to 500, default 100",
        ),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, "string, or null"),
        ({"enum": ["json", "csv"], "type": "string"}, "one of json, csv"),
        ({"type": "array", "items": {"type": "string"}}, "list of string"),
        ({"type": "string", "format": "date-time"}, "string (date-time)"),
    ],
)
def test_types_in_words(schema, words):
    assert type_words(schema, {}) == words


def test_the_signed_in_endpoints_say_they_need_a_token_and_show_their_body(page_and_document):
    _, text, document = page_and_document
    signed_in = [
        operation
        for operations in document["paths"].values()
        for operation in operations.values()
        if operation.get("security")
    ]
    assert text.count("Needs a personal API token") == len(signed_in) == 8
    assert "curl -H 'Authorization: Bearer gt_0123abcd_…' http://testserver/api/v1/me/" in text
    assert (
        "curl -H 'Authorization: Bearer gt_0123abcd_…' -H 'Content-Type: application/json' "
        "-H 'Idempotency-Key: 7c9e6679-7425-40de-944b-e07c1f9c1a2b' -d "
    ) in text
    for body in ("FigureIn", "ProjectUpdateIn", "ForecastIn"):
        for name, details in document["components"]["schemas"][body]["properties"].items():
            assert f"<code>{name}</code>" in text, (body, name)
            assert details["description"] in text, (body, name)


def test_every_kind_of_problem_the_api_names_is_explained_on_the_page(page_and_document):
    _, text, _ = page_and_document
    for anchor in (
        "invalid-parameters",
        "figure-not-recorded",
        "changed-since-you-read-it",
        "idempotency-key-reused",
        "signed-in",
    ):
        assert f'id="{anchor}"' in text, anchor
