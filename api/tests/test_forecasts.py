"""Finance forecasts through the API: the finance pages' checks, words, workflow and history.

The council is the finance tests' (finance/tests/conftest.py): Testshire's budgets for
2026/27, a finance business partner for Place (Waste, Parks) and another for People
(Libraries), on 16 October 2026.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from api.registers import AWAITING_DECISION, NO_BUDGET_LINE, NOT_IN_YEAR, SUBMIT_WHEN_REVISING
from api.tests.conftest import bearer
from api.tokens import create_token
from audit.models import AuditEntry
from finance.forms import REVISE_REASON_REQUIRED
from finance.models import Forecast, ForecastRevision
from finance.tests.conftest import build_council, signed_off
from finance.workflow import FORECAST_MISSING
from signoff.models import ReturnState

pytestmark = pytest.mark.django_db

ADDRESS = "/api/v1/forecasts/"
PEOPLE = ("partner", "other_partner", "approver", "officer", "performance", "councillor")


@pytest.fixture
def budgets(db, monkeypatch):
    return build_council(monkeypatch)


@pytest.fixture
def secrets(budgets) -> dict[str, str]:
    return {
        name: create_token(user=budgets.person(name), name=f"{name}'s ledger").secret
        for name in PEOPLE
    }


def send(client, secret, body, **headers):
    headers.update(bearer(secret))
    return client.post(ADDRESS, body, content_type="application/json", headers=headers)


def a_forecast(**more) -> dict:
    return {"unit": "waste", "period": "2026-10", "forecast_outturn": "£4,150,000.50", **more}


def state() -> dict:
    return {
        "forecasts": list(
            Forecast.objects.order_by("pk").values_list("state", "forecast_outturn", "commentary")
        ),
        "revisions": ForecastRevision.objects.count(),
        "audit": AuditEntry.objects.filter(object_type="finance.forecast").count(),
    }


def errors(response) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.content
    return [(error["name"], error["detail"]) for error in response.json()["errors"]]


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("partner", 200),
        ("performance", 200),
        ("other_partner", 404),  # People's partner: Waste is not theirs
        ("approver", 404),  # signs off, does not forecast
        ("officer", 404),
        ("councillor", 404),
    ],
)
def test_only_those_who_forecast_for_the_unit_send_its_forecast(
    client, budgets, secrets, person, expected
):
    before = state()

    response = send(client, secrets[person], a_forecast())

    assert response.status_code == expected, response.content
    if expected == 200:
        forecast = Forecast.objects.get()
        assert forecast.forecast_outturn == Decimal("4150000.50")
        assert forecast.revisions.get().changed_by == budgets.person(person)
    else:
        assert state() == before


def test_a_draft_is_saved_and_audited_as_from_the_api(client, budgets, secrets):
    response = send(client, secrets["partner"], a_forecast(commentary="Fuel"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "draft"
    assert body["forecast_outturn"] == "4150000.5"
    assert (body["unit"], body["year"], body["period_code"]) == ("waste", "2026-27", "2026-10")
    assert body["lock_version"] == 1
    assert body["already_saved"] is False
    forecast = Forecast.objects.get()
    assert body["web_url"].endswith(reverse("finance:forecast", args=[forecast.pk]))
    entry = AuditEntry.objects.get(object_type="finance.forecast")
    assert (entry.action, entry.source) == ("forecast saved", "api")


def test_a_forecast_is_submitted_and_then_waits_for_its_decision(client, budgets, secrets):
    submitted = send(client, secrets["partner"], a_forecast(submit=True))
    before = state()

    change = send(client, secrets["partner"], a_forecast(forecast_outturn=1, lock_version=2))

    assert submitted.json()["state"] == "submitted"
    assert Forecast.objects.get().state == ReturnState.SUBMITTED
    assert change.status_code == 409
    assert change.json()["detail"] == AWAITING_DECISION.format(
        title="The forecast for Waste and Recycling at October 2026"
    )
    assert state() == before


def test_changing_a_forecast_needs_its_lock_version_and_a_stale_one_is_refused(
    client, budgets, secrets
):
    send(client, secrets["partner"], a_forecast())
    before = state()

    without = send(client, secrets["performance"], a_forecast(forecast_outturn=4000000))
    stale = send(
        client, secrets["performance"], a_forecast(forecast_outturn=4000000, lock_version=9)
    )
    fresh = send(
        client, secrets["performance"], a_forecast(forecast_outturn=4000000, lock_version=1)
    )

    assert without.status_code == stale.status_code == 409
    assert stale.json()["lock_version"] == 1
    assert fresh.status_code == 200
    assert fresh.json()["forecast_outturn"] == "4000000"
    assert state()["revisions"] == before["revisions"] + 1


def test_a_signed_off_forecast_is_revised_with_a_reason(client, budgets, secrets):
    forecast = signed_off(budgets, "waste", "2026-10", "4300000")

    no_reason = send(
        client,
        secrets["partner"],
        a_forecast(forecast_outturn=4350000, lock_version=forecast.lock_version),
    )
    submitting = send(
        client,
        secrets["partner"],
        a_forecast(lock_version=forecast.lock_version, reason="Fuel", submit=True),
    )
    revised = send(
        client,
        secrets["partner"],
        a_forecast(forecast_outturn=4350000, lock_version=forecast.lock_version, reason="Fuel"),
    )

    assert errors(no_reason) == [("reason", REVISE_REASON_REQUIRED)]
    assert errors(submitting) == [("submit", SUBMIT_WHEN_REVISING.format(noun="forecast"))]
    assert revised.status_code == 200, revised.content
    assert (revised.json()["state"], revised.json()["forecast_outturn"]) == (
        "submitted",
        "4350000",
    )
    assert AuditEntry.objects.filter(action="forecast revised").count() == 1


def test_a_period_outside_a_year_with_a_budget_is_refused_naming_the_period(
    client, budgets, secrets
):
    year = send(client, secrets["partner"], a_forecast(period="2026-27"))
    no_line = send(client, secrets["partner"], a_forecast(period="2025-10"))

    assert errors(year) == [("period", NOT_IN_YEAR)]
    assert errors(no_line) == [
        ("period", NO_BUDGET_LINE.format(unit="Waste and Recycling", year="2025/26"))
    ]
    assert not Forecast.objects.exists()


@pytest.mark.parametrize(
    ("amount", "typed"),
    [("lots", "lots"), (None, ""), ("1.234", "1.234"), ("12e3", "12e3")],
)
def test_the_api_refuses_an_amount_as_the_page_does_in_the_same_words(
    client, budgets, secrets, amount, typed
):
    line = budgets.lines["waste"]
    client.force_login(budgets.person("partner"))
    page = client.post(
        reverse("finance:line", args=[line.pk]),
        {"step": "forecast", "period": budgets.period("2026-10").pk, "forecast_outturn": typed},
    )
    client.logout()

    api = send(client, secrets["partner"], a_forecast(forecast_outturn=amount))

    assert page.status_code == 400
    assert [detail for _, detail in errors(api)] == [m for m, _ in page.context["problems"]]
    assert not Forecast.objects.exists()


def test_a_new_forecast_needs_its_amount(client, budgets, secrets):
    response = send(client, secrets["partner"], {"unit": "waste", "period": "2026-10"})

    assert errors(response) == [("forecast_outturn", FORECAST_MISSING)]


def test_the_budget_lines_are_those_the_person_forecasts_for(client, budgets, secrets):
    signed_off(budgets, "waste", "2026-27-Q1", "4300000", "Fuel")

    def lines(person, **query):
        response = client.get("/api/v1/budget-lines/", query, headers=bearer(secrets[person]))
        return response

    partner = lines("partner").json()
    assert [line["unit"] for line in partner["results"]] == ["place", "waste", "parks"]
    waste = partner["results"][1]
    assert waste["budget"] == "4000000"
    assert [(f["period_code"], f["state"], f["forecast_outturn"]) for f in waste["forecasts"]] == [
        ("2026-27-Q1", "approved", "4300000")
    ]
    assert [line["unit"] for line in lines("other_partner").json()["results"]] == [
        "people",
        "libraries",
    ]
    assert lines("officer").json()["count"] == 0
    assert lines("councillor").json()["count"] == 0
    assert lines("performance").json()["count"] == 5
    assert lines("partner", year="2025-26").json()["count"] == 0
    assert lines("partner", year="1999-00").status_code == 404


def test_a_retried_forecast_with_its_idempotency_key_is_recorded_once(client, budgets, secrets):
    first = send(client, secrets["partner"], a_forecast(), **{"Idempotency-Key": "ledger-1"})
    again = send(client, secrets["partner"], a_forecast(), **{"Idempotency-Key": "ledger-1"})

    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert ForecastRevision.objects.count() == 1


def test_the_budget_lines_cost_the_same_queries_however_many_forecasts_and_lines(
    client, budgets, secrets
):
    from api.tests.test_signed_in_query_counts import BASELINE, FINANCE, counts

    few = counts(client, secrets["partner"], addresses=FINANCE)
    for period in ("2026-27-Q1", "2026-04", "2026-05", "2026-06"):
        signed_off(budgets, "waste", period, "4300000")
        signed_off(budgets, "parks", period, "990000")
    many = counts(client, secrets["partner"], addresses=FINANCE)
    one_line = counts(client, secrets["partner"], "page_size=1", addresses=FINANCE)

    assert few.items() <= BASELINE.items()
    assert many == few == one_line
