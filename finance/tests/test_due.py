"""Forecasts in "Your returns" (drafts and those returned, for the finance business partner)
and in the sign-off queue (submitted ones, for the approvers of the line's unit)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from finance.workflow import record_forecast, return_forecast, submit_forecast
from organisation.tests.personas import sign_in

pytestmark = pytest.mark.django_db


def page(client, person, name) -> str:
    return sign_in(client, person).get(reverse(name)).content.decode()


def draft(council, code="waste", period="2026-27-Q2"):
    return record_forecast(
        line=council.lines[code],
        period=council.period(period),
        entries={"forecast_outturn": Decimal("4100000"), "commentary": "Fuel prices"},
        by=council.person("partner"),
    )


def test_a_finance_partner_finds_their_unsubmitted_forecasts_under_your_returns(client, council):
    forecast = draft(council)
    partner = council.person("partner")

    response = sign_in(client, partner).get(reverse("returns:mine"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Other returns waiting for you" in text
    assert "Waste and Recycling" in text and "Q2 2026/27" in text
    assert reverse("finance:forecast", args=[forecast.pk]) in text

    returned = return_forecast(
        forecast=submit_forecast(forecast=forecast, by=partner),
        by=council.person("approver"),
        reason="Include the new fleet lease",
    )
    assert returned.state == "returned"
    assert "Returned for correction" in page(client, partner, "returns:mine")


def test_another_partners_forecasts_are_not_theirs(client, council):
    draft(council)
    assert "Waste and Recycling" not in page(
        client, council.person("other_partner"), "returns:mine"
    )


def test_a_submitted_forecast_waits_for_the_units_approver_only(client, council):
    partner = council.person("partner")
    submit_forecast(forecast=draft(council), by=partner)

    waiting = page(client, council.person("approver"), "returns:sign_off")
    assert "Other returns waiting for sign-off" in waiting
    assert "Finance forecast" in waiting and "Waste and Recycling" in waiting
    assert "Waste and Recycling" not in page(
        client, council.person("other_approver"), "returns:sign_off"
    )
