"""An approver signs off or returns submitted figures; never their own."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from indicators.models import Value, ValueState
from indicators.workflow import approve_value, return_value
from organisation.models import Role
from organisation.tests.factories import UserFactory
from returns.views import ALREADY_DECIDED
from scorecards.tests.builders import Returns

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(cycle, officer, recycling, missed_bins):
    returns = Returns()
    returns.officer = officer
    first = returns.submitted(recycling, cycle.period.code, "45", commentary="Down on last year")
    second = returns.submitted(missed_bins, cycle.period.code, "35")
    return first, second


def sign_off_url(cycle, service):
    return reverse("returns:service_sign_off", args=[cycle.pk, service.code])


def decision(value, choice, reason=""):
    prefix = f"value-{value.pk}"
    return {
        f"{prefix}-decision": choice,
        f"{prefix}-reason": reason,
        f"{prefix}-lock_version": str(value.lock_version),
    }


def test_the_approver_sees_what_waits_for_them(client, cycle, approver, submitted, waste):
    client.force_login(approver)

    page = client.get(reverse("returns:sign_off")).content.decode()

    assert "Waste and Recycling" in page
    assert sign_off_url(cycle, waste) in page


def test_sign_off_one_and_return_the_other_with_a_reason(client, cycle, approver, submitted, waste):
    recycling_value, bins_value = submitted
    client.force_login(approver)

    response = client.post(
        sign_off_url(cycle, waste),
        {
            **decision(recycling_value, "approve"),
            **decision(bins_value, "return", "The September figure is missing a round"),
        },
    )

    assert response.status_code == 302
    recycling_value.refresh_from_db()
    bins_value.refresh_from_db()
    assert recycling_value.state == ValueState.APPROVED
    assert recycling_value.approved_by == approver
    assert bins_value.state == ValueState.RETURNED
    returned = bins_value.revisions.get(action="returned")
    assert returned.reason == "The September figure is missing a round"
    assert returned.changed_by == approver


def test_returning_needs_a_reason(client, cycle, approver, submitted, waste):
    recycling_value, _ = submitted
    client.force_login(approver)

    response = client.post(sign_off_url(cycle, waste), decision(recycling_value, "return"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Household waste recycled: say why the figure is being returned" in page
    assert f'href="#id_value-{recycling_value.pk}-reason"' in page
    recycling_value.refresh_from_db()
    assert recycling_value.state == ValueState.SUBMITTED


def test_nobody_signs_off_their_own_submission(client, cycle, waste, recycling):
    from organisation.models import Role
    from organisation.tests.factories import UserFactory

    both = UserFactory(roles=[Role.DATA_OWNER, Role.APPROVER], units=[waste])
    returns = Returns()
    returns.officer = both
    value = returns.submitted(recycling, cycle.period.code, "47")
    client.force_login(both)

    page = client.get(sign_off_url(cycle, waste)).content.decode()
    client.post(sign_off_url(cycle, waste), decision(value, "approve"))

    assert "You submitted this figure, so someone else must sign it off" in page
    value.refresh_from_db()
    assert value.state == ValueState.SUBMITTED


def test_an_approver_of_another_service_cannot_see_the_return(
    client, cycle, submitted, waste, parks
):
    from organisation.models import Role
    from organisation.tests.factories import UserFactory

    client.force_login(UserFactory(roles=[Role.APPROVER], units=[parks]))

    assert client.get(sign_off_url(cycle, waste)).status_code == 404


def test_a_decision_on_a_figure_changed_meanwhile_is_refused(
    client, cycle, approver, submitted, waste
):
    recycling_value, _ = submitted
    stale = decision(recycling_value, "approve")
    Value.objects.filter(pk=recycling_value.pk).update(lock_version=99)
    client.force_login(approver)

    response = client.post(sign_off_url(cycle, waste), stale, follow=True)

    assert "Someone else changed this figure since you opened it" in response.content.decode()
    recycling_value.refresh_from_db()
    assert recycling_value.state == ValueState.SUBMITTED


def test_a_sign_off_that_lost_a_race_says_what_happened(client, cycle, approver, submitted, waste):
    recycling_value, bins_value = submitted
    opened = {**decision(recycling_value, "approve"), **decision(bins_value, "approve")}
    colleague = UserFactory(
        username="colleague-approver",
        first_name="Bea",
        last_name="Quick",
        roles=[Role.APPROVER],
        units=[waste],
    )
    with time_machine.travel(datetime.datetime(2026, 10, 21, 10, 15, tzinfo=datetime.UTC)):
        for value in submitted:  # a colleague signs both off first
            approve_value(value=value, by=colleague)
    client.force_login(approver)

    response = client.post(sign_off_url(cycle, waste), opened, follow=True)

    page = response.content.decode()
    assert "0 signed off" not in page
    assert "govuk-notification-banner--success" not in page
    for value in submitted:
        assert (
            ALREADY_DECIDED.format(
                title=value.indicator.title,
                state="signed off",
                name="Bea Quick",
                time="11:15 on 21 October",
            )
            in page
        )
    assert {v.approved_by for v in Value.objects.filter(pk__in=[v.pk for v in submitted])} == {
        colleague
    }


def test_signing_off_one_figure_another_approver_decided_reports_both(
    client, cycle, approver, submitted, waste
):
    recycling_value, bins_value = submitted
    opened = {**decision(recycling_value, "approve"), **decision(bins_value, "approve")}
    colleague = UserFactory(roles=[Role.APPROVER], units=[waste], first_name="Bea", last_name="Q")
    return_value(value=bins_value, by=colleague, reason="Missing a round")
    client.force_login(approver)

    page = client.post(sign_off_url(cycle, waste), opened, follow=True).content.decode()

    assert "1 signed off, 0 returned for correction." in page
    assert "Missed bins per 100,000 collections was already returned for correction" in page
    recycling_value.refresh_from_db()
    assert recycling_value.state == ValueState.APPROVED


def card_of(page: str, code: str) -> str:
    """One figure's summary card on the sign-off page, as HTML."""
    start = page.index(f'<span class="gt-indicator-code">{code}</span>')
    end = page.find('<div class="govuk-summary-card">', start)
    return page[start : end if end != -1 else len(page)]


