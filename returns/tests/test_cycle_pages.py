"""The reporting-cycle pages: the list, one cycle's chasing view and its actions, a new cycle."""

import datetime
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from indicators.models import CycleState, Period, ReportingCycle, Value
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from organisation.models import Role
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from returns.chasing import send_reminders
from returns.cycle_views import NO_REMINDERS_DUE
from returns.cycles import (
    DATA_ENTRY_NOT_AFTER_PERIOD,
    REOPEN_REASON_REQUIRED,
    SIGNOFF_BEFORE_DATA_ENTRY,
)
from returns.models import CycleAction, CycleEvent
from returns.tests.chasing_council import PERIOD, build_council
from scorecards.tests.builders import Returns
from strategy.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

QUERY_BASELINE = json.loads((Path(__file__).parent / "query_counts.json").read_text())
LONDON = ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 10, 21)  # the day after Q2 2026/27's data-entry deadline


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("returns.cycle_views.timezone.localdate", lambda: TODAY)
    return TODAY


@pytest.fixture
def town():
    return build_council()


@pytest.fixture
def performance_client(client, town):
    client.force_login(town.performance)
    return client


def cycle_url(cycle):
    return reverse("returns:cycle", args=[cycle.pk])


def action_url(cycle):
    return reverse("returns:cycle_action", args=[cycle.pk])


def row_of(page: str, service_code: str) -> str:
    """The chasing table's row for one service, as HTML."""
    match = re.search(
        rf'<tr class="govuk-table__row" id="return-{service_code}">(.*?)</tr>', page, re.S
    )
    assert match, f"no row for {service_code}"
    return match.group(1)


def tags(html: str) -> list[str]:
    return [t.strip() for t in re.findall(r'<strong class="govuk-tag[^"]*">(.*?)</strong>', html)]


# --- Who may see the pages -----------------------------------------------------------------


def every_url(town):
    return [
        reverse("returns:cycles"),
        reverse("returns:new_cycle"),
        cycle_url(town.cycle),
        reverse("returns:close_cycle", args=[town.cycle.pk]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, town):
    for url in [*every_url(town), action_url(town.cycle)]:
        response = client.post(url) if url.endswith("action/") else client.get(url)

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["data owner", "approver", "councillor"])
def test_others_are_refused(client, town, who):
    person = {
        "data owner": town.owners["waste"],
        "approver": town.approvers["place"],
        "councillor": UserFactory(roles=[Role.COUNCILLOR]),
    }[who]
    client.force_login(person)

    for url in every_url(town):
        assert client.get(url).status_code == 403
    response = client.post(close_url(town.cycle), {"reason": "Closing it"})

    assert response.status_code == 403
    town.cycle.refresh_from_db()
    assert town.cycle.state == CycleState.OPEN


def test_the_navigation_offers_reporting_cycles_to_the_performance_team_only(client, town):
    client.force_login(town.owners["waste"])
    assert "Reporting cycles" not in client.get(reverse("returns:mine")).content.decode()

    client.force_login(town.performance)
    page = client.get(reverse("returns:cycles")).content.decode()
    assert f'href="{reverse("returns:cycles")}"' in page
    assert re.search(r'aria-current="page">\s*<strong[^>]*>Reporting cycles</strong>', page)


# --- The list ------------------------------------------------------------------------------


def test_the_list_shows_each_cycle_with_its_state_and_progress(performance_client, town):
    ReportingCycleFactory(period=Period.objects.get(code="2026-27-Q3"))

    page = performance_client.get(reverse("returns:cycles")).content.decode()

    assert page.index("Q2 2026/27") < page.index("Q3 2026/27")  # open before planned
    assert "2 of 10 figures signed off" in page
    assert "20 October 2026" in page
    assert tags(page) == ["Open", "Planned"]
    assert reverse("returns:new_cycle") in page


# --- The chasing view ----------------------------------------------------------------------


def test_the_chasing_view_shows_every_service_s_return_with_its_tags(performance_client, town):
    page = performance_client.get(cycle_url(town.cycle)).content.decode()

    assert tags(row_of(page, "waste")) == ["Not started", "Late"]
    assert tags(row_of(page, "parks")) == ["Draft", "Late"]
    assert tags(row_of(page, "housing")) == ["Returned for correction", "Late"]
    assert tags(row_of(page, "planning")) == ["Submitted"]
    assert tags(row_of(page, "libraries")) == ["Signed off"]
    assert "Place" in row_of(page, "waste") and "People" in row_of(page, "housing")
    assert reverse("returns:service", args=[town.cycle.pk, "waste"]) in row_of(page, "waste")
    assert "2 of 10 figures signed off. 3 returns late." in page


