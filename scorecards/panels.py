"""Sections that other capabilities add beside a directorate's indicators.

The directorate scorecard shows strategic and operational indicators, and beside them
finance, risks and change. Each of those comes from its own app, which appends a function
here taking (directorate, period) and returning a `Panel`, or None when it has nothing for
that directorate and period; the page shows the panels that come back, in order.
"""

from collections.abc import Callable
from dataclasses import dataclass

from indicators.models import Period
from organisation.models import OrgUnit


@dataclass(frozen=True)
class Panel:
    title: str
    anchor: str
    template: str  # rendered with the panel's context
    context: dict


DIRECTORATE_PANELS: list[Callable[[OrgUnit, Period], Panel | None]] = []


def directorate_panels(directorate: OrgUnit, period: Period) -> list[Panel]:
    panels = (build(directorate, period) for build in DIRECTORATE_PANELS)
    return [panel for panel in panels if panel is not None]
