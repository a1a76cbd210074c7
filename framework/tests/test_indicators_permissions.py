"""Every persona against every indicator page: the exact response, and a refused request changes
no indicator, version or link and records nothing in the audit log.

Columns are `PERSONAS` in order: off, off2 = the data owners of Waste and of Parks; appr, appr2 =
their approvers; dir = the director of Place (Waste and Parks); perf = the performance team;
admin = a superuser; cllr = a councillor; anon = not signed in. Rows act on WST-01 (Waste's) or
PRK-01 (Parks'): outside a person's scope an indicator's pages answer 404, inside it 403. A 400
is a refusal shown on the form (nothing changed either).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from framework import indicator_urls
from framework.indicator_forms import ChangeDefinitionForm
from indicators.models import Indicator, IndicatorSet, IndicatorVersion, Lifecycle, Period
from organisation.models import Role
from organisation.tests.factories import UserFactory
from organisation.tests.permission_tables import cells
from organisation.tests.personas import (
    CLOSED_PERIOD,
    Town,
    build_town,
    freeze_today,
    sign_in,
)

pytestmark = pytest.mark.django_db

SIGN_IN = "sign-in"


@pytest.fixture
def town(monkeypatch) -> Town:
    freeze_today(monkeypatch)
    return build_town()


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def url(name: str, code: str | None = None) -> str:
    return reverse(f"framework:{name}", args=[code] if code else [])


def new_indicator(town: Town) -> dict:
    return {
        "code": "LIB-02",
        "title": "Library members",
        "definition": "People with a library card used in the last year",
        "unit": "number",
        "precision": "0",
        "polarity": "higher_is_better",
        "indicator_type": "outcome",
        "frequency": "annual",
        "aggregation": "snapshot",
        "owner": town.libraries.pk,
        "sets": [IndicatorSet.objects.get(code="strategic").pk],
        "lifecycle": "proposed",
        "effective_from": "2027-04-01",
        "reason": "Proposed for the 2027 plan",
    }


def changed_definition(town: Town) -> dict:
    data = {}
    for bound in ChangeDefinitionForm(indicator=indicator("WST-01")):
        value = bound.value()
        if isinstance(value, (list, tuple)):
            data[bound.html_name] = [getattr(item, "pk", item) for item in value]
        else:
            data[bound.html_name] = "" if value is None else value
    return {**data, "precision": "2", "takes_effect_on": "2026-10-01", "reason": "Finer figures"}


# --- The changes, each a request and the proof it happened ----------------------------------


@dataclass(frozen=True)
class Change:
    url_name: str
    request: Callable[[Town], tuple[str, str, dict]]  # method, url, data
    happened: Callable[[Town], None]


def was(condition: bool, what: str) -> None:
    assert condition, what


CHANGES = {
    "add an indicator": Change(
        "framework:new_indicator",
        lambda t: ("post", url("new_indicator"), new_indicator(t)),
        lambda t: was(indicator("LIB-02").versions.count() == 1, "no version 1"),
    ),
    "change WST-01's definition": Change(
        "framework:change_indicator",
        lambda t: ("post", url("change_indicator", "WST-01"), changed_definition(t)),
        lambda t: was(indicator("WST-01").precision == 2, "not changed"),
    ),
    "move WST-01 to Parks": Change(
        "framework:move_indicator",
        lambda t: (
            "post",
            url("move_indicator", "WST-01"),
            {"owner": t.parks.pk, "takes_effect_on": "2026-10-01", "reason": "Restructure"},
        ),
        lambda t: was(indicator("WST-01").owner == t.parks, "not moved"),
    ),
    "make WST-01 provisional": Change(
        "framework:indicator_details",
        lambda t: (
            "post",
            url("indicator_details", "WST-01"),
            {"lifecycle": "provisional", "responsible_officer": "", "reason": "Under review"},
        ),
        lambda t: was(indicator("WST-01").lifecycle == Lifecycle.PROVISIONAL, "not changed"),
    ),
    "retire PRK-01": Change(
        "framework:retire_indicator",
        lambda t: (
            "post",
            url("retire_indicator", "PRK-01"),
            {"last_period": Period.objects.get(code=CLOSED_PERIOD).pk, "reason": "Replaced"},
        ),
        lambda t: was(indicator("PRK-01").lifecycle == Lifecycle.RETIRED, "not retired"),
    ),
    "retire WST-02 before its figure awaiting sign-off": Change(
        "framework:retire_indicator",
        lambda t: (
            "post",
            url("retire_indicator", "WST-02"),
            {"last_period": Period.objects.get(code=CLOSED_PERIOD).pk, "reason": "Replaced"},
        ),
        lambda t: pytest.fail("never allowed"),
    ),
}

# fmt: off
#                                          off  off2  appr appr2 dir  perf admin cllr anon
CHANGE_TABLE = {
    "add an indicator":                     (403, 403, 403, 403, 403, 302, 302, 403, SIGN_IN),
    "change WST-01's definition":           (403, 404, 403, 404, 403, 302, 302, 404, SIGN_IN),
    "move WST-01 to Parks":                 (403, 404, 403, 404, 403, 302, 302, 404, SIGN_IN),
    "make WST-01 provisional":              (403, 404, 403, 404, 403, 302, 302, 404, SIGN_IN),
    "retire PRK-01":                        (404, 403, 404, 403, 403, 302, 302, 404, SIGN_IN),
    "retire WST-02 before its figure awaiting sign-off": (
                                             403, 404, 403, 404, 403, 400, 400, 404, SIGN_IN),
}

# Pages that change nothing, whatever is posted to them.
READ_ONLY_URLS = {
    "framework:indicators": lambda t: url("indicators"),
    "framework:new_indicator": lambda t: url("new_indicator"),
    "framework:indicator": lambda t: url("indicator", "WST-01"),
    "framework:change_indicator": lambda t: url("change_indicator", "WST-01"),
    "framework:indicator_details": lambda t: url("indicator_details", "WST-01"),
    "framework:move_indicator": lambda t: url("move_indicator", "WST-01"),
    "framework:retire_indicator": lambda t: url("retire_indicator", "WST-01"),
}
#                                          off  off2  appr appr2 dir  perf admin cllr anon
READ_ONLY = {
    "framework:indicators":                 (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "framework:new_indicator":              (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "framework:indicator":                  (403, 404, 403, 404, 403, 200, 200, 404, SIGN_IN),
    "framework:change_indicator":           (403, 404, 403, 404, 403, 200, 200, 404, SIGN_IN),
    "framework:indicator_details":          (403, 404, 403, 404, 403, 200, 200, 404, SIGN_IN),
    "framework:move_indicator":             (403, 404, 403, 404, 403, 200, 200, 404, SIGN_IN),
    "framework:retire_indicator":           (403, 404, 403, 404, 403, 200, 200, 404, SIGN_IN),
}
# fmt: on
GET_ONLY = {"framework:indicators", "framework:indicator"}
PER_INDICATOR = set(READ_ONLY) - {"framework:indicators", "framework:new_indicator"}


def database_state() -> dict:
    """What a refused request must leave exactly as it was."""
    return {
        "indicators": list(Indicator.objects.order_by("pk").values()),
        "places": sorted(
            Indicator.objects.values_list("pk", "sets", "committees", "outcomes").distinct()
        ),
        "versions": list(IndicatorVersion.objects.order_by("pk").values()),
        "audit entries": AuditEntry.objects.count(),
    }


def request_and_check(client, person, request, expected, *, happened=None):
    method, address, data = request
    sign_in(client, person)
    before = database_state()

    response = getattr(client, method)(address, data)

    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected
    if happened is not None and expected == 302:
        happened()
        return response
    assert database_state() == before
    return response


@pytest.mark.parametrize(("change", "persona", "expected"), cells(CHANGE_TABLE))
def test_change(client, town, change, persona, expected):
    step = CHANGES[change]

    request_and_check(
        client,
        town.personas[persona],
        step.request(town),
        expected,
        happened=lambda: step.happened(town),
    )


@pytest.mark.parametrize(("page", "persona", "expected"), cells(READ_ONLY))
@pytest.mark.parametrize("method", ["get", "post"])
def test_read_only_page(client, town, page, persona, expected, method):
    if method == "post" and expected == 200:
        # A list or an indicator's page takes no post; a form posted empty is refused on it.
        expected = 405 if page in GET_ONLY else 400
    request = (method, READ_ONLY_URLS[page](town), {"lifecycle": "retired", "owner": ""})

    request_and_check(client, town.personas[persona], request, expected)


def test_an_internal_auditor_is_refused_every_indicator_page(client, town):
    """No scope: an indicator's own pages are not found, the others forbidden."""
    auditor = UserFactory(username="auditor", roles=[Role.AUDITOR])

    for name, address in READ_ONLY_URLS.items():
        expected = 404 if name in PER_INDICATOR else 403
        request_and_check(client, auditor, ("get", address(town), {}), expected)
    for step in CHANGES.values():
        expected = 404 if step.url_name in PER_INDICATOR else 403
        request_and_check(client, auditor, step.request(town), expected)


def test_an_indicator_that_does_not_exist_is_not_found(client, town):
    sign_in(client, town.personas["performance"])

    assert client.get(url("indicator", "NOPE-01")).status_code == 404


def test_every_url_of_the_indicator_pages_is_in_a_table():
    found = {f"framework:{pattern.name}" for pattern in indicator_urls.urlpatterns}
    in_tables = {step.url_name for step in CHANGES.values()} | set(READ_ONLY)

    assert found - in_tables == set(), "add these views to a table"
    assert in_tables - found == set(), "these rows name views that no longer exist"
    assert set(CHANGES) == set(CHANGE_TABLE)
    assert set(READ_ONLY) == set(READ_ONLY_URLS)
