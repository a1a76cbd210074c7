"""The council's risk bands as the pages show them: each band's name and colour beside its
score range, from the `RiskBands` row or, without one, the default bands."""

from __future__ import annotations

from dataclasses import dataclass

from risks.models import RiskBands, TagColour
from status.risks import DEFAULT_BANDS, RiskBand, risk_band

DEFAULT_COLOURS = {
    RiskBand.low: TagColour.GREEN,
    RiskBand.medium: TagColour.YELLOW,
    RiskBand.high: TagColour.ORANGE,
    RiskBand.very_high: TagColour.RED,
}


@dataclass(frozen=True)
class ShownBand:
    band: RiskBand
    name: str
    colour: str  # a GOV.UK tag class; the name is always shown beside it
    first: int
    last: int


@dataclass(frozen=True)
class BandScheme:
    bands: tuple[ShownBand, ...]

    def of(self, score: int) -> ShownBand:
        band = risk_band(score, {b.band: (b.first, b.last) for b in self.bands})
        return next(b for b in self.bands if b.band == band)

    def named(self, value: str) -> ShownBand | None:
        return next((b for b in self.bands if b.band.value == value), None)


def council_bands() -> BandScheme:
    """The council's bands (one query)."""
    row = RiskBands.objects.order_by("pk").first()
    if row is None:
        return BandScheme(
            tuple(
                ShownBand(band, band.label, DEFAULT_COLOURS[band], first, last)
                for band, (first, last) in DEFAULT_BANDS.items()
            )
        )
    names = {
        RiskBand.low: (row.low_name, row.low_colour),
        RiskBand.medium: (row.medium_name, row.medium_colour),
        RiskBand.high: (row.high_name, row.high_colour),
        RiskBand.very_high: (row.very_high_name, row.very_high_colour),
    }
    return BandScheme(
        tuple(
            ShownBand(band, names[band][0], names[band][1], first, last)
            for band, (first, last) in row.ranges().items()
        )
    )
