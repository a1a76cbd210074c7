"""The directorate scorecard's "Finance" panel: signed-off forecasts only."""

from __future__ import annotations

from finance.queries import directorate_finance
from indicators.models import Period
from organisation.models import OrgUnit
from scorecards.panels import Panel

TITLE = "Finance"
ANCHOR = "finance"
TEMPLATE = "finance/_panel.html"


def finance_panel(directorate: OrgUnit, period: Period) -> Panel | None:
    """The directorate's and its services' budgets at the period; None with no budget set."""
    lines = directorate_finance(directorate, period)
    if not lines:
        return None
    return Panel(
        title=TITLE,
        anchor=ANCHOR,
        template=TEMPLATE,
        context={"lines": lines, "period": period, "directorate": directorate},
    )
