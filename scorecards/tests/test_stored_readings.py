"""Kept readings: the same as the rules make them, and never kept past a change.

`scorecards.stored` keeps each reading the first time it is judged for a period. These tests
change every kind of input a reading is made of, after it was kept, and check that what a
scorecard reads afterwards equals a reading judged afresh from the rules.
"""

import datetime
import io
import pickle
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarking.kept import latest_positions
from benchmarking.models import BenchmarkLink, KeptPositions
from benchmarking.positions import group_figures, links_positions
from indicators.definitions import revise_definition
from indicators.models import Period, SpcRecalculation, Target, Value
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from indicators.workflow import approve_value, revise_value
from organisation.models import Council
from organisation.tests.factories import CouncilFactory
from scorecards import stored
from scorecards.models import ReadingGeneration, StoredReading
from scorecards.queries import every_indicator
from scorecards.readings import in_force, read_afresh, read_indicators
from scorecards.templatetags.scorecard_tags import sparkline_svg
from scorecards.tests.builders import Returns
from scorecards.trends import trend_svg
from status.periods import PeriodKind
from status.rag import Polarity, Rag
from status.spc import SpcReading

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 11, 24)
QUARTERS = [f"{y}-{str(y + 1)[2:]}-Q{q}" for y in (2022, 2023, 2024, 2025) for q in (1, 2, 3, 4)]
Q2 = "2025-26-Q2"


@pytest.fixture
def council():
    ensure_periods(first_year=2022, last_year=2026)
    return CouncilFactory()


@pytest.fixture
def returns():
    return Returns()


@pytest.fixture
def measured(council, returns):
    """An indicator with fourteen quarters signed off and a target for the latest."""
    indicator = IndicatorFactory(code="KEPT-01")
    figures = ["50", "54", "51", "53", "50", "55", "51", "53", "54", "50", "53", "51", "55", "52"]
    for code, figure in zip(QUARTERS, figures, strict=False):
        returns.signed_off(indicator, code, figure)
    Target.objects.create(indicator=indicator, period=period(Q2), value=Decimal("53"))
    return indicator


def period(code):
    return Period.objects.get(code=code)


def read(indicator, code=Q2, today=TODAY):
    fresh = type(indicator).objects.get(pk=indicator.pk)  # as a page would load it
    return read_indicators([fresh], period(code), today=today, council=Council.objects.get())[
        fresh.pk
    ]


def afresh(indicator, code=Q2, today=TODAY):
    fresh = type(indicator).objects.get(pk=indicator.pk)
    return read_afresh([fresh], period(code), today=today, council=Council.objects.get())[fresh.pk]


def is_kept(indicator, code=Q2, today=TODAY):
    return indicator.pk in stored.kept_for([indicator.pk], period(code), today=today)


def test_a_reading_is_kept_the_first_time_and_read_back_the_same(measured):
    assert not is_kept(measured)
    first = read(measured)

    assert is_kept(measured)
    assert read(measured) == first == afresh(measured)
    assert first.spc.chart is not None and len(first.series) == 14


def test_a_kept_reading_read_back_pickles_as_the_reading_it_is(measured):
    """Read back, a reading's SPC charts and series are unpickled only when drawn; copied
    (a cache, a worker), it is the plain reading the rules make."""
    read(measured)
    kept = read(measured)
    assert isinstance(kept.spc, stored.KeptSpc) and isinstance(kept.series, stored.KeptSeries)

    copied = pickle.loads(pickle.dumps(kept))
    assert type(copied.spc) is SpcReading and type(copied.series) is tuple
    assert copied == kept == afresh(measured)
    assert copied.spc.variation == kept.spc.variation and kept.series[-1] == copied.series[-1]


def test_a_kept_reading_carries_its_trend_drawn_once(measured):
    """A scorecard row's sparkline is drawn when the reading is judged and kept with it: read
    back, the page draws it from what was kept, unpickling no chart and no series."""
    first = read(measured)
    assert first.trend is None  # judged now: the page draws it
    kept = read(measured)
    assert kept.trend == trend_svg(first) and "<svg" in kept.trend and "Trend: " in kept.trend

    shown = sparkline_svg(kept)
    assert shown == kept.trend and kept.spc._drawing._spc is None  # nothing unpickled