def test_the_chasing_view_shows_timeliness_and_not_yet_for_what_has_not_happened(
    performance_client, town
):
    Value.objects.filter(indicator__owner=town.services["libraries"]).update(
        approved_at=datetime.datetime(2026, 10, 12, 15, tzinfo=LONDON)
    )
    cabinet = MeetingFactory(
        committee__name="Cabinet", starts_at=datetime.datetime(2026, 11, 18, 18, tzinfo=LONDON)
    )
    town.cycle.meetings.add(cabinet)

    page = performance_client.get(cycle_url(town.cycle)).content.decode()

    timeliness = page[page.index('id="timeliness"') :]
    assert re.search(
        r"To the latest sign-off</dt>\s*<dd[^>]*>12 days \(12 October 2026\)", timeliness
    )
    assert re.search(
        r"To committee</dt>\s*<dd[^>]*>49 days \(Cabinet, 18 November 2026\)", timeliness
    )
    assert re.search(r"To publication</dt>\s*<dd[^>]*>Not yet", timeliness)
    assert "Cabinet, 18 November 2026" in page[: page.index('id="timeliness"')]  # the facts


def test_the_chasing_view_lists_the_reminders_sent(performance_client, town):
    send_reminders(today=datetime.date(2026, 10, 15))

    page = performance_client.get(cycle_url(town.cycle)).content.decode()

    reminders = page[page.index('id="reminders"') :]
    assert "Waste Owner" in reminders
    assert "Data owners of the service, 5 days before the data-entry deadline" in reminders


def test_the_chasing_view_shows_the_next_reminder_each_late_service_will_get(
    performance_client, town
):
    send_reminders(today=TODAY)  # the day after the deadline: data owners and managers

    page = performance_client.get(cycle_url(town.cycle)).content.decode()

    # Next comes the performance team's step, 5 days after the deadline, repeating weekly.
    assert "25 Oct 2026: performance team, weekly" in row_of(page, "waste")
    assert "28 Oct 2026: approvers and head of service" in row_of(page, "planning")
    assert "None" in row_of(page, "libraries")  # all signed off


def test_a_reminder_whose_day_has_come_but_has_not_gone_is_due_now(performance_client, town):
    page = performance_client.get(cycle_url(town.cycle)).content.decode()

    assert "Due now: data owners, weekly" in row_of(page, "waste")


def test_sending_due_reminders_now_shows_how_many_went(performance_client, town):
    response = performance_client.post(action_url(town.cycle), {"action": "remind"}, follow=True)

    assert len(mail.outbox) == 6  # data owners and managers, the day after the deadline
    assert "6 reminders sent." in response.content.decode()

    again = performance_client.post(action_url(town.cycle), {"action": "remind"}, follow=True)
    assert NO_REMINDERS_DUE in again.content.decode()
    assert len(mail.outbox) == 6


def close_url(cycle):
    return reverse("returns:close_cycle", args=[cycle.pk])


def test_closing_asks_for_confirmation_and_says_what_is_still_open(performance_client, town):
    from_the_cycle = performance_client.post(action_url(town.cycle), {"action": "close"})
    assert from_the_cycle.url == close_url(town.cycle)

    page = performance_client.get(close_url(town.cycle)).content.decode()

    town.cycle.refresh_from_db()
    assert town.cycle.state == CycleState.OPEN  # nothing closes without the confirmation
    still_open = page[page.index('id="still-open"') :]
    # Waste: 2 never entered; Parks: 1 draft, 1 never entered; Housing: 1 returned;
    # Planning: 2 submitted, Housing: 1 submitted.
    assert "3 figures: locked as missing" in still_open
    assert "2 figures: locked, never reported" in still_open
    assert "3 figures: stay in their approvers' queues and can still be signed off" in still_open


def test_closing_with_figures_still_open_needs_a_reason(performance_client, town):
    response = performance_client.post(close_url(town.cycle), {"reason": "  "})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Reason for closing: say why the cycle for Q2 2026/27 is closing" in page
    assert 'href="#id_reason"' in page
    town.cycle.refresh_from_db()
    assert town.cycle.state == CycleState.OPEN


def test_closing_with_everything_signed_off_needs_no_reason(performance_client, town):
    Value.objects.filter(period__code=PERIOD).update(state="approved")
    for indicator in [*town.indicators["waste"], town.indicators["parks"][1]]:
        town.returns.signed_off(indicator, PERIOD, "5")

    page = performance_client.get(close_url(town.cycle)).content.decode()
    assert "Every figure due for Q2 2026/27 is signed off." in page
    performance_client.post(close_url(town.cycle), {"reason": ""})

    town.cycle.refresh_from_db()
    assert town.cycle.state == CycleState.CLOSED


