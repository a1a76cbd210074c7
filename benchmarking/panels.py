"""The indicator page's "How we compare": where the council stands among other councils'
published figures, for an indicator linked to a published metric."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from indicators.models import Indicator, Period
from organisation.queries import current_council
from scorecards.panels import Panel

from .models import BenchmarkLink
from .queries import indicator_comparison


def indicator_panel(indicator: Indicator, period: Period) -> Panel | None:
    """The latest published period with a position (published figures lag the scorecard's
    quarter by a year or more), and every earlier one."""
    link = (
        BenchmarkLink.objects.select_related("metric", "group", "indicator")
        .filter(indicator=indicator)
        .first()
    )
    if link is None:
        return None
    council = current_council()
    comparison = indicator_comparison(link, council=council) if council else None
    query = urlencode(
        {"group": link.group_id, "period": comparison.latest.period if comparison else ""}
    )
    return Panel(
        title="How we compare",
        anchor="how-we-compare",
        template="benchmarking/_indicator_panel.html",
        context={
            "link": link,
            "comparison": comparison,
            "metric_url": reverse("benchmarking:metric", args=[link.metric.code]) + "?" + query,
        },
    )
