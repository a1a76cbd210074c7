"""A small council with one published report and one still under embargo.

Testshire's Strategy and Resources Committee receives the whole balanced scorecard. Its
meeting on 1 September 2026 received the Q1 2026/27 report; its meeting at 6pm (UTC) on
24 November 2026 receives the Q2 report, approved on 20 November and embargoed until then.

| indicator | ambition    | Q1 2026/27 (published) | Q2 2026/27 (embargoed)          |
| --------- | ----------- | ---------------------- | ------------------------------- |
| RCY-01    | greener     | 41.238 (41.2%)         | 73.917 (73.9%)                  |
| LIB-01    | homes       | 12.5                   | 12.9                            |
| SEC-01    | greener     | (did not yet exist)    | 88.846 (88.8%), only in Q2      |

So before 6pm on 24 November nothing may show RCY-01's Q2 figure, SEC-01, its title or the
Q2 report's title; from 6pm all of them appear. Each report has a PDF made.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from indicators.models import IndicatorSet, Period, Target, Value
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory
from indicators.workflow import approve_value, revise_value
from organisation.models import Role, User
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from reports.models import OutputState, Report, ReportOutput
from reports.reporting import approve_report, create_report, save_report, seen_now
from scorecards.tests.builders import Returns
from strategy.models import Committee, Meeting
from strategy.tests.factories import (
    AmbitionFactory,
    CommitteeFactory,
    MeetingFactory,
    OutcomeFactory,
)

UTC = datetime.UTC
Q1, Q2 = "2026-27-Q1", "2026-27-Q2"
Q1_MEETING = datetime.datetime(2026, 9, 1, 18, 0, tzinfo=UTC)
Q2_MEETING = datetime.datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
BEFORE = Q2_MEETING - datetime.timedelta(seconds=1)
AFTER = Q2_MEETING
LATER = Q2_MEETING + datetime.timedelta(days=2)

PUBLISHED_TITLE = "Quarterly performance report: Q1 2026/27"
PUBLISHED_FIGURE = "41.238"
PUBLISHED_SHOWN = "41.2%"
EMBARGOED_TITLE = "Quarterly performance report: Q2 2026/27"
EMBARGOED_FIGURE = "73.917"  # RCY-01's Q2 figure, shown as 73.9%
EMBARGOED_SHOWN = "73.9%"
EMBARGOED_CODE = "SEC-01"
EMBARGOED_INDICATOR = "Bulky waste collected on the day booked"
EMBARGOED_ONLY_FIGURE = "88.846"  # SEC-01's, shown as 88.8%
EMBARGOED_ONLY_SHOWN = "88.8%"

# What no public address may show while the Q2 report is under embargo.
EMBARGOED = (
    EMBARGOED_TITLE,
    EMBARGOED_FIGURE,
    EMBARGOED_SHOWN,
    EMBARGOED_CODE,
    EMBARGOED_INDICATOR,
    EMBARGOED_ONLY_FIGURE,
    EMBARGOED_ONLY_SHOWN,
)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def at(moment: datetime.datetime):
    """Stop the clock at `moment` (UTC) while the block runs."""
    return time_machine.travel(moment, tick=False)


@dataclass
class Published:
    committee: Committee
    q1_meeting: Meeting
    q2_meeting: Meeting
    released: Report  # Q1, received on 1 September
    embargoed: Report  # Q2, approved, its meeting at 6pm on 24 November
    performance: User
    director: User
    returns: Returns

    def report(
        self,
        *,
        title,
        period_code=Q1,
        meeting=None,
        kind="committee",
        approve=True,
        publish_after=None,
    ):
        """Another report for the committee, approved now unless told not to."""
        kind_of_period = "quarter" if "-Q" in period_code else "financial_year"
        period = Period.objects.get(code=period_code, kind=kind_of_period)
        report = create_report(
            by=self.performance,
            kind=kind,
            period=period,
            title=title,
            committee=self.committee if kind == "committee" else None,
            meeting=meeting,
        )
        report = save_report(
            report,
            by=self.performance,
            lock_version=report.lock_version,
            purpose="To report the council's performance.",
            going_well="Recycling is up.",
            publish_after=publish_after,
        )
        if not approve:
            return report
        return approve_report(report, by=self.director, seen=seen_now(report), make_files=False)


def made_file(report: Report, output_format: str = "pdf", body: bytes | None = None):
    """The report's file, as the tasks worker leaves it once made from the approved content."""
    now = timezone.now()
    output = ReportOutput.objects.create(
        report=report,
        format=output_format,
        state=OutputState.DONE,
        content_hash=report.snapshot_hash,
        is_draft=False,
        requested_at=now,
        finished_at=now,
    )
    body = body or f"%PDF-1.7 {report.title}".encode()
    output.file.save(f"report-{report.pk}.{output_format}", ContentFile(body))
    output.size = len(body)
    output.save()
    return output