def test_the_approver_sees_each_figure_against_its_target_and_the_status_it_gets(
    client, cycle, approver, submitted, waste, today
):
    client.force_login(approver)

    page = client.get(sign_off_url(cycle, waste)).content.decode()

    recycling = card_of(page, "WST-01")
    assert "Q1 2026/27: 46.0%" in recycling  # last period
    assert '<dd class="govuk-summary-list__value">50.0%</dd>' in recycling  # the target
    assert "Status once signed off" in recycling and ">Red</strong>" in recycling  # 45 < 50
    assert "Worsening, compared with Q1 2026/27 (46.0%)" in recycling
    assert "Not enough data" in recycling  # SPC: 10 points, 12 needed
    assert "Down on last year" in recycling
    bins = card_of(page, "WST-02")
    assert "No target (data only)" in bins
    assert "No earlier figure" in bins
    assert "No commentary" in bins and ">None<" not in bins


def test_after_the_cycle_closes_figures_are_signed_off_but_not_returned(
    client, cycle, approver, submitted, waste
):
    from indicators.models import CycleState

    recycling_value, bins_value = submitted
    type(cycle).objects.filter(pk=cycle.pk).update(state=CycleState.CLOSED)
    client.force_login(approver)

    page = client.get(sign_off_url(cycle, waste)).content.decode()
    assert "The reporting cycle for Q2 2026/27 is closed" in page
    assert "Return for correction" not in page

    refused = client.post(
        sign_off_url(cycle, waste), decision(bins_value, "return", "Missing a round")
    )
    assert refused.status_code == 400  # not a choice any more
    assert "the cycle is closed, so the figure can only be signed off" in refused.content.decode()
    client.post(sign_off_url(cycle, waste), decision(recycling_value, "approve"))

    assert Value.objects.get(pk=recycling_value.pk).state == ValueState.APPROVED
    assert Value.objects.get(pk=bins_value.pk).state == ValueState.SUBMITTED
