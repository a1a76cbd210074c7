"""The indicator page on the demo council: SPC readings pinned against the status package.

The demo has indicators with a deliberate step change in their series (demo.council
STEP_CHANGE_CODES) and others that are pure noise (STABLE_CODES). The page must show what the
status rules make of each indicator's signed-off series, worked out here independently, from the
Value rows, with status.spc. Loading the demo takes several seconds, so one test checks it all.
"""

import datetime
import html
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from demo.council import DEFINITION_CHANGES, LATEST_QUARTER_RETURNS, STABLE_CODES, STEP_CHANGE_CODES
from indicators.definitions import definition_in_force
from indicators.models import SIGNED_OFF_STATES, Frequency, Indicator, Period, Value
from organisation.models import User
from scorecards.tests.test_pages import QUERY_BASELINE
from status.numbers import format_value
from status.periods import Aggregation
from status.rag import Polarity
from status.spc import Variation, spc_reading

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime.date(2026, 11, 24)
QUARTER = "2026-27-Q2"  # the latest complete quarter on the demo's today


@pytest.fixture
def demo(monkeypatch):
    call_command("load_demo", "--today", DEMO_TODAY.isoformat(), verbosity=0)
    monkeypatch.setattr("scorecards.views.timezone.localdate", lambda: DEMO_TODAY)


def text(fragment: str) -> str:
    return " ".join(html.unescape(strip_tags(fragment)).split())


def summary_value(page: str, key: str) -> str:
    """The text of a row of the page's summary list, by its key."""
    found = re.search(
        rf'<dt class="govuk-summary-list__key">{re.escape(key)}</dt>'
        r'<dd class="govuk-summary-list__value">(.*?)</dd>',
        page,
        re.S,
    )
    assert found, key
    return text(found.group(1))