def test_figures_awaiting_sign_off_can_still_be_signed_off_after_closing(client, town):
    client.force_login(town.performance)
    client.post(close_url(town.cycle), {"reason": "The committee deadline"})
    approver = town.approvers["place"]
    client.force_login(approver)

    queue = client.get(reverse("returns:sign_off")).content.decode()
    assert "Planning" in queue
    planning = town.services["planning"]
    sign_off_url = reverse("returns:service_sign_off", args=[town.cycle.pk, planning.code])
    figures = list(Value.objects.filter(period__code=PERIOD, indicator__owner=planning))
    client.post(
        sign_off_url,
        {
            **{f"value-{v.pk}-decision": "approve" for v in figures},
            **{f"value-{v.pk}-lock_version": v.lock_version for v in figures},
        },
    )

    assert set(
        Value.objects.filter(period__code=PERIOD, indicator__owner=planning).values_list(
            "state", flat=True
        )
    ) == {"approved"}
    assert "Planning" not in client.get(reverse("returns:sign_off")).content.decode()


def test_closing_and_reopening_with_a_reason(performance_client, town):
    closed = performance_client.post(
        close_url(town.cycle), {"reason": "The committee deadline"}, follow=True
    )

    town.cycle.refresh_from_db()
    assert town.cycle.state == CycleState.CLOSED
    assert "its figures are locked" in closed.content.decode()

    performance_client.post(
        action_url(town.cycle), {"action": "reopen", "reason": "Housing resubmits September"}
    )

    town.cycle.refresh_from_db()
    assert town.cycle.state == CycleState.OPEN
    events = CycleEvent.objects.filter(cycle=town.cycle).order_by("at", "pk")
    assert [(e.action, e.reason) for e in events] == [
        (CycleAction.CLOSED, "The committee deadline"),
        (CycleAction.REOPENED, "Housing resubmits September"),
    ]
    page = performance_client.get(cycle_url(town.cycle)).content.decode()
    assert "Reason: Housing resubmits September" in page


def test_reopening_without_a_reason_shows_the_error_against_the_field(performance_client, town):
    ReportingCycle.objects.filter(pk=town.cycle.pk).update(state=CycleState.CLOSED)

    response = performance_client.post(action_url(town.cycle), {"action": "reopen", "reason": ""})

    assert response.status_code == 400
    page = response.content.decode()
    message = REOPEN_REASON_REQUIRED.format(period="Q2 2026/27")
    assert f'<a href="#id_reason">{message}</a>' in page
    assert "<title>Error: " in page
    town.cycle.refresh_from_db()
    assert town.cycle.state == CycleState.CLOSED


def test_opening_a_planned_cycle(performance_client, town):
    planned = ReportingCycleFactory(period=Period.objects.get(code="2026-27-Q3"))

    response = performance_client.post(action_url(planned), {"action": "open"}, follow=True)

    planned.refresh_from_db()
    assert planned.state == CycleState.OPEN
    assert planned.opened_by == town.performance
    assert "is open: officers can enter their figures" in response.content.decode()


def test_an_action_that_does_not_fit_the_state_is_explained(performance_client, town):
    response = performance_client.post(action_url(town.cycle), {"action": "open"}, follow=True)

    assert "The reporting cycle for Q2 2026/27 is already open" in response.content.decode()


def test_the_chasing_view_lists_provisional_figures_awaiting_their_final_value(
    performance_client, town
):
    with time_machine.travel(datetime.datetime(2026, 10, 19, 10, tzinfo=LONDON)):
        town.returns.submitted(
            town.indicators["parks"][1], PERIOD, "9.5", data_quality="provisional"
        )
    town.returns.signed_off(town.indicators["waste"][0], PERIOD, "40")  # final: not listed

    page = performance_client.get(cycle_url(town.cycle)).content.decode()
    table = re.search(r'<table class="govuk-table" id="provisional">(.*?)</table>', page, re.S)

    assert table, "no table of provisional figures"
    [row] = re.findall(
        r'<tr class="govuk-table__row" id="provisional-\d+">(.*?)</tr>', table[1], re.S
    )
    cells = [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    ]
    assert cells == [
        "Parks and Open Spaces",
        "PARKS-2 Parks and Open Spaces measure 2",
        "Q2 2026/27",
        "9.5% for Parks and Open Spaces measure 2, Q2 2026/27",
        "Submitted",
        town.returns.officer.get_full_name(),
        "19 October 2026 (2 days)",
    ]


def test_the_chasing_view_says_when_no_figure_is_provisional(performance_client, town):
    page = performance_client.get(cycle_url(town.cycle)).content.decode()

    assert 'id="provisional"' not in page
    assert (
        "No submitted or signed-off figure for Q2 2026/27 or an earlier period is provisional."
        in page
    )


# --- A new cycle ---------------------------------------------------------------------------


