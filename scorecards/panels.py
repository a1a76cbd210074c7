"""Sections that other capabilities add to scorecard pages.

The directorate scorecard shows strategic and operational indicators, and beside them
finance, risks and change; the service scorecard shows its service plan; the ambition and
outcome pages show the projects and risks linked to them; the indicator page shows the
indicator's risks, projects and improvement actions. Each of those comes from its
own app, which appends a function to the list here, taking (subject, period) and returning a
`Panel`, or None when it has nothing for that subject and period; the page shows the panels
that come back, in order.
"""

from collections.abc import Callable
from dataclasses import dataclass

from indicators.models import Indicator, Period
from organisation.models import OrgUnit


@dataclass(frozen=True)
class Panel:
    title: str
    anchor: str
    template: str  # rendered with `panel` (and so `panel.context`) in its context
    context: dict


DIRECTORATE_PANELS: list[Callable[[OrgUnit, Period], Panel | None]] = []


def directorate_panels(directorate: OrgUnit, period: Period) -> list[Panel]:
    panels = (build(directorate, period) for build in DIRECTORATE_PANELS)
    return [panel for panel in panels if panel is not None]


INDICATOR_PANELS: list[Callable[[Indicator, Period], Panel | None]] = []


def indicator_panels(indicator: Indicator, period: Period) -> list[Panel]:
    panels = (build(indicator, period) for build in INDICATOR_PANELS)
    return [panel for panel in panels if panel is not None]


SERVICE_PANELS: list[Callable[[OrgUnit, Period], Panel | None]] = []


def service_panels(service: OrgUnit, period: Period) -> list[Panel]:
    panels = (build(service, period) for build in SERVICE_PANELS)
    return [panel for panel in panels if panel is not None]


# An ambition or an outcome (strategy.models): the headline view of a theme.
THEME_PANELS: list[Callable[[object, Period], Panel | None]] = []


def theme_panels(theme, period: Period) -> list[Panel]:
    panels = (build(theme, period) for build in THEME_PANELS)
    return [panel for panel in panels if panel is not None]
