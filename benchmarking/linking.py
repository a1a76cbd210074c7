"""Linking the council's own indicators to the published metrics they are compared with.

One link per indicator: the metric, the comparator group shown by default, and a note of how
our definition differs from the published one (empty when they match). Only the performance
team links and unlinks; each change is in the audit log.
"""

from __future__ import annotations

from django.db import transaction

from audit.context import audited
from indicators.models import Indicator
from organisation.permissions import Action, require

from .models import BenchmarkLink, ComparatorGroup, Metric

CONTEXTUAL = "“{title}” is evidence, not for ranking: show it beside an outcome instead"


@transaction.atomic
@audited()
def link_indicator(
    *,
    indicator: Indicator,
    metric: Metric,
    group: ComparatorGroup,
    definition_note: str = "",
    by,
) -> BenchmarkLink:
    """Compare the indicator with the metric in the group, replacing any link it had."""
    require(by, Action.MANAGE_FRAMEWORK)
    if metric.is_contextual:
        raise ValueError(CONTEXTUAL.format(title=metric.title))
    note = definition_note.strip()
    link = BenchmarkLink.objects.select_for_update().filter(indicator=indicator).first()
    if link is None:
        return BenchmarkLink.objects.create(
            indicator=indicator, metric=metric, group=group, definition_note=note
        )
    wanted = {"metric": metric, "group": group, "definition_note": note}
    changed = [name for name, value in wanted.items() if getattr(link, name) != value]
    for name in changed:
        setattr(link, name, wanted[name])
    if changed:
        link.save(update_fields=changed)
    return link


@transaction.atomic
@audited()
def unlink_indicator(*, indicator: Indicator, by) -> bool:
    """Stop comparing the indicator with a published metric; False if it was not linked."""
    require(by, Action.MANAGE_FRAMEWORK)
    link = BenchmarkLink.objects.select_for_update().filter(indicator=indicator).first()
    if link is None:
        return False
    link.delete()
    return True
