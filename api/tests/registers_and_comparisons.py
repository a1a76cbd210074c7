"""Testshire (publishing/tests/conftest.py) with benchmark positions and register appendices.

On 21 November RCY-01 and LIB-01 are linked to published statistics for 2025/26 among five
"Test unitaries", and a revised Q1 report is approved for the Q1 meeting, long begun, so it is
released at once with the first positions: RCY-01 1st of 5 (top quartile), LIB-01 3rd of 5
(upper-middle). Then the council records a risk, a project and a budget
(publishing/tests/test_embargo_appendices.py), and on 22 November a Q2 report for the meeting
at 6pm on 1 December freezes them, with the Q2 positions, into its four appendices: risks,
finance, change and how we compare. Until then none of it is public.

Its fixture, `registered`, is in api/tests/conftest.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from benchmarking.models import Area, BenchmarkLink, ComparatorGroup, ExternalValue, Metric
from indicators.models import Indicator
from organisation.models import Council
from publishing.tests.conftest import Q1, UTC, Published, at
from publishing.tests.test_embargo_appendices import (  # noqa: F401
    AFTER,
    BEFORE,
    BUDGET_SHOWN,
    PROJECT,
    RISK,
    TITLE,
    with_registers,
)
from reports.models import Report

RELEASE, JUST_BEFORE = AFTER, BEFORE  # 6pm on 1 December, and one second before

OURS = "E06000998"
GROUP = "Test unitaries"
Q1_TITLE = "Quarterly performance report: Q1 2026/27 (with comparisons)"
RECYCLING = "Household waste recycled (%)"
VISITS = "Library visits per resident"
DEFINITION_NOTE = "Our count includes visits to the mobile library."
# What no public address may show until 6pm on 1 December.
SECRETS = (TITLE, RISK, PROJECT, BUDGET_SHOWN)


@dataclass
class Registered:
    published: Published
    q1: Report  # released on 21 November, with the Q1 positions
    q2: Report  # embargoed until 6pm on 1 December, with the registers and the Q2 positions


def _statistic(code: str, title: str, figures: list[str], group: ComparatorGroup) -> Metric:
    metric = Metric.objects.create(
        code=code,
        title=title,
        source="Local authority statistics",
        publisher="Test Office",
        licence="Open Government Licence v3.0",
        url=f"https://example.gov.uk/{code}",
        polarity="higher_is_better",
        unit="",
        precision=1,
        period_type="financial_year",
        release_date=datetime.date(2026, 10, 15),
    )
    for area, figure in zip(group.members.order_by("gss_code"), figures, strict=True):
        ExternalValue.objects.create(
            metric=metric,
            area=area,
            period="2025/26",
            period_start=datetime.date(2025, 4, 1),
            period_end=datetime.date(2026, 3, 31),
            value=figure,
        )
    return metric


@pytest.fixture
def compared_in_q1(published) -> Report:
    with at(datetime.datetime(2026, 11, 21, 8, tzinfo=UTC)):
        Council.objects.update(ons_code=OURS)
        group = ComparatorGroup.objects.create(name=GROUP, kind="own")
        for n, code in enumerate([OURS, "E06000901", "E06000902", "E06000903", "E06000904"]):
            group.members.add(
                Area.objects.create(
                    gss_code=code,
                    code=f"T{n:02d}",
                    name=f"Area {n}",
                    official_name=f"Area {n}",
                    nation="England",
                    tier="UA",
                )
            )
        # Ours first: our own year values (40.0 and 11.5) are compared, not these.
        recycling = _statistic("test-recycling", RECYCLING, ["38", "10", "20", "30", "35"], group)
        visits = _statistic("test-visits", VISITS, ["12", "5", "8", "15", "20"], group)
        BenchmarkLink.objects.create(
            indicator=Indicator.objects.get(code="RCY-01"), metric=recycling, group=group
        )
        BenchmarkLink.objects.create(
            indicator=Indicator.objects.get(code="LIB-01"),
            metric=visits,
            group=group,
            definition_note=DEFINITION_NOTE,
        )
    with at(datetime.datetime(2026, 11, 21, 9, tzinfo=UTC)):
        return published.report(title=Q1_TITLE, period_code=Q1, meeting=published.q1_meeting)


@pytest.fixture
def registered(published, compared_in_q1, with_registers) -> Registered:  # noqa: F811
    return Registered(published=published, q1=compared_in_q1, q2=with_registers)
