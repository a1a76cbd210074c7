"""The "Risks" appendix of a committee report: the remit's risks (or the whole council's), a
table per level, from signed-off reviews as at the end of the report's period."""

from __future__ import annotations

from reports.appendices import AppendixRequest
from reports.content import Appendix, Table
from risks.models import RiskLevel
from risks.queries import RiskRow, register

HEADERS = ["Reference", "Title", "Owner", "Current score", "Target score", "Trend", "Reviewed"]
NOT_REVIEWED = "Not yet reviewed"


def _score(score: int | None, band) -> str:
    return NOT_REVIEWED if score is None else f"{score} ({band.name})"


def _row(row: RiskRow) -> list[str]:
    latest = row.latest
    return [
        row.risk.reference,
        row.risk.title,
        str(row.risk.owner),
        _score(row.current_score, row.band),
        "" if latest is None else _score(row.target_score, row.target_band),
        "" if row.trend is None else row.trend.label,
        "" if latest is None else f"{latest.reviewed_on.day} {latest.reviewed_on:%B %Y}",
    ]


def risks_appendix(request: AppendixRequest) -> Appendix | None:
    """A table per level of the risks held in the remit's units (none: the whole council)."""
    units = request.unit_ids or None
    rows = register(on=request.period.ends_on, within_units=units)
    if not rows:
        return None
    where = "the committee's remit" if units is not None else "the council"
    tables = [
        Table(
            caption=f"{level.label} risks",
            headers=HEADERS,
            rows=[_row(row) for row in rows if row.risk.level == level],
        )
        for level in RiskLevel
        if any(row.risk.level == level for row in rows)
    ]
    return Appendix(
        title="Risks",
        anchor="risks",
        introduction=(
            f"The risks held in {where} on {request.period.ends_on.day} "
            f"{request.period.ends_on:%B %Y}, scored (likelihood × impact, each 1 to 5) at "
            "their latest signed-off review."
        ),
        tables=tables,
    )