def table_rows(page: str, caption_start: str) -> list[list[str]]:
    """The body rows of the table whose caption starts with `caption_start`, as cell texts."""
    for table in re.findall(r"<table.*?</table>", page, re.S):
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, re.S)
        if caption and text(caption.group(1)).startswith(caption_start):
            body = re.search(r"<tbody[^>]*>(.*?)</tbody>", table, re.S).group(1)
            return [
                [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
            ]
    raise AssertionError(f"no table captioned {caption_start!r}")


def chart_caption(page: str) -> str:
    """The caption of the SPC chart's data table."""
    captions = [text(c) for c in re.findall(r"<caption[^>]*>(.*?)</caption>", page, re.S)]
    return next(c for c in captions if c.endswith(": the data"))


def signed_off_series(indicator: Indicator, span: Period) -> list[Value]:
    """The indicator's own signed-off values up to the end of the span, earliest first, as the
    status rules define the SPC series (a cumulative indicator: the same point in each year)."""
    values = list(
        Value.objects.filter(
            indicator=indicator,
            state__in=SIGNED_OFF_STATES,
            figure__isnull=False,
            period__kind=Frequency(indicator.frequency).period_kind,
            period__ends_on__lte=span.ends_on,
        )
        .select_related("period")
        .order_by("period__starts_on")
    )
    if indicator.aggregation == Aggregation.cumulative and values:
        month = values[-1].period.starts_on.month
        values = [v for v in values if v.period.starts_on.month == month]
    return values


def page_of(client, indicator: Indicator) -> str:
    response = client.get(reverse("scorecards:indicator", args=[indicator.code]))
    assert response.status_code == 200, indicator.code
    return response.content.decode()


# One test, because loading the demo council takes several seconds.
def test_the_indicator_page_shows_what_the_status_rules_make_of_the_demo(client, demo):
    client.force_login(User.objects.get(username="councillor"))
    span = Period.objects.get(code=QUARTER)

    # Step changes: the page's variation is what status.spc makes of the signed-off series, and
    # the rules find special cause in it.
    stepped = list(Indicator.objects.filter(code__in=STEP_CHANGE_CODES))
    stable = list(Indicator.objects.filter(code__in=STABLE_CODES))
    assert len(stepped) == len(STEP_CHANGE_CODES) and len(stable) == len(STABLE_CODES)
    for indicator in stepped:
        series = signed_off_series(indicator, span)
        assert indicator.spc_baseline_start_id is None  # each phase is its own baseline
        # Across the whole series the rules find the step …
        whole = spc_reading([v.figure for v in series], Polarity(indicator.polarity))
        assert whole.variation.label.startswith("Special cause"), indicator.code
        # … and the demo recalculates the limits from it: the page reads the new phase.
        (point,) = indicator.spc_recalculations.all()
        cut = next(i for i, v in enumerate(series) if v.period.starts_on >= point.period.starts_on)
        expected = spc_reading([v.figure for v in series], Polarity(indicator.polarity), cuts=[cut])
        special = [
            v.period.label
            for phase in expected.phases
            for v, p in zip(series[phase.start :], phase.chart.points, strict=False)
            if p.special_cause
        ]

        page = page_of(client, indicator)

        assert summary_value(page, "Variation (SPC)") == expected.variation.label, indicator.code
        assert f"Limits recalculated from {point.period.label}: {point.reason}" in page
        if 'class="gt-chart"' in page:  # the SPC chart, with its data as a table
            rows = table_rows(page, chart_caption(page))
            assert [row[0] for row in rows] == [v.period.label for v in series], indicator.code
            assert rows[cut][2].startswith("Phase 2, from "), indicator.code
            flagged = [row[0] for row in rows if row[3] != "None (common cause)"]
            assert flagged == special, indicator.code

    # Pure noise: common cause.
    for indicator in stable:
        series = signed_off_series(indicator, span)
        assert len(series) >= 12, indicator.code
        assert spc_reading([v.figure for v in series], Polarity(indicator.polarity)).variation is (
            Variation.common_cause
        )
        page = page_of(client, indicator)
        assert summary_value(page, "Variation (SPC)") == "Common cause", indicator.code

    # Every period: one row per period of the indicator's own up to the quarter, latest first;
    # a figure in exactly the rows whose period has a signed-off value, as its definition then
    # showed it. A figure awaiting sign-off (HOU-03's latest quarter) is not one of them.
    assert LATEST_QUARTER_RETURNS["HOU-03"].state == "submitted"
    for code in ["BEN-01", "HOU-03", "WST-01", "LIB-02"]:
        indicator = Indicator.objects.get(code=code)
        versions = list(indicator.versions.all())
        own = list(
            Period.objects.filter(
                kind=Frequency(indicator.frequency).period_kind, ends_on__lte=span.ends_on
            ).order_by("-starts_on")
        )
        signed_off = {
            v.period_id: v
            for v in Value.objects.filter(
                indicator=indicator, state__in=SIGNED_OFF_STATES, figure__isnull=False
            )
        }
        rows = table_rows(page_of(client, indicator), f"{indicator.title}: value, target")

        assert [row[0] for row in rows] == [p.label for p in own], code
        shown = {row[0]: row[1] for row in rows if row[1] != "–"}
        expected = {}
        for period in own:
            if period.pk in signed_off:
                definition = definition_in_force(indicator, period.starts_on, versions) or indicator
                figure = signed_off[period.pk].figure
                expected[period.label] = format_value(figure, definition.precision, definition.unit)
        assert shown == expected, code
        assert len(shown) >= 12, code
    held_back = Value.objects.get(indicator__code="HOU-03", period=span)
    assert held_back.state == "submitted"
    hou = Indicator.objects.get(code="HOU-03")
    hou_rows = table_rows(page_of(client, hou), f"{hou.title}: value, target")
    assert hou_rows[0][:2] == [span.label, "–"]

    # A changed definition: every version is listed, latest first, with why it changed.
    for change in DEFINITION_CHANGES:
        indicator = Indicator.objects.get(code=change.code)
        versions = list(indicator.versions.order_by("-number"))
        assert len(versions) >= 2, change.code
        rows = table_rows(page_of(client, indicator), "Every version of the definition")
        assert [row[0] for row in rows] == [str(v.number) for v in versions], change.code
        assert rows[0][3] == change.reason, change.code
        assert [row[1] for row in rows] == [
            f"{v.effective_from.day} {v.effective_from:%B %Y}" for v in versions
        ], change.code

    # Bounded: a monthly indicator's page costs the same queries as a quarterly one's, however
    # long its history. (Compared on indicators with no risk, project or action linked: each of
    # those panels reads a fixed number of queries more when it has rows, as its own tests pin.)
    counts = {}
    unlinked = Indicator.objects.filter(risks=None, projects=None, improvement_actions=None)
    for frequency in (Frequency.MONTHLY, Frequency.QUARTERLY):
        indicator = (
            unlinked.filter(frequency=frequency, code__in=STEP_CHANGE_CODES).first()
            or unlinked.filter(frequency=frequency).first()
        )
        page_of(client, indicator)  # counted once its readings are kept
        with CaptureQueriesContext(connection) as queries:
            page_of(client, indicator)
        counts[frequency] = len(queries)
    assert counts[Frequency.MONTHLY] == counts[Frequency.QUARTERLY], counts
    assert counts[Frequency.MONTHLY] == QUERY_BASELINE["indicator_page"], counts