@pytest.fixture
def published(db) -> Published:
    with at(datetime.datetime(2026, 8, 1, 9, tzinfo=UTC)):
        ensure_periods(first_year=2025, last_year=2026)
        council = CouncilFactory(name="Testshire Council")
        place = DirectorateFactory(council=council, code="place", name="Place")
        waste = OrgUnitFactory(council=council, parent=place, code="waste", name="Waste")
        libraries = OrgUnitFactory(council=council, parent=place, code="libs", name="Libraries")
        IndicatorSet.objects.get_or_create(code="strategic", defaults={"name": "Strategic"})
        greener = AmbitionFactory(code="greener", title="A greener Testshire", order=1)
        homes = AmbitionFactory(code="homes", title="Thriving communities", order=2)
        less_waste = OutcomeFactory(ambition=greener, code="less-waste", title="Less waste")
        reading = OutcomeFactory(ambition=homes, code="reading", title="More reading")
        committee = CommitteeFactory(
            code="resources",
            name="Strategy and Resources Committee",
            receives_full_scorecard=True,
        )
        q1_meeting = MeetingFactory(committee=committee, starts_at=Q1_MEETING)
        q2_meeting = MeetingFactory(committee=committee, starts_at=Q2_MEETING)
        performance = UserFactory(username="perf", roles=[Role.PERFORMANCE_TEAM])
        director = UserFactory(username="dir", roles=[Role.DIRECTOR], units=[place])
        returns = Returns()

        recycled = IndicatorFactory(
            code="RCY-01",
            title="Household waste recycled",
            owner=waste,
            in_sets=["strategic"],
            outcomes=[less_waste],
            definition="Household waste sent for reuse, recycling or composting",
            source="Waste data return to the government",
        )
        visits = IndicatorFactory(
            code="LIB-01",
            title="Library visits per resident",
            owner=libraries,
            in_sets=["strategic"],
            outcomes=[reading],
        )
        for made, value in ((recycled, "45"), (visits, "10")):
            for code in ("2025-26-Q4", Q1, Q2):
                Target.objects.create(
                    indicator=made, period=Period.objects.get(code=code), value=Decimal(value)
                )
        returns.series(
            recycled, ["2025-26-Q3", "2025-26-Q4", Q1], ["39.0", "40.0", PUBLISHED_FIGURE]
        )
        returns.series(visits, ["2025-26-Q3", "2025-26-Q4", Q1], ["11.0", "11.5", "12.5"])

    state = Published(
        committee=committee,
        q1_meeting=q1_meeting,
        q2_meeting=q2_meeting,
        released=None,
        embargoed=None,
        performance=performance,
        director=director,
        returns=returns,
    )
    with at(datetime.datetime(2026, 8, 20, 10, tzinfo=UTC)):
        state.released = state.report(title=PUBLISHED_TITLE, meeting=q1_meeting)
        made_file(state.released)

    with at(datetime.datetime(2026, 11, 10, 10, tzinfo=UTC)):
        returns.signed_off(recycled, Q2, EMBARGOED_FIGURE)
        returns.signed_off(visits, Q2, "12.9")
        secret = IndicatorFactory(
            code=EMBARGOED_CODE,
            title=EMBARGOED_INDICATOR,
            owner=waste,
            in_sets=["strategic"],
            outcomes=[less_waste],
        )
        returns.signed_off(secret, Q2, EMBARGOED_ONLY_FIGURE)
    with at(datetime.datetime(2026, 11, 20, 10, tzinfo=UTC)):
        state.embargoed = state.report(title=EMBARGOED_TITLE, period_code=Q2, meeting=q2_meeting)
        made_file(state.embargoed)
    return state


REVISED_TITLE = "Quarterly performance report: Q2 2026/27 (revised)"


@pytest.fixture
def provisional(published) -> Report:
    """After the Q2 meeting LIB-01's Q2 figure (12.9) is marked provisional and a revised Q2
    report approved, released at once; then the figure is made final, after approval."""
    visits = Value.objects.get(indicator__code="LIB-01", period__code=Q2)
    returns = published.returns
    with at(datetime.datetime(2026, 11, 25, 9, tzinfo=UTC)):
        visits = revise_value(
            value=visits,
            entries={"data_quality": "provisional"},
            by=returns.officer,
            reason="The November count is not yet verified",
        )
        visits = approve_value(value=visits, by=returns.approver)
    with at(datetime.datetime(2026, 11, 25, 10, tzinfo=UTC)):
        revised = published.report(
            title=REVISED_TITLE, period_code=Q2, meeting=published.q2_meeting
        )
    with at(datetime.datetime(2026, 11, 25, 11, tzinfo=UTC)):
        visits = revise_value(
            value=visits, entries={"data_quality": "final"}, by=returns.officer, reason="Verified"
        )
        approve_value(value=visits, by=returns.approver)
    return revised
