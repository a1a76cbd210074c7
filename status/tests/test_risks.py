import pytest

from status.risks import DEFAULT_BANDS, RiskBand, check_bands, risk_band, risk_score


def test_score_is_likelihood_times_impact() -> None:
    assert risk_score(1, 1) == 1
    assert risk_score(3, 4) == 12
    assert risk_score(5, 5) == 25


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 3), (3, 0), (3, 6), (True, 3)])
def test_ratings_are_1_to_5(likelihood: int, impact: int) -> None:
    with pytest.raises(ValueError):
        risk_score(likelihood, impact)


def test_ratings_must_be_whole_numbers() -> None:
    with pytest.raises(ValueError):
        risk_score(2.5, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1, RiskBand.low),
        (4, RiskBand.low),
        (5, RiskBand.medium),
        (9, RiskBand.medium),
        (10, RiskBand.high),
        (15, RiskBand.high),
        (16, RiskBand.very_high),
        (25, RiskBand.very_high),
    ],
)
def test_default_bands_are_inclusive(score: int, band: RiskBand) -> None:
    assert risk_band(score) is band


def test_bands_are_configurable() -> None:
    bands = {
        RiskBand.low: (1, 3),
        RiskBand.medium: (4, 8),
        RiskBand.high: (9, 14),
        RiskBand.very_high: (15, 25),
    }
    check_bands(bands)
    assert risk_band(4, bands) is RiskBand.medium
    assert risk_band(4) is RiskBand.low


def test_a_score_outside_every_band_is_refused() -> None:
    with pytest.raises(ValueError):
        risk_band(0)
    with pytest.raises(ValueError):
        risk_band(26)


@pytest.mark.parametrize(
    "bands",
    [
        {RiskBand.low: (1, 4), RiskBand.medium: (5, 9), RiskBand.high: (10, 25)},
        {
            RiskBand.low: (1, 4),
            RiskBand.medium: (6, 9),
            RiskBand.high: (10, 15),
            RiskBand.very_high: (16, 25),
        },
        {
            RiskBand.low: (1, 4),
            RiskBand.medium: (5, 9),
            RiskBand.high: (10, 15),
            RiskBand.very_high: (16, 20),
        },
    ],
)
def test_bands_must_cover_1_to_25_once(bands: dict[RiskBand, tuple[int, int]]) -> None:
    with pytest.raises(ValueError):
        check_bands(bands)


def test_default_bands_pass_the_check_and_have_labels() -> None:
    check_bands(DEFAULT_BANDS)
    assert [b.label for b in RiskBand] == ["Low", "Medium", "High", "Very high"]
