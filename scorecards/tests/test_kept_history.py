"""Kept histories: the indicator page's SPC chart and "Every period" table are drawn once,
read back as drawn, and never kept past a change, a deadline or a release that draws them
differently (`scorecards.history`, `scorecards.stored`)."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Period
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from organisation.models import Council, Role
from organisation.tests.factories import UserFactory
from scorecards import history, stored
from scorecards.models import StoredHistory
from scorecards.tests import test_stored_readings as kept_readings
from scorecards.tests.test_stored_readings import CHANGES, Q2, TODAY, period, sign_off_a_new_figure

# The kept readings' fixtures: an indicator with fourteen quarters signed off.
council, returns, measured = kept_readings.council, kept_readings.returns, kept_readings.measured

pytestmark = pytest.mark.django_db


def shown(indicator, code=Q2, today=TODAY):
    """The history as the indicator page reads it: kept, or drawn now and kept."""
    fresh = type(indicator).objects.get(pk=indicator.pk)
    found = history.history_of(fresh, period(code), today=today, council=Council.objects.get())
    return str(found.chart), str(found.table)


def afresh(indicator, code=Q2, today=TODAY):
    fresh = type(indicator).objects.get(pk=indicator.pk)
    drawn = history.draw(fresh, period(code), today=today, council=Council.objects.get())
    return drawn.chart, drawn.table


def is_kept(indicator, code=Q2, today=TODAY):
    return stored.history_for(indicator.pk, period(code), today=today) is not None


def test_a_history_is_drawn_once_and_read_back_as_drawn(measured, monkeypatch):
    assert not is_kept(measured)
    first = shown(measured)
    chart, table = first

    assert is_kept(measured)
    assert "statistical process control chart" in chart and "<svg" in chart
    assert table.count('<tr class="govuk-table__row">') == 1 + 14  # the head and 14 quarters
    assert first == afresh(measured)

    def never(*args, **kwargs):
        raise AssertionError("a kept history is read back, not drawn again")

    monkeypatch.setattr(history, "draw", never)
    span, council = period(Q2), Council.objects.get()
    with CaptureQueriesContext(connection) as queries:
        again = history.history_of(measured, span, today=TODAY, council=council)
    assert (str(again.chart), str(again.table)) == first
    assert len(queries) == 1  # the kept row


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_no_kept_history_outlives_a_change(measured, returns, change):
    before = shown(measured)

    change(measured, returns)

    after = shown(measured)
    assert after == afresh(measured)
    assert after != before, "the change should change what is drawn"
    assert is_kept(measured)  # kept again, as drawn now


def test_a_history_drawn_while_a_change_commits_is_never_used(measured, returns):
    span = period(Q2)
    old_generation = stored.generations([measured.pk])
    old_calendar = stored.calendar_generation()
    old = history.draw(measured, span, today=TODAY, council=Council.objects.get())

    sign_off_a_new_figure(measured, returns)  # commits between the drawing and the keeping
    stored.keep_history(
        measured.pk,
        span,
        (old.chart, old.table),
        generation=old_generation,
        calendar=old_calendar,
        valid_from=old.valid_from,
        valid_until=old.valid_until,
    )

    assert not is_kept(measured)
    assert ">70.0%\n<" in shown(measured)[1]  # the figure signed off since


def test_a_period_without_its_figure_turns_missing_the_day_after_its_deadline(council):
    indicator = IndicatorFactory(code="LATE-01")
    ReportingCycleFactory(period=period(Q2), data_entry_deadline=datetime.date(2025, 11, 20))
    on_the_day, day_after = datetime.date(2025, 11, 20), datetime.date(2025, 11, 21)

    assert ">Pending<" in shown(indicator, today=on_the_day)[1]
    row = StoredHistory.objects.get(indicator=indicator)
    assert row.valid_until == on_the_day  # Pending up to and including its deadline
    assert ">Missing<" in shown(indicator, today=day_after)[1]
    row = StoredHistory.objects.get(indicator=indicator)
    assert row.valid_from == day_after and row.valid_until is None
    assert ">Pending<" in shown(indicator, today=on_the_day)[1]  # never read across it


def test_between_deadlines_spans_the_days_every_missing_figure_stays_as_judged():
    class Row:
        def __init__(self, pk, figure=None):
            self.period = Period(pk=pk)
            self.figure = figure

    deadlines = {
        1: datetime.date(2025, 5, 10),
        2: datetime.date(2025, 8, 10),
        3: datetime.date(2025, 11, 10),
        4: datetime.date(2026, 2, 10),
    }
    rows = [Row(4), Row(3), Row(2, figure=5), Row(1)]  # period 2 has its figure

    between = history._between_deadlines(rows, deadlines, datetime.date(2025, 9, 1))

    # Period 2's deadline is passed but its figure is in: it bounds nothing.
    assert between == (datetime.date(2025, 5, 11), datetime.date(2025, 11, 10))
    assert history._between_deadlines(rows[2:3], deadlines, datetime.date(2025, 9, 1)) == (
        None,
        None,
    )


def test_a_history_drawn_by_other_templates_or_code_is_not_used(measured, monkeypatch):
    shown(measured)
    monkeypatch.setattr(stored, "history_layout", lambda: 12345)

    assert not is_kept(measured)
    assert shown(measured) == afresh(measured)
    assert is_kept(measured)


def test_the_layout_follows_the_templates_that_draw_a_history(monkeypatch):
    before = stored.layout_of((), templates=stored.HISTORY_TEMPLATES)

    class Edited:
        def __init__(self, name):
            self.template = type("T", (), {"source": f"edited {name}"})()

    monkeypatch.setattr(stored, "get_template", Edited)
    assert stored.layout_of((), templates=stored.HISTORY_TEMPLATES) != before


def test_rebuild_forgets_kept_histories(measured):
    shown(measured)

    stored.rebuild([period(Q2)], today=TODAY)

    assert not StoredHistory.objects.exists()
    assert shown(measured) == afresh(measured)


def test_the_indicator_page_shows_the_kept_history(client, measured, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)
    client.force_login(UserFactory(roles=[Role.COUNCILLOR]))
    address = reverse("scorecards:indicator", args=[measured.code]) + f"?period={Q2}"
    first = client.get(address).content.decode()
    chart, table = afresh(measured)

    monkeypatch.setattr(history, "draw", None)  # drawn already: never called again
    page = client.get(address).content.decode()

    assert chart in page and table in page
    assert page.count("Every period") == first.count("Every period") == 2  # heading, label


def test_the_layout_follows_the_rules_that_judge_what_is_kept():
    from status import direction, rag

    by_name = stored.layout_of((), drawn_by=("status.rag",))

    assert by_name == stored.layout_of((), drawn_by=(rag,))  # named or imported: its source
    assert by_name != stored.layout_of((), drawn_by=(direction,))
    assert "scorecards.readings" in stored.JUDGED_BY and rag in stored.JUDGED_BY


def test_a_history_is_still_shown_when_it_cannot_be_kept(measured, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(StoredHistory.objects, "bulk_create", refused)

    assert shown(measured) == afresh(measured)
    assert not is_kept(measured)