def test_the_new_cycle_form_offers_only_periods_without_a_cycle(performance_client, town):
    page = performance_client.get(reverse("returns:new_cycle")).content.decode()

    options = re.findall(r"<option value=\"\d+\"[^>]*>(.*?)</option>", page)
    assert any(o.startswith("Q3 2026/27") for o in options)
    assert not any(o.startswith("Q2 2026/27") for o in options)


def test_bad_dates_are_shown_in_the_error_summary(performance_client, town):
    q3 = Period.objects.get(code="2026-27-Q3")  # ends 31 December 2026

    response = performance_client.post(
        reverse("returns:new_cycle"),
        {
            "period": q3.pk,
            "opens_on": "2026-12-01",
            "data_entry_deadline": "2026-12-31",
            "signoff_deadline": "2026-12-30",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    for field, message in [
        ("data_entry_deadline", DATA_ENTRY_NOT_AFTER_PERIOD.format(ends_on="31 December 2026")),
        ("signoff_deadline", SIGNOFF_BEFORE_DATA_ENTRY.format(deadline="31 December 2026")),
    ]:
        assert f'<a href="#id_{field}">{escape(message)}</a>' in page
    assert not ReportingCycle.objects.filter(period=q3).exists()


def test_a_missing_or_impossible_date_is_named(performance_client, town):
    response = performance_client.post(
        reverse("returns:new_cycle"),
        {"period": "", "opens_on": "2027-02-30", "data_entry_deadline": "", "signoff_deadline": ""},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_period">Period: choose the period' in page
    assert '<a href="#id_opens_on">Opens on: enter a real date' in page
    assert '<a href="#id_data_entry_deadline">Data-entry deadline: enter a date</a>' in page


def test_planning_a_cycle(performance_client, town):
    q3 = Period.objects.get(code="2026-27-Q3")

    response = performance_client.post(
        reverse("returns:new_cycle"),
        {
            "period": q3.pk,
            "opens_on": "2027-01-01",
            "data_entry_deadline": "2027-01-20",
            "signoff_deadline": "2027-01-30",
        },
    )

    cycle = ReportingCycle.objects.get(period=q3)
    assert response.status_code == 302
    assert response.url == cycle_url(cycle)
    assert cycle.state == CycleState.PLANNED
    assert cycle.data_entry_deadline == datetime.date(2027, 1, 20)
    assert CycleEvent.objects.get(cycle=cycle).by == town.performance


# --- Query counts --------------------------------------------------------------------------


def add_services(cycle, directorate, returns, count):
    """Services with two indicators each: one draft figure, one submitted as provisional, and
    a data owner who has been reminded."""
    for _ in range(count):
        service = OrgUnitFactory(council=directorate.council, parent=directorate)
        drafted, submitted = IndicatorFactory(owner=service), IndicatorFactory(owner=service)
        returns.draft(drafted, PERIOD, "10")
        returns.submitted(submitted, PERIOD, "20", data_quality="provisional")
        UserFactory(roles=[Role.DATA_OWNER], units=[service])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_chasing_page_s_queries_do_not_grow_with_the_services(client):
    ensure_periods(first_year=2026, last_year=2026)
    directorate = DirectorateFactory(council=CouncilFactory())
    cycle = ReportingCycleFactory(period=Period.objects.get(code=PERIOD), state=CycleState.OPEN)
    returns = Returns()
    client.force_login(UserFactory(roles=[Role.PERFORMANCE_TEAM]))

    add_services(cycle, directorate, returns, 3)
    send_reminders(today=datetime.date(2026, 10, 15), cycle=cycle)
    few = count_queries(client, cycle_url(cycle))
    add_services(cycle, directorate, returns, 9)
    send_reminders(today=datetime.date(2026, 10, 21), cycle=cycle)
    many = count_queries(client, cycle_url(cycle))

    assert many == few
    assert many == QUERY_BASELINE["cycle_chasing"]


def test_the_list_page_s_queries_do_not_grow_with_the_cycles(client):
    ensure_periods(first_year=2025, last_year=2026)
    CouncilFactory()
    client.force_login(UserFactory(roles=[Role.PERFORMANCE_TEAM]))
    codes = ["2025-26-Q1", "2025-26-Q2", "2025-26-Q3", "2025-26-Q4", "2026-27-Q1", "2026-27-Q2"]
    for code in codes[:2]:
        ReportingCycleFactory(period=Period.objects.get(code=code), state=CycleState.CLOSED)
    few = count_queries(client, reverse("returns:cycles"))
    for code in codes[2:]:
        ReportingCycleFactory(period=Period.objects.get(code=code), state=CycleState.CLOSED)
    many = count_queries(client, reverse("returns:cycles"))

    assert many == few
    assert many == QUERY_BASELINE["cycle_list"]
