"""The indicator page's "How we compare": where the council stands among other councils'
published figures, for an indicator linked to a published metric; and the outcome and
ambition pages' "What the evidence says": the contextual statistics linked to outcomes."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from indicators.models import Indicator, Period
from organisation.queries import current_council
from scorecards.panels import Panel
from strategy.models import Ambition

from .evidence_queries import linked_evidence, what_the_evidence_says
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


def evidence_panel(theme, period: Period) -> Panel | None:
    """The evidence beside an outcome, or beside each outcome of an ambition: the latest
    published figures, whatever the scorecard's quarter (evidence is published when it is)."""
    is_ambition = isinstance(theme, Ambition)
    links = linked_evidence(ambition=theme) if is_ambition else linked_evidence(outcome=theme)
    if not links:
        return None
    return Panel(
        title="What the evidence says",
        anchor="what-the-evidence-says",
        template="benchmarking/_evidence_panel.html",
        context={
            "evidence": what_the_evidence_says(links, council=current_council()),
            "is_ambition": is_ambition,
            "period": period,
        },
    )
