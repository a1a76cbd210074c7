"""Writing the narrative that complements a directorate's or an ambition's scorecard."""

from django.db import transaction
from django.utils import timezone

from indicators.models import Period
from organisation.models import OrgUnit
from organisation.permissions import Action, require
from scorecards.models import Narrative
from strategy.models import Ambition


def narrative_for(subject: OrgUnit | Ambition, period: Period) -> Narrative | None:
    field = "unit" if isinstance(subject, OrgUnit) else "ambition"
    return Narrative.objects.filter(**{field: subject}, period=period).first()


@transaction.atomic
def save_narrative(
    *,
    subject: OrgUnit | Ambition,
    period: Period,
    going_well: str,
    not_going_well: str,
    being_done: str,
    by,
) -> Narrative:
    """Create or replace the narrative for a directorate (or ambition) and period."""
    require(by, Action.WRITE_NARRATIVE, subject if isinstance(subject, OrgUnit) else None)
    field = "unit" if isinstance(subject, OrgUnit) else "ambition"
    narrative, _ = Narrative.objects.select_for_update().update_or_create(
        **{field: subject},
        period=period,
        defaults={
            "going_well": going_well.strip(),
            "not_going_well": not_going_well.strip(),
            "being_done": being_done.strip(),
            "written_by": by,
            "updated_at": timezone.now(),
        },
    )
    return narrative