def test_a_retitled_indicator_s_trend_is_drawn_again(measured, returns):
    read(measured)
    revise_definition(
        indicator=measured,
        changes={"title": "Households kept warm"},
        effective_from=datetime.date(2025, 7, 1),
        reason="Plainer title",
    )
    assert not is_kept(measured)
    assert read(measured).definition.title == "Households kept warm"
    assert "Trend: Households kept warm" in read(measured).trend


def test_a_kept_reading_reads_fewer_queries_and_none_of_the_history(measured):
    read(measured)
    span, council = period(Q2), Council.objects.get()
    with CaptureQueriesContext(connection) as queries:
        read_indicators([measured], span, today=TODAY, council=council)

    tables = " ".join(q["sql"] for q in queries)
    assert "indicators_target" not in tables  # judged already: no targets, no series read
    assert "indicators_reportingcycle" not in tables
    assert len(queries) == 5  # kept rows, periods, versions, the span's values, recalculations


# Every kind of change to what a reading is made of, each done after the reading was kept.
def sign_off_a_new_figure(indicator, returns):
    """A signed-off figure revised with a reason, and signed off again."""
    value = Value.objects.get(indicator=indicator, period__code=Q2)
    revised = revise_value(
        value=value, entries={"figure": Decimal("70")}, by=returns.officer, reason="Recounted"
    )
    approve_value(value=revised, by=returns.approver)


def revise_an_earlier_figure(indicator, returns):
    value = Value.objects.get(indicator=indicator, period__code=QUARTERS[0])
    revised = revise_value(
        value=value, entries={"figure": Decimal("90")}, by=returns.officer, reason="Recounted"
    )
    approve_value(value=revised, by=returns.approver)


def reopen_a_figure(indicator, returns):
    """A figure revised and waiting for sign-off again: out of every reading meanwhile."""
    value = Value.objects.get(indicator=indicator, period__code=Q2)
    revise_value(
        value=value, entries={"figure": Decimal("70")}, by=returns.officer, reason="Recounted"
    )


def change_the_target(indicator, returns):
    found = Target.objects.get(indicator=indicator, period__code=Q2)
    found.value = Decimal("60")
    found.save()


def new_definition_version(indicator, returns):
    revise_definition(
        indicator=indicator,
        changes={"polarity": Polarity.lower_is_better, "precision": 2},
        effective_from=datetime.date(2025, 7, 1),
        reason="Turned round",
    )


def change_the_indicator(indicator, returns):
    indicator.spc_baseline_start = period(QUARTERS[0])
    indicator.spc_baseline_end = period(QUARTERS[11])
    indicator.precision = 3
    indicator.save()


def recalculate_spc(indicator, returns):
    SpcRecalculation.objects.create(
        indicator=indicator,
        period=period(QUARTERS[6]),
        reason="New contract",
        set_at=timezone.now(),
    )


def change_the_council_s_tolerance(indicator, returns):
    council = Council.objects.get()
    council.default_tolerance_percent = Decimal("1")  # 52 against 53: Amber, now Red
    council.save()


