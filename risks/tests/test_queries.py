"""The register as at a date: latest signed-off review, score, band, trend, above target,
review overdue; heat maps and the highest risks, in a bounded number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisation.tests.factories import OrgUnitFactory
from risks.bands import council_bands
from risks.models import RiskBands, RiskLevel, RiskReview, RiskStatus
from risks.queries import heat_map, highest, in_band, in_cell, register
from risks.tests.factories import RiskFactory, scores, signed_off_review
from risks.workflow import record_review
from signoff.models import ReturnState
from status.risks import RiskBand, RiskTrend

pytestmark = pytest.mark.django_db

JUNE = datetime.date(2026, 6, 30)
SEPT = datetime.date(2026, 9, 30)  # the end of Q2 2026/27
MARCH = datetime.date(2026, 3, 31)


@pytest.fixture
def risks(town, officer, approver, director):
    """Waste: A rising to 16 with a later draft; Parks: B reviewed once in March (overdue);
    C never reviewed; D closed in August; E joined in October."""
    other_officer, other_approver = town.person("other_officer"), town.person("other_approver")
    a = RiskFactory(reference="A", unit=town.waste, owner=director)
    signed_off_review(a, by=officer, approver=approver, current=(3, 3), on=JUNE)
    signed_off_review(a, by=officer, approver=approver, current=(4, 4), on=SEPT)
    record_review(risk=a, entries=scores((5, 5), on=datetime.date(2026, 10, 10)), by=officer)
    b = RiskFactory(reference="B", unit=town.parks, owner=director, level=RiskLevel.DIRECTORATE)
    signed_off_review(
        b, by=other_officer, approver=other_approver, current=(2, 2), target=(2, 2), on=MARCH
    )
    c = RiskFactory(reference="C", unit=town.waste, owner=director)
    d = RiskFactory(
        reference="D",
        unit=town.waste,
        owner=director,
        status=RiskStatus.CLOSED,
        closed_on=datetime.date(2026, 8, 1),
    )
    e = RiskFactory(
        reference="E", unit=town.waste, owner=director, opened_on=datetime.date(2026, 10, 1)
    )
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


def by_reference(rows):
    return {row.risk.reference: row for row in rows}


def test_the_register_as_at_the_end_of_a_quarter(risks):
    rows = by_reference(register(on=SEPT))
    assert sorted(rows) == ["A", "B", "C"]  # D closed before, E joined after

    a = rows["A"]
    assert a.latest.reviewed_on == SEPT  # the October draft is not signed off
    assert a.current_score == 16
    assert a.band.band == RiskBand.very_high and a.band.name == "Very high"
    assert a.trend == RiskTrend.rising
    assert a.is_above_target
    assert not a.is_review_overdue
    assert a.next_review_on == datetime.date(2026, 12, 30)

    b = rows["B"]
    assert (b.current_score, b.trend, b.is_above_target) == (4, RiskTrend.new, False)
    assert b.is_review_overdue  # due 30 June 2026

    c = rows["C"]
    assert c.latest is None and c.band is None and c.trend is None
    assert c.is_review_overdue  # added April 2025, never reviewed


def test_an_earlier_date_uses_the_reviews_of_its_time(risks):
    rows = by_reference(register(on=JUNE))
    assert sorted(rows) == ["A", "B", "C", "D"]
    assert (rows["A"].current_score, rows["A"].trend) == (9, RiskTrend.new)


def test_scope_and_level_filters(risks, town):
    place = [town.place.pk]
    assert sorted(by_reference(register(on=SEPT, within_units=place))) == ["A", "B", "C"]
    waste = [town.waste.pk]
    assert sorted(by_reference(register(on=SEPT, within_units=waste))) == ["A", "C"]
    assert sorted(by_reference(register(on=SEPT, level=RiskLevel.DIRECTORATE))) == ["B"]
    assert register(on=SEPT, within_units=[town.libraries.pk]) == []


def test_heat_maps_count_current_and_inherent_scores(risks):
    rows = register(on=SEPT)
    current = heat_map(rows, council_bands())
    assert [row.impact for row in current.rows] == [5, 4, 3, 2, 1]
    assert [cell.likelihood for cell in current.rows[0].cells] == [1, 2, 3, 4, 5]
    counts = {
        (cell.likelihood, cell.impact): cell.count
        for row in current.rows
        for cell in row.cells
        if cell.count
    }
    assert counts == {(4, 4): 1, (2, 2): 1}
    assert (current.total, current.not_reviewed) == (2, 1)
    assert current.rows[1].cells[3].band.band == RiskBand.very_high  # 4 × 4

    inherent = heat_map(rows, council_bands(), inherent=True)
    assert inherent.rows[0].cells[4].count == 2  # both scored 5 × 5 before controls


def test_highest_risks_and_filters(risks):
    rows = register(on=SEPT)
    assert [row.risk.reference for row in highest(rows)] == ["A", "B"]
    assert [row.risk.reference for row in in_cell(rows, 4, 4)] == ["A"]
    assert [row.risk.reference for row in in_cell(rows, 5, 5, inherent=True)] == ["A", "B"]
    assert [row.risk.reference for row in in_band(rows, "low")] == ["B"]


def test_the_councils_own_bands_and_names(risks):
    RiskBands.objects.create(low_last=3, medium_last=8, high_last=14, low_name="Tolerable")
    rows = by_reference(register(on=SEPT))
    assert rows["B"].band.name == "Medium"  # 4 is above the council's low band
    assert council_bands().of(3).name == "Tolerable"


def test_a_team_below_a_service_is_within_its_directorate(town, director):
    team = OrgUnitFactory(council=town.council, parent=town.waste, kind="team", code="crews")
    RiskFactory(reference="T", unit=team, owner=director)
    assert [r.risk.reference for r in register(on=SEPT, within_units=[town.place.pk])] == ["T"]


def test_nothing_at_all(town):
    with CaptureQueriesContext(connection) as captured:
        rows = register(on=SEPT, within_units=[town.place.pk])
    assert len(captured) == 1  # no risks: nothing more is read
    assert rows == []
    empty = heat_map(rows, council_bands())
    assert empty.total == 0 and all(c.count == 0 for r in empty.rows for c in r.cells)
    assert highest(rows) == []


def _many(town, director, count):
    now = timezone.now()
    for _ in range(count):
        risk = RiskFactory(unit=town.waste, owner=director)
        for day, current in ((JUNE, (2, 3)), (SEPT, (3, 3))):
            RiskReview.objects.create(
                risk=risk,
                reviewed_on=day,
                inherent_likelihood=5,
                inherent_impact=5,
                current_likelihood=current[0],
                current_impact=current[1],
                target_likelihood=2,
                target_impact=2,
                state=ReturnState.APPROVED,
                entered_at=now,
                updated_at=now,
            )


def _queries(town) -> int:
    with CaptureQueriesContext(connection) as captured:
        bands = council_bands()
        rows = register(on=SEPT, within_units=[town.place.pk], bands=bands)
        heat_map(rows, bands)
        heat_map(rows, bands, inherent=True)
        highest(rows)
    return len(captured)


def test_the_query_count_does_not_grow_with_the_number_of_risks(town, director):
    _many(town, director, 5)
    few = _queries(town)
    _many(town, director, 25)
    assert len(register(on=SEPT)) == 30
    assert _queries(town) == few <= 4
