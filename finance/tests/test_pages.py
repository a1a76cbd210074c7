"""The finance pages as each persona uses them: a finance partner in and out of scope, an
approver, a councillor and a member of the public."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from finance.budgets import set_budget
from finance.forms import CHOOSE_PERIOD, REVISE_REASON_REQUIRED
from finance.models import BudgetLine, CostCentre, Forecast
from finance.tests.conftest import YEAR, signed_off
from finance.tests.test_imports import csv_file
from finance.workflow import record_forecast, submit_forecast
from organisation.tests.factories import OrgUnitFactory
from organisation.tests.personas import sign_in
from signoff.models import ReturnState

pytestmark = pytest.mark.django_db


def status_for(client, council, name, address, method="get", data=None) -> int:
    sign_in(client, council.person(name) if name else None)
    response = getattr(client, method)(address, data or {})
    return response.status_code


def draft(council, code="waste", amount="4100000"):
    return record_forecast(
        line=council.lines[code],
        period=council.period("2026-27-Q2"),
        entries={"forecast_outturn": D(amount)},
        by=council.person("partner"),
    )


# Who may open what

PAGE_ACCESS = {
    # persona: (year page, Waste's line, Waste's forecast, import, cost centres)
    "partner": (200, 200, 200, 200, 200),
    "other_partner": (200, 404, 404, 200, 200),
    "approver": (200, 200, 200, 403, 403),
    "other_approver": (200, 404, 404, 403, 403),
    "performance": (200, 200, 200, 200, 200),
    "councillor": (403, 404, 404, 403, 403),
}


@pytest.mark.parametrize("name", list(PAGE_ACCESS))
def test_each_persona_opens_only_what_it_may(client, council, name):
    forecast = draft(council)
    addresses = (
        reverse("finance:year", args=[YEAR]),
        reverse("finance:line", args=[council.lines["waste"].pk]),
        reverse("finance:forecast", args=[forecast.pk]),
        reverse("finance:import"),
        reverse("finance:cost_centres"),
    )
    found = tuple(status_for(client, council, name, address) for address in addresses)
    assert found == PAGE_ACCESS[name]


def test_the_public_is_sent_to_sign_in_everywhere(client, council):
    forecast = draft(council)
    sign_in(client, None)
    for address in (
        reverse("finance:index"),
        reverse("finance:year", args=[YEAR]),
        reverse("finance:line", args=[council.lines["waste"].pk]),
        reverse("finance:forecast", args=[forecast.pk]),
        reverse("finance:import"),
        reverse("finance:cost_centres"),
    ):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# The year page


def test_the_year_shows_the_lines_in_scope_with_their_readings(client, council):
    signed_off(council, "waste", "2026-27-Q2", "4300000")
    sign_in(client, council.person("partner"))
    html = client.get(reverse("finance:year", args=[YEAR])).content.decode()
    assert 'id="line-waste"' in html and 'id="line-place"' in html
    assert 'id="line-libraries"' not in html and 'id="line-people"' not in html
    waste = html[html.index('id="line-waste"') :]
    waste = waste[: waste.index("</tr>")]
    assert "£300,000 over" in waste and "Over budget (red)" in waste and "Signed off" in waste


def test_the_index_opens_this_financial_year(client, council):
    sign_in(client, council.person("partner"))
    response = client.get(reverse("finance:index"))
    assert response["Location"] == reverse("finance:year", args=[YEAR])


def test_the_year_exports_as_csv_and_excel(client, council):
    signed_off(council, "waste", "2026-27-Q2", "4300000", "=HYPERLINK(evil)")
    sign_in(client, council.person("partner"))
    address = reverse("finance:year", args=[YEAR])
    text = client.get(address, {"format": "csv"}).content.decode("utf-8-sig")
    assert "Waste and Recycling,Place,4000000,4300000.00,Q2 2026/27,300000.00,7.5" in text
    assert "'=HYPERLINK(evil)" in text
    assert "Libraries" not in text
    response = client.get(address, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert names == ["Place", "Waste and Recycling", "Parks"]


def test_the_directorate_scorecard_shows_the_finance_panel(client, council):
    signed_off(council, "waste", "2026-27-Q1", "4300000")
    sign_in(client, council.person("councillor"))
    response = client.get(
        reverse("scorecards:directorate", args=[council.place.code]), {"period": "2026-27-Q1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="finance"' in html and "£300,000 over" in html and "Over budget (red)" in html


# Entering and signing off


def test_a_partner_enters_and_submits_and_the_approver_signs_off(client, council):
    line = council.lines["waste"]
    sign_in(client, council.person("partner"))
    response = client.post(
        reverse("finance:line", args=[line.pk]),
        {
            "step": "forecast",
            "period": council.period("2026-27-Q2").pk,
            "forecast_outturn": "£4,150,000.50",
            "commentary": "Fuel",
        },
    )
    forecast = Forecast.objects.get()
    assert response["Location"] == reverse("finance:forecast", args=[forecast.pk])
    assert forecast.forecast_outturn == D("4150000.50") and forecast.state == ReturnState.DRAFT
    address = reverse("finance:forecast", args=[forecast.pk])
    client.post(address, {"step": "submit", "submit-lock_version": forecast.lock_version})
    forecast.refresh_from_db()
    assert forecast.state == ReturnState.SUBMITTED

    assert status_for(client, council, "partner", address, "post", {"step": "decide"}) == 403
    sign_in(client, council.person("approver"))
    html = client.get(address).content.decode()
    assert "Sign off or return" in html and "Change the draft" not in html
    client.post(
        address,
        {
            "step": "decide",
            "decide-decision": "sign_off",
            "decide-lock_version": forecast.lock_version,
        },
    )
    forecast.refresh_from_db()
    assert forecast.state == ReturnState.APPROVED
    html = client.get(address).content.decode()
    assert "Signed off" in html and "Submitted" in html and "£4,150,001" in html


def test_returning_without_a_reason_is_refused_on_the_page(client, council):
    forecast = submit_forecast(forecast=draft(council), by=council.person("partner"))
    sign_in(client, council.person("approver"))
    response = client.post(
        reverse("finance:forecast", args=[forecast.pk]),
        {
            "step": "decide",
            "decide-decision": "return",
            "decide-lock_version": forecast.lock_version,
        },
    )
    assert response.status_code == 400
    assert "Say why the forecast is being returned" in response.content.decode()
    forecast.refresh_from_db()
    assert forecast.state == ReturnState.SUBMITTED


def test_a_stale_edit_is_refused_naming_the_change(client, council):
    forecast = draft(council)
    opened_at = forecast.lock_version
    record_forecast(
        line=forecast.line,
        period=forecast.period,
        entries={"forecast_outturn": D("4200000")},
        by=council.person("performance"),
    )
    sign_in(client, council.person("partner"))
    response = client.post(
        reverse("finance:forecast", args=[forecast.pk]),
        {"step": "edit", "edit-forecast_outturn": "3900000", "edit-lock_version": opened_at},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "changed this forecast (forecast outturn) at " in page
    assert "after you opened it. Your change was not saved" in page
    assert Forecast.objects.get().forecast_outturn == D("4200000")


def test_out_of_scope_and_wrong_role_posts_change_nothing(client, council):
    line = council.lines["waste"]
    data = {
        "step": "forecast",
        "period": council.period("2026-27-Q2").pk,
        "forecast_outturn": "1",
    }
    address = reverse("finance:line", args=[line.pk])
    assert status_for(client, council, "other_partner", address, "post", data) == 404
    assert status_for(client, council, "approver", address, "post", data) == 403
    assert not Forecast.objects.exists()


def test_setting_the_budget_keeps_its_history(client, council):
    line = council.lines["waste"]
    sign_in(client, council.person("partner"))
    address = reverse("finance:line", args=[line.pk])
    client.post(address, {"step": "budget", "budget": "4,250,000", "reason": "Budget virement"})
    line.refresh_from_db()
    assert line.budget == D("4250000")
    html = client.get(address).content.decode()
    assert "Budget virement" in html and "4250000" in html


def test_set_budget_creates_a_line(council):
    year = council.year
    line = set_budget(
        unit=council.people,
        year=year,
        budget=D("-50000"),
        by=council.person("performance"),
        reason="Net income",
    )
    assert BudgetLine.objects.get(pk=line.pk).budget == D("-50000")


# Import and cost centres


def test_a_good_import_is_saved_and_a_bad_one_lists_its_rows(client, council):
    CostCentre.objects.create(code="C100", unit=council.waste)
    sign_in(client, council.person("partner"))
    address = reverse("finance:import")
    bad = csv_file([["C100", "", "2026-27-Q2", "1"], ["C999", "", "2026-27-Q2", "1"]])
    response = client.post(address, {"file": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert "nothing was saved" in html and "there is no cost centre “C999”" in html
    assert not Forecast.objects.exists()
    good = csv_file([["C100", "", "2026-27-Q2", "4100000"]])
    response = client.post(address, {"file": good})
    assert response.status_code == 302
    assert Forecast.objects.get().forecast_outturn == D("4100000")


def test_a_partner_maps_cost_centres_only_in_scope(client, council):
    sign_in(client, council.person("partner"))
    address = reverse("finance:cost_centres")
    client.post(
        address, {"code": "C100", "name": "Collection", "unit": council.waste.pk, "reason": "New"}
    )
    assert CostCentre.objects.get(code="C100").unit == council.waste
    response = client.post(address, {"code": "C101", "unit": council.libraries.pk, "reason": "New"})
    assert response.status_code == 400  # Libraries is not a choice for Place's partner
    assert not CostCentre.objects.filter(code="C101").exists()
    moved = {"code": "C100", "unit": council.libraries.pk, "reason": "Moved"}
    assert status_for(client, council, "other_partner", address, "post", moved) == 403
    assert CostCentre.objects.get(code="C100").unit == council.waste


def test_the_year_page_costs_the_same_queries_for_many_lines(client, council):
    signed_off(council, "waste", "2026-27-Q2", "4300000")
    sign_in(client, council.person("performance"))
    address = reverse("finance:year", args=[YEAR])

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        return len(queries)

    client.get(address)  # the session and the council, read once
    few = counted()
    for n in range(15):
        service = OrgUnitFactory(parent=council.place, name=f"Service {n}", code=f"service-{n}")
        council.lines[service.code] = BudgetLine.objects.create(
            unit=service, year=council.year, budget=D(1000)
        )
        signed_off(council, service.code, "2026-27-Q2", "1100")
        record_forecast(  # a later draft beside it
            line=council.lines[service.code],
            period=council.period("2026-27-Q3"),
            entries={"forecast_outturn": D(1200)},
            by=council.person("partner"),
        )
    assert counted() == few


def test_a_period_already_forecast_is_changed_on_its_own_page(client, council):
    draft(council)  # Q2
    sign_in(client, council.person("partner"))
    address = reverse("finance:line", args=[council.lines["waste"].pk])
    html = client.get(address).content.decode()
    assert ">Q2 2026/27</option>" not in html and ">Q3 2026/27</option>" in html
    response = client.post(
        address,
        {"step": "forecast", "period": council.period("2026-27-Q2").pk, "forecast_outturn": "1"},
    )
    assert response.status_code == 400
    assert CHOOSE_PERIOD in response.content.decode()
    assert Forecast.objects.get().forecast_outturn == D("4100000")


def test_a_signed_off_forecast_is_revised_with_a_reason_on_its_page(client, council):
    forecast = signed_off(council, "waste", "2026-27-Q2", "4300000")
    sign_in(client, council.person("partner"))
    address = reverse("finance:forecast", args=[forecast.pk])
    base = {"step": "revise", "revise-lock_version": forecast.lock_version}
    response = client.post(address, {**base, "revise-forecast_outturn": "4,350,000"})
    assert response.status_code == 400
    assert REVISE_REASON_REQUIRED in response.content.decode()
    client.post(
        address,
        {**base, "revise-forecast_outturn": "4,350,000", "revise-reason": "Storm damage"},
    )
    forecast.refresh_from_db()
    assert (forecast.state, forecast.forecast_outturn) == (ReturnState.SUBMITTED, D("4350000"))
    html = client.get(address).content.decode()
    assert "Storm damage" in html and "£4,300,000 → £4,350,000" in html


def test_every_finance_url_is_in_a_table():
    from goldenthread.tests.test_permission_matrix import url_names

    # PAGE_ACCESS's five pages, and the index, which only sends on to the year's page.
    pages = {"year", "line", "forecast", "import", "cost_centres", "index"}
    assert url_names("finance") == {f"finance:{name}" for name in pages}
