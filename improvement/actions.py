"""Recording findings and agreeing improvement actions, revising their due dates, and the
improvement clinic for an under-performing indicator."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from improvement.models import DueDateChange, Finding, ImprovementAction, Source
from indicators.models import Indicator
from organisation.models import Council, OrgUnit
from organisation.permissions import Action, require
from scorecards.queries import latest_complete_quarter
from scorecards.readings import Reading, read_indicators
from status.improvement import ACTIVE_STATES, ActionState
from status.rag import Rag
from status.spc import Variation
from strategy.models import Outcome

TITLE_REQUIRED = "Give the finding a title"
DESCRIPTION_REQUIRED = "Describe the action"
REFERENCE_REQUIRED = "Give the action a reference"
REASON_REQUIRED = "Give a reason for the new due date"
SAME_DATE = "The new due date is the date already set"
ACTION_CLOSED = "This action is {state}, so its due date cannot be revised"
NOT_FOR_CLINIC = (
    "An improvement clinic is for an indicator whose latest signed-off figure is Red or whose "
    "SPC chart shows concerning variation; {code} is neither, so no clinic action can be agreed"
)

CONCERNING = frozenset({Variation.concerning_high, Variation.concerning_low})


class ImprovementError(ValueError):
    """The entries break a rule: `problems` maps each field to its message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


@transaction.atomic
def record_finding(
    *,
    kind: Source,
    title: str,
    found_on: date,
    unit: OrgUnit,
    by,
    reference: str = "",
    body: str = "",
    indicator: Indicator | None = None,
) -> Finding:
    """Record a report's finding (or a clinic) that actions will be agreed from."""
    require(by, Action.MANAGE_REGISTERS, unit)
    if not title.strip():
        raise ImprovementError({"title": TITLE_REQUIRED})
    return Finding.objects.create(
        kind=Source(kind),
        title=title.strip(),
        found_on=found_on,
        reference=reference.strip(),
        body=body.strip(),
        unit=unit,
        indicator=indicator,
        recorded_by=by,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def agree_action(
    *,
    finding: Finding,
    reference: str,
    description: str,
    owner,
    unit: OrgUnit,
    due_on: date,
    by,
    indicators: Iterable[Indicator] = (),
    outcomes: Iterable[Outcome] = (),
) -> ImprovementAction:
    """Agree an action with its owner and due date; the due date is kept as first agreed."""
    require(by, Action.MANAGE_REGISTERS, unit)
    problems = {}
    if not reference.strip():
        problems["reference"] = REFERENCE_REQUIRED
    if not description.strip():
        problems["description"] = DESCRIPTION_REQUIRED
    if problems:
        raise ImprovementError(problems)
    action = ImprovementAction.objects.create(
        finding=finding,
        reference=reference.strip(),
        description=description.strip(),
        owner=owner,
        unit=unit,
        state=ActionState.open.value,
        due_on=due_on,
        agreed_by=by,
        agreed_at=timezone.now(),
    )
    action.indicators.set(indicators)
    action.outcomes.set(outcomes)
    return action


@transaction.atomic
def revise_due_date(
    *, action: ImprovementAction, new_date: date, reason: str, by
) -> ImprovementAction:
    """Move an open action's due date, with a reason; the date first agreed stays as it was
    and every revision is kept."""
    require(by, Action.MANAGE_REGISTERS, action)
    action = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    state = ActionState(action.state)
    if state not in ACTIVE_STATES:
        raise ImprovementError({"new_date": ACTION_CLOSED.format(state=state.label.lower())})
    problems = {}
    if not reason.strip():
        problems["reason"] = REASON_REQUIRED
    if new_date == action.current_due_on:
        problems["new_date"] = SAME_DATE
    if problems:
        raise ImprovementError(problems)
    DueDateChange.objects.create(
        action=action,
        before=action.current_due_on,
        after=new_date,
        reason=reason.strip(),
        by=by,
        at=timezone.now(),
    )
    action.revised_due_on, action.revised_reason = new_date, reason.strip()
    action.save(update_fields=["revised_due_on", "revised_reason"])
    return action


def clinic_reading(indicator: Indicator, *, today: date, council: Council) -> Reading | None:
    """The indicator's reading for the latest complete quarter (signed-off figures only), as
    its scorecard page shows it by default."""
    quarter = latest_complete_quarter(today=today)
    if quarter is None:
        return None
    return read_indicators([indicator], quarter, today=today, council=council)[indicator.pk]


def is_clinic_allowed(reading: Reading | None) -> bool:
    """A clinic is for an indicator reading Red, or with concerning SPC variation."""
    if reading is None:
        return False
    return reading.rag == Rag.red or reading.spc.variation in CONCERNING


@transaction.atomic
def agree_clinic_action(
    *,
    indicator: Indicator,
    reference: str,
    description: str,
    owner,
    due_on: date,
    by,
    today: date,
    council: Council,
) -> ImprovementAction:
    """The improvement clinic: agree an action for an indicator reading Red or with concerning
    SPC variation; refused otherwise. One clinic finding per indicator and day holds its
    actions."""
    unit = indicator.owner
    require(by, Action.MANAGE_REGISTERS, unit)
    if not is_clinic_allowed(clinic_reading(indicator, today=today, council=council)):
        raise ImprovementError({"__all__": NOT_FOR_CLINIC.format(code=indicator.code)})
    finding = Finding.objects.filter(
        kind=Source.CLINIC, indicator=indicator, found_on=today
    ).first()
    if finding is None:
        finding = record_finding(
            kind=Source.CLINIC,
            title=f"Improvement clinic: {indicator.title}",
            found_on=today,
            unit=unit,
            by=by,
            reference=indicator.code,
            body="Improvement clinic",
            indicator=indicator,
        )
    return agree_action(
        finding=finding,
        reference=reference,
        description=description,
        owner=owner,
        unit=unit,
        due_on=due_on,
        by=by,
        indicators=[indicator],
        outcomes=list(indicator.outcomes.all()),
    )