CHANGES = [
    sign_off_a_new_figure,
    revise_an_earlier_figure,
    reopen_a_figure,
    change_the_target,
    new_definition_version,
    change_the_indicator,
    recalculate_spc,
    change_the_council_s_tolerance,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_no_kept_reading_outlives_a_change(measured, returns, change):
    before = read(measured)
    assert is_kept(measured)

    change(measured, returns)

    after = read(measured)
    assert after == afresh(measured)
    assert after != before, "the change should change the reading"
    assert is_kept(measured)  # kept again, as judged now
    assert read(measured).trend == trend_svg(afresh(measured))  # its trend drawn again


def test_a_reading_without_its_figure_turns_missing_the_day_after_the_deadline(council):
    indicator = IndicatorFactory()
    ReportingCycleFactory(period=period(Q2), data_entry_deadline=datetime.date(2025, 11, 20))

    assert read(indicator, today=datetime.date(2025, 11, 20)).rag is Rag.pending
    assert read(indicator, today=datetime.date(2025, 11, 21)).rag is Rag.missing
    assert read(indicator, today=datetime.date(2025, 11, 20)).rag is Rag.pending


def test_a_changed_deadline_is_read_at_once(council):
    indicator = IndicatorFactory()
    cycle = ReportingCycleFactory(
        period=period(Q2), data_entry_deadline=datetime.date(2025, 11, 30)
    )
    assert read(indicator).rag is Rag.pending

    cycle.data_entry_deadline = datetime.date(2025, 11, 10)
    cycle.save()

    assert read(indicator).rag is Rag.missing


def test_a_reading_judged_while_a_change_commits_is_never_used(measured, returns):
    """The generation is read before the inputs: a reading judged from inputs older than a
    change is kept under the generation before it, and passed over."""
    span = period(Q2)
    old_generation = stored.generations([measured.pk])
    old_calendar = stored.calendar_generation()
    old = read_afresh([measured], span, today=TODAY, council=Council.objects.get())

    sign_off_a_new_figure(measured, returns)  # commits between the judging and the keeping
    stored.keep(
        old, span, generation=old_generation, calendar=old_calendar, deadlines={}, today=TODAY
    )

    assert not is_kept(measured)
    assert read(measured).figure == Decimal("70")


def test_a_reading_is_kept_as_judged_from_its_inputs_read_after_the_generations(measured):
    """A page reads the council and its indicators before anything is judged. A change that
    commits in between is not judged from the page's older copies and kept as current: every
    input is read again after the generations."""
    page_council = Council.objects.get()
    page_indicator = type(measured).objects.get(pk=measured.pk)
    change_the_council_s_tolerance(measured, None)  # commits after the page read it

    shown = read_indicators([page_indicator], period(Q2), today=TODAY, council=page_council)

    assert is_kept(measured)
    assert shown[measured.pk] == afresh(measured)
    assert shown[measured.pk].rag is Rag.red  # 52 against 53 with 1 % tolerance
    assert read(measured) == afresh(measured)


def test_a_reading_kept_in_another_layout_is_not_used(measured, monkeypatch):
    read(measured)
    monkeypatch.setattr(stored, "LAYOUT", stored.LAYOUT + 1)

    assert not is_kept(measured)
    assert read(measured) == afresh(measured)
    assert is_kept(measured)


def test_proposed_figures_are_judged_and_never_kept(measured):
    span = period(Q2)
    council = Council.objects.get()
    proposed = read_indicators(
        [measured], span, today=TODAY, council=council, proposed={measured.pk: Decimal("10")}
    )[measured.pk]

    assert proposed.figure == Decimal("10")
    assert not StoredReading.objects.filter(indicator=measured).exists()


def test_the_worker_judges_again_what_a_change_left_behind(
    measured, django_capture_on_commit_callbacks
):
    read(measured)
    with django_capture_on_commit_callbacks(execute=True):
        change_the_target(measured, None)

    # The tasks worker (immediate in tests) has judged the reading again: kept and current.
    assert is_kept(measured)
    row = StoredReading.objects.get(indicator=measured, period__code=Q2)
    assert row.generation == stored.generations([measured.pk])[measured.pk]
    assert read(measured) == afresh(measured)


def test_a_page_still_shows_readings_when_they_cannot_be_kept(measured, monkeypatch):
    def refused(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("database is locked")

    monkeypatch.setattr(StoredReading.objects, "bulk_create", refused)

    assert read(measured) == afresh(measured)
    assert not is_kept(measured)


def test_every_kept_demo_reading_equals_the_rules(monkeypatch):
    """Acceptance: rebuild every reading of the demo council for every ended quarter, then
    check each one kept against a reading judged afresh from the rules."""
    demo_today = datetime.date(2026, 11, 20)
    call_command("load_demo", "--today", demo_today.isoformat(), verbosity=0)
    monkeypatch.setattr(timezone, "localdate", lambda: demo_today)
    call_command("rebuild_readings", verbosity=0)

    council = Council.objects.get()
    quarters = list(
        Period.objects.filter(kind=PeriodKind.quarter, ends_on__lt=demo_today).order_by("starts_on")
    )
    assert len(quarters) >= 8
    compared = 0
    for quarter in quarters:
        found = in_force(every_indicator(), quarter)
        ids = [i.pk for i in found.indicators]
        assert set(stored.kept_for(ids, quarter, today=demo_today)) == set(ids), quarter
        kept = read_indicators(
            found.indicators, quarter, today=demo_today, council=council, in_force=found
        )
        judged = read_afresh(
            found.indicators, quarter, today=demo_today, council=council, in_force=found
        )
        for pk, reading in judged.items():
            assert kept[pk] == reading, (quarter.code, reading.indicator.code)
            assert kept[pk].trend == trend_svg(reading), (quarter.code, reading.indicator.code)
        compared += len(judged)
    assert compared == StoredReading.objects.count()
    assert compared > 1000

    # And every benchmark link's kept positions, against those worked out afresh.
    links = list(BenchmarkLink.objects.select_related("metric", "group", "indicator"))
    assert links and KeptPositions.objects.count() == len(links)
    kept_positions = latest_positions(links, council=council)
    by_pk = {link.pk: link for link in links}
    for link_pk, positions in links_positions(links, council=council).items():
        assert kept_positions[link_pk] == [replace(p, group_values={}) for p in positions]
        # The indicator page reads a kept position's group figures again: the same ones.
        for kept_position, position in zip(kept_positions[link_pk], positions, strict=True):
            figures = group_figures(by_pk[link_pk], kept_position, council=council)
            assert figures == position.group_values, (link_pk, position.period)


def test_rebuild_readings_judges_the_latest_quarters_again(measured, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)
    read(measured, code=QUARTERS[0])  # an old quarter, kept before the rebuild
    out = io.StringIO()

    call_command("rebuild_readings", "--quarters", "2", stdout=out)

    assert "Judged 2 readings for 2 quarters." in out.getvalue()
    assert not is_kept(measured, code=QUARTERS[0])  # forgotten
    assert is_kept(measured, code="2025-26-Q1") and is_kept(measured)


def test_a_change_that_bypasses_the_models_still_leaves_no_kept_reading(measured):
    """The database moves the generation on itself: a queryset update, or plain SQL, that no
    signal hears is caught as surely as a save."""
    read(measured)
    Target.objects.filter(indicator=measured).update(value=Decimal("40"))
    assert not is_kept(measured)
    assert read(measured).rag is Rag.green  # 52 against 40
    assert read(measured) == afresh(measured)

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE indicators_value SET figure = %s WHERE indicator_id = %s AND period_id = %s",
            [Decimal("30"), measured.pk, period(Q2).pk],
        )
    assert not is_kept(measured)
    assert read(measured).figure == Decimal("30")


def test_a_deadline_period_or_rule_change_writes_one_row_not_every_indicator_s(measured, council):
    """Such changes move the calendar generation every reading shares: no indicator's
    generation row is written (or, on PostgreSQL, locked until the change commits)."""
    read(measured)
    before = dict(ReadingGeneration.objects.values_list("indicator_id", "number"))
    calendar = stored.calendar_generation()

    ReportingCycleFactory(period=period("2025-26-Q3"))
    council.default_tolerance_percent = Decimal("2")
    council.save()
    Period.objects.filter(code=QUARTERS[0]).update(label="Q1 2022/23 (restated)")

    assert dict(ReadingGeneration.objects.values_list("indicator_id", "number")) == before
    assert stored.calendar_generation() == calendar + 3
    assert not is_kept(measured)
    assert read(measured) == afresh(measured)


def test_figures_not_yet_signed_off_leave_kept_readings_alone(measured, returns):
    """Readings are made of signed-off figures only: a draft, saved again and submitted for
    the next quarter changes none of them, so nothing kept is judged again for it."""
    read(measured)
    before = stored.generations([measured.pk])

    draft = returns.draft(measured, "2025-26-Q3", "61")
    draft.figure = Decimal("62")
    draft.save()
    returns.submitted(measured, "2025-26-Q4", "63")

    assert stored.generations([measured.pk]) == before
    assert is_kept(measured)
    assert read(measured) == afresh(measured)


def test_a_new_deadline_for_any_period_leaves_no_reading_kept(measured, council):
    read(measured)
    ReportingCycleFactory(period=period("2025-26-Q3"))

    assert not is_kept(measured)
