"""A forecast through the one workflow: submit, return with a reason, revise, sign off."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from finance.models import Forecast
from finance.tests.conftest import signed_off
from finance.workflow import (
    CANNOT_DECIDE,
    FORECAST_MISSING,
    FORECAST_TOO_PRECISE,
    OWN_SUBMISSION,
    PERIOD_NOT_IN_YEAR,
    REASON_REQUIRED,
    STALE,
    InvalidEntry,
    StaleError,
    WorkflowError,
    approve_forecast,
    record_forecast,
    return_forecast,
    revise_forecast,
    revisions,
    submit_forecast,
)
from signoff.models import ReturnState, RevisionAction

pytestmark = pytest.mark.django_db


def draft(council, amount="4100000", period="2026-27-Q2"):
    return record_forecast(
        line=council.lines["waste"],
        period=council.period(period),
        entries={"forecast_outturn": D(amount), "commentary": "Fuel costs up"},
        by=council.person("partner"),
    )


def test_submit_return_revise_and_sign_off_keep_every_revision(council):
    partner, approver = council.person("partner"), council.person("approver")
    forecast = submit_forecast(forecast=draft(council), by=partner)
    forecast = return_forecast(forecast=forecast, by=approver, reason="Include the Q2 pay award")
    assert forecast.state == ReturnState.RETURNED
    forecast = record_forecast(
        line=forecast.line,
        period=forecast.period,
        entries={"forecast_outturn": D("4180000.50")},
        by=partner,
        expected_version=forecast.lock_version,
    )
    forecast = submit_forecast(forecast=forecast, by=partner)
    forecast = approve_forecast(forecast=forecast, by=approver)
    assert forecast.state == ReturnState.APPROVED and forecast.approved_by == approver
    forecast = revise_forecast(
        forecast=forecast,
        entries={"forecast_outturn": D("4200000")},
        by=partner,
        reason="Late invoice from the haulage contractor",
    )
    assert forecast.state == ReturnState.SUBMITTED

    kept = list(revisions(forecast))
    assert [r.action for r in kept] == [
        RevisionAction.RECORDED,
        RevisionAction.SUBMITTED,
        RevisionAction.RETURNED,
        RevisionAction.EDITED,
        RevisionAction.SUBMITTED,
        RevisionAction.APPROVED,
        RevisionAction.REVISED,
    ]
    assert kept[2].reason == "Include the Q2 pay award"
    assert kept[3].before["forecast_outturn"] == "4100000"
    assert kept[3].after["forecast_outturn"] == "4180000.5"
    assert kept[6].reason == "Late invoice from the haulage contractor"
    assert Forecast.objects.get().forecast_outturn == D("4200000")


def test_a_stale_save_is_refused_and_changes_nothing(council):
    forecast = draft(council)
    opened_at = forecast.lock_version
    record_forecast(
        line=forecast.line,
        period=forecast.period,
        entries={"forecast_outturn": D("4150000")},
        by=council.person("performance"),
        expected_version=opened_at,
    )
    with pytest.raises(StaleError) as refused:
        record_forecast(
            line=forecast.line,
            period=forecast.period,
            entries={"forecast_outturn": D("3900000")},
            by=council.person("partner"),
            expected_version=opened_at,
        )
    assert str(refused.value) == STALE
    assert Forecast.objects.get().forecast_outturn == D("4150000")
    with pytest.raises(StaleError):
        submit_forecast(forecast=forecast, by=council.person("partner"), expected_version=opened_at)


def test_nobody_signs_off_their_own_submission(council):
    partner = council.person("partner")
    forecast = submit_forecast(forecast=draft(council), by=partner)
    with pytest.raises(WorkflowError) as refused:
        approve_forecast(forecast=forecast, by=partner)
    assert str(refused.value) == OWN_SUBMISSION


def test_returning_needs_a_reason_and_a_submitted_forecast(council):
    forecast = draft(council)
    with pytest.raises(WorkflowError) as refused:
        return_forecast(forecast=forecast, by=council.person("approver"), reason="Why?")
    assert str(refused.value) == CANNOT_DECIDE
    forecast = submit_forecast(forecast=forecast, by=council.person("partner"))
    with pytest.raises(WorkflowError) as refused:
        return_forecast(forecast=forecast, by=council.person("approver"), reason="  ")
    assert str(refused.value) == REASON_REQUIRED


@pytest.mark.parametrize(
    ("amount", "message"),
    [(None, FORECAST_MISSING), (D("4100000.505"), FORECAST_TOO_PRECISE), ("lots", None)],
)
def test_the_forecast_must_be_pounds_or_pounds_and_pence(council, amount, message):
    with pytest.raises(InvalidEntry) as refused:
        draft_with = {"forecast_outturn": amount}
        record_forecast(
            line=council.lines["waste"],
            period=council.period("2026-27-Q2"),
            entries=draft_with,
            by=council.person("partner"),
        )
    assert set(refused.value.problems) == {"forecast_outturn"}
    if message:
        assert refused.value.problems["forecast_outturn"] == message
    assert not Forecast.objects.exists()


def test_the_period_must_be_inside_the_lines_year(council):
    with pytest.raises(InvalidEntry) as refused:
        draft(council, period="2025-26-Q4")
    assert refused.value.problems == {"period": PERIOD_NOT_IN_YEAR.format(year="2026/27")}
    assert not Forecast.objects.exists()


def test_a_revision_needs_a_reason(council):
    forecast = signed_off(council, "waste", "2026-27-Q1", "4050000")
    with pytest.raises(WorkflowError) as refused:
        revise_forecast(
            forecast=forecast,
            entries={"forecast_outturn": D("1")},
            by=council.person("partner"),
            reason="",
        )
    assert str(refused.value) == REASON_REQUIRED
    assert Forecast.objects.get().state == ReturnState.APPROVED


def test_the_notices_name_the_forecast_but_never_its_figure(council):
    from notices.models import Notice, NoticeKind

    partner, approver = council.person("partner"), council.person("approver")
    forecast = submit_forecast(forecast=draft(council, amount="4123456"), by=partner)
    asked = Notice.objects.get(kind=NoticeKind.RETURN_SUBMITTED)
    assert asked.recipient == approver
    assert asked.subject == "To sign off: forecast, Waste and Recycling, Q2 2026/27"

    return_forecast(forecast=forecast, by=approver, reason="4,123,456 leaves out the pay award")
    back = Notice.objects.get(kind=NoticeKind.RETURN_SENT_BACK)
    assert back.recipient == partner
    assert "4,123,456" not in back.summary and "4123456" not in back.summary
    assert "[figure removed] leaves out the pay award" in back.summary
