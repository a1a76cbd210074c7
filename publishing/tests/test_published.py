"""The read model behind every public page: released snapshots only, merged by period."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from publishing.published import Publication, report_sections
from publishing.tests.conftest import AFTER, BEFORE, EMBARGOED_CODE, LATER, Q1, Q2, at
from reports.models import Report

pytestmark = pytest.mark.django_db


def test_only_released_periods_and_indicators_are_known(published):
    before, after = Publication(BEFORE), Publication(AFTER)
    assert [p.code for p in before.periods()] == [Q1]
    assert [p.code for p in after.periods()] == [Q2, Q1]
    assert before.scorecard(Q2) is None
    assert before.indicator(EMBARGOED_CODE) is None
    assert after.indicator(EMBARGOED_CODE).latest.period.code == Q2
    assert before.report(published.embargoed.pk) is None


def test_a_quarter_merges_its_reports_the_latest_approval_winning(published):
    # A second report on Q1, approved later (when SEC-01 has no Q1 figure): each indicator
    # appears once, from the later report.
    with at(datetime.datetime(2026, 9, 10, 9, tzinfo=datetime.UTC)):
        later = published.report(title="Q1 report for Cabinet", meeting=None)
    publication = Publication(BEFORE)
    scorecard = publication.scorecard(Q1)
    assert [r.pk for r in scorecard.reports] == [later.pk, published.released.pk]
    assert [r.code for r in scorecard.rows] == ["LIB-01", "RCY-01", "SEC-01"]
    assert {r.report.pk for r in scorecard.rows} == {later.pk}
    assert [s.code for s in scorecard.sections] == ["greener", "homes"]
    assert [r.code for r in scorecard.section("greener").rows] == ["RCY-01", "SEC-01"]
    assert scorecard.counts.total == 3
    assert (scorecard.counts.green, scorecard.counts.red) == (1, 1)


def test_an_indicator_reads_every_released_period_latest_first(published):
    found = Publication(LATER).indicator("RCY-01")
    assert [r.period.code for r in found.readings] == [Q2, Q1]
    assert found.latest.period.code == Q2
    assert found.latest.row.chart() is not None
    assert found.ambitions == [("greener", "A greener Testshire")]


def test_snapshots_are_read_once_then_come_from_the_cache(published):
    Publication(AFTER).scorecard(Q2)
    with CaptureQueriesContext(connection) as queries:
        Publication(AFTER).scorecard(Q2)
    # The released reports (without their snapshots), the ambitions (with their plans) and
    # their outcomes; no snapshot read.
    assert len(queries.captured_queries) == 3
    assert not any('."snapshot" FROM' in q["sql"] for q in queries.captured_queries)


def test_a_replaced_snapshot_is_not_served_from_the_cache(published):
    before = Publication(AFTER).report(published.released.pk).content.title
    snapshot = dict(published.released.snapshot, title="Corrected title")
    Report.objects.filter(pk=published.released.pk).update(
        snapshot=snapshot, snapshot_hash="f" * 64
    )
    after = Publication(AFTER).report(published.released.pk).content.title
    assert (before, after) == (published.released.title, "Corrected title")


def test_the_fingerprint_changes_when_anything_public_changes(published):
    assert Publication(BEFORE).fingerprint() == Publication(BEFORE).fingerprint()
    assert Publication(BEFORE).fingerprint() != Publication(AFTER).fingerprint()
    assert Publication(timezone.now()).last_modified() is not None


def test_a_report_charts_each_indicator_of_concern_once(published):
    content = Publication(AFTER).report(published.embargoed.pk).content
    content.exceptions.concerning = ["RCY-01"]
    sections = report_sections(content)
    assert [s.section.title for s in sections] == ["A greener Testshire", "Thriving communities"]
    charts = [chart.title for s in sections for chart in s.charts]
    assert charts == ["Household waste recycled: statistical process control chart"]
    assert sections[0].counts.total == 2
