"""The "Improvement actions" panels of the directorate scorecard and the indicator page."""

from django.utils import timezone

from improvement.queries import actions_for_indicator, open_actions_of_directorate
from indicators.models import Indicator, Period
from organisation.models import OrgUnit
from scorecards.panels import Panel

TEMPLATE = "improvement/_panel.html"


def directorate_panel(directorate: OrgUnit, period: Period) -> Panel | None:
    """Open actions of the directorate's units, as they stand today."""
    today = timezone.localdate()
    rows = open_actions_of_directorate(directorate, today)
    if not rows:
        return None
    return Panel(
        title="Improvement actions",
        anchor="improvement-actions",
        template=TEMPLATE,
        context={"rows": rows, "on": today, "show_unit": True},
    )


def indicator_panel(indicator: Indicator, period: Period) -> Panel | None:
    """Actions agreed to improve the indicator, open ones first."""
    today = timezone.localdate()
    rows = actions_for_indicator(indicator, today)
    if not rows:
        return None
    return Panel(
        title="Improvement actions",
        anchor="improvement-actions",
        template=TEMPLATE,
        context={"rows": rows, "on": today, "show_unit": False},
    )
