"""A small benchmarking world built by hand: five areas (ours is E06000998, Testshire's code in
`CouncilFactory`), one metric published for two years, a group of all five, and a quarterly
snapshot indicator of ours. Each test states the figures it relies on."""

from __future__ import annotations

import datetime
from decimal import Decimal

from benchmarking.models import Area, ComparatorGroup, ExternalValue, GroupKind, Metric, Tier

OURS = "E06000998"
OTHERS = {"E06000901": "Aston", "E06000902": "Brook", "E06000903": "Corley", "E06000904": "Dunholm"}


def make_areas() -> dict[str, Area]:
    areas = {}
    for n, (code, name) in enumerate([(OURS, "Testshire"), *OTHERS.items()]):
        areas[code] = Area.objects.create(
            gss_code=code,
            code=f"T{n:02d}",
            name=name,
            official_name=f"{name} Council",
            nation="England",
            tier=Tier.UNITARY,
            region="South West",
        )
    return areas


def make_group(areas, name="Test unitaries") -> ComparatorGroup:
    group = ComparatorGroup.objects.create(name=name, kind=GroupKind.OWN)
    group.members.set(areas.values())
    return group


def make_metric(polarity="higher_is_better", code="test-recycling") -> Metric:
    return Metric.objects.create(
        code=code,
        title="Household waste recycled (%)",
        source="Local authority waste statistics",
        publisher="Test Office",
        licence="Open Government Licence v3.0",
        polarity=polarity,
        unit="%",
        precision=1,
        period_type="financial_year",
    )


def publish(metric, areas, label: str, figures: dict[str, str | None], markers=None) -> None:
    """Figures by GSS code for the financial year `label` (e.g. 2022/23); None: a marker."""
    first = int(label[:4])
    for code, figure in figures.items():
        ExternalValue.objects.create(
            metric=metric,
            area=areas[code],
            period=label,
            period_start=datetime.date(first, 4, 1),
            period_end=datetime.date(first + 1, 3, 31),
            value=None if figure is None else Decimal(figure),
            marker=(markers or {}).get(code, "") if figure is None else "",
            release="Test release 2024",
        )


def publish_two_years(metric, areas) -> None:
    """The world most tests read (higher is better): 2022/23 Aston 10, Brook 20, Corley 30,
    Dunholm 40, Testshire 25; 2023/24 Aston 12, Brook 22, Corley 32, Dunholm 42, Testshire 27."""
    aston, brook, corley, dunholm = OTHERS
    publish(
        metric,
        areas,
        "2022/23",
        {aston: "10", brook: "20", corley: "30", dunholm: "40", OURS: "25"},
    )
    publish(
        metric,
        areas,
        "2023/24",
        {aston: "12", brook: "22", corley: "32", dunholm: "42", OURS: "27"},
    )
