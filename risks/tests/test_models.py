"""The council's risk bands: one row, checked to cover 1 to 25 in order, else the defaults."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from risks.bands import council_bands
from risks.models import RiskBands, TagColour
from status.risks import DEFAULT_BANDS, RiskBand

pytestmark = pytest.mark.django_db


def test_without_a_row_the_default_bands_apply():
    bands = council_bands()
    assert {b.band: (b.first, b.last) for b in bands.bands} == dict(DEFAULT_BANDS)
    assert [b.name for b in bands.bands] == ["Low", "Medium", "High", "Very high"]
    assert bands.of(16).colour == TagColour.RED


def test_the_councils_names_colours_and_edges():
    RiskBands.objects.create(
        low_last=5,
        medium_last=10,
        high_last=19,
        very_high_name="Severe",
        high_colour="govuk-tag--pink",
    )
    bands = council_bands()
    assert bands.of(5).band == RiskBand.low
    assert bands.of(20).name == "Severe"
    assert bands.of(12).colour == "govuk-tag--pink"


@pytest.mark.parametrize(
    ("low", "medium", "high"), [(4, 3, 15), (4, 9, 25), (0, 9, 15), (9, 9, 15)]
)
def test_bands_that_leave_gaps_or_overlap_are_refused(low, medium, high):
    with pytest.raises(ValidationError, match="cover scores 1 to 25"):
        RiskBands(low_last=low, medium_last=medium, high_last=high).full_clean()
