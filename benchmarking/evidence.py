"""Evidence beside the council's outcomes: contextual statistics (a residents' survey, a joint
strategic needs assessment, a crime survey rate) shown on an outcome's and its ambition's
pages as "what the evidence says", never ranked.

One link per outcome and metric, naming whose figures are shown: the council's own area
(found by `Council.ons_code`) when it names none, or the areas it lists (a county's districts,
say). Only the performance team links and removes evidence; each change is in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from audit.context import audited
from organisation.permissions import Action, require
from strategy.models import Outcome

from .models import Area, Metric, OutcomeEvidence

# Messages (tests assert them)
NOT_CONTEXTUAL = (
    "Published evidence: “{title}” is a statistic for ranking, not evidence; choose one "
    "imported as contextual"
)


class EvidenceError(ValueError):
    """Evidence that cannot be linked, with the form field the message is about."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


@transaction.atomic
@audited()
def link_evidence(
    *,
    outcome: Outcome,
    metric: Metric,
    areas: Iterable[Area] = (),
    note: str = "",
    by,
) -> OutcomeEvidence:
    """Show the metric's figures beside the outcome; linking it again changes its areas and
    note. No areas: the council's own area's figures."""
    require(by, Action.MANAGE_FRAMEWORK)
    if not metric.is_contextual:
        raise EvidenceError("metric", NOT_CONTEXTUAL.format(title=metric.title))
    note = note.strip()
    wanted_areas = {area.pk for area in areas}
    link = (
        OutcomeEvidence.objects.select_for_update().filter(outcome=outcome, metric=metric).first()
    )
    if link is None:
        link = OutcomeEvidence.objects.create(outcome=outcome, metric=metric, note=note)
    elif link.note != note:
        link.note = note
        link.save(update_fields=["note"])
    if set(link.areas.values_list("pk", flat=True)) != wanted_areas:
        link.areas.set(wanted_areas)
    return link


@transaction.atomic
@audited()
def unlink_evidence(*, outcome: Outcome, metric: Metric, by) -> bool:
    """Stop showing the metric beside the outcome; False if it was not shown there."""
    require(by, Action.MANAGE_FRAMEWORK)
    link = (
        OutcomeEvidence.objects.select_for_update().filter(outcome=outcome, metric=metric).first()
    )
    if link is None:
        return False
    link.delete()
    return True
