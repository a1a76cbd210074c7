"""The directorate scorecard's Finance panel and the report's Finance appendix: signed-off
forecasts only, money in whole pounds, status and direction in words."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from finance.appendices import HEADERS, finance_appendix
from finance.panels import finance_panel
from finance.tests.conftest import signed_off
from finance.workflow import record_forecast
from reports.appendices import REPORT_APPENDICES, AppendixRequest
from reports.building import build_content
from reports.models import Report, ReportKind
from scorecards.panels import DIRECTORATE_PANELS
from strategy.tests.factories import CommitteeFactory

pytestmark = pytest.mark.django_db


def test_both_are_registered_in_their_slots():
    assert finance_panel in DIRECTORATE_PANELS
    assert finance_appendix in REPORT_APPENDICES


def test_the_panel_shows_signed_off_forecasts_as_words_and_pounds(council):
    signed_off(council, "waste", "2026-27-Q1", "4100000")
    signed_off(council, "waste", "2026-27-Q2", "4300000", "Haulage costs")
    signed_off(council, "parks", "2026-27-Q2", "940000")
    record_forecast(
        line=council.lines["place"],
        period=council.period("2026-27-Q2"),
        entries={"forecast_outturn": D("12345678")},
        by=council.person("partner"),
    )
    panel = finance_panel(council.place, council.period("2026-27-Q2"))
    assert panel.title == "Finance" and panel.anchor == "finance"
    html = render_to_string(panel.template, {"panel": panel})
    waste = html[html.index('id="finance-waste"') :]
    waste = waste[: waste.index("</tr>")]
    for shown in ("£4,000,000", "£4,300,000", "£300,000 over", "7.5%", "Over budget (red)"):
        assert shown in waste
    assert "Worsening" in waste
    parks = html[html.index('id="finance-parks"') :]
    parks = parks[: parks.index("</tr>")]
    assert "£60,000 under" in parks and "\u22126.0%" in parks
    assert "On budget" in parks and "Significant underspend" in parks
    assert "No earlier forecast" in parks
    assert "Haulage costs" in html
    assert "12,345,678" not in html  # a draft never shows


def test_no_panel_without_budgets(council):
    assert finance_panel(council.place, council.period("2025-26-Q2")) is None


def test_the_appendix_has_a_table_per_remit_directorate(council):
    signed_off(council, "libraries", "2026-27-Q2", "2100000", "Roof repairs")
    q2 = council.period("2026-27-Q2")
    appendix = finance_appendix(
        AppendixRequest(
            committee=None,
            period=q2,
            unit_ids=frozenset({council.people.pk}),
            indicator_codes=frozenset(),
        )
    )
    assert appendix.title == "Finance"
    assert "2026/27" in appendix.introduction and "Q2 2026/27" in appendix.introduction
    [table] = appendix.tables
    assert table.caption == "People, Q2 2026/27"
    assert table.headers == HEADERS
    assert table.rows == [
        [
            "People",
            "£8,000,000",
            "No signed-off forecast",
            "",
            "",
            "No signed-off forecast",
            "",
            "",
        ],
        [
            "Libraries",
            "£2,000,000",
            "£2,100,000",
            "£100,000 over",
            "5.0%",
            "Over budget (amber)",
            "No earlier forecast",
            "Roof repairs",
        ],
    ]


def test_the_whole_council_has_every_directorate(council):
    appendix = finance_appendix(
        AppendixRequest(
            committee=None,
            period=council.period("2026-27-Q2"),
            unit_ids=frozenset(),
            indicator_codes=frozenset(),
        )
    )
    assert [t.caption for t in appendix.tables] == ["Place, Q2 2026/27", "People, Q2 2026/27"]
    assert [row[0] for row in appendix.tables[0].rows] == ["Place", "Waste and Recycling", "Parks"]


def test_a_committee_report_carries_the_appendix_for_its_remit(council):
    signed_off(council, "libraries", "2026-27-Q2", "2100000")
    committee = CommitteeFactory(name="People Scrutiny Committee")
    committee.remit_units.add(council.people)
    report = Report.objects.create(
        kind=ReportKind.COMMITTEE,
        title="Quarterly performance report",
        committee=committee,
        period=council.period("2026-27-Q2"),
        created_at=timezone.now(),
        edited_at=timezone.now(),
    )
    content = build_content(report, today=datetime.date(2026, 10, 16))
    [appendix] = [a for a in content.appendices if a.title == "Finance"]
    assert [t.caption for t in appendix.tables] == ["People, Q2 2026/27"]
    libraries = appendix.tables[0].rows[1]
    assert libraries[:4] == ["Libraries", "£2,000,000", "£2,100,000", "£100,000 over"]
