"""State changes of an action update: record, submit, return, sign off, revise.

An action update is one kind of return: these pass its `ReturnKind` to the one workflow in
`signoff.workflow`. When an update is signed off, its action takes the state it reports.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from improvement.models import ActionUpdate, ActionUpdateRevision, ImprovementAction
from indicators.models import Period
from signoff import workflow
from signoff.models import SIGNED_OFF_STATES
from signoff.workflow import (  # noqa: F401  (callers catch these from here)
    REASON_REQUIRED,
    InvalidEntry,
    StaleError,
    WorkflowError,
)
from status.improvement import ACTIVE_STATES, ActionState

ENTRY_FIELDS = ("reported_state", "progress", "evidence")

UNKNOWN_STATE = "Choose the action's state: open, in progress, complete or cancelled"
PROGRESS_REQUIRED = "Say what has been done and what is next"
EVIDENCE_REQUIRED = "Say what shows the action is complete"
ACTION_CLOSED = "This action is {state}, so it needs no more updates"


def _entry_problems(entries: dict) -> dict[str, str]:
    state = entries.get("reported_state")
    if state is not None and state not in {s.value for s in ActionState}:
        return {"reported_state": UNKNOWN_STATE}
    return {}


def _problems(update: ActionUpdate, submitting: bool) -> dict[str, str]:
    problems = {}
    if not update.reported_state:
        problems["reported_state"] = UNKNOWN_STATE
    if submitting and not update.progress.strip():
        problems["progress"] = PROGRESS_REQUIRED
    if submitting and update.reported_state == ActionState.complete and not update.evidence.strip():
        problems["evidence"] = EVIDENCE_REQUIRED
    return problems


def _follow_signed_off_update(update: ActionUpdate, **_) -> None:
    """The action takes the state its latest signed-off update reports (an older period's
    update signed off late does not undo a newer one)."""
    action = ImprovementAction.objects.select_for_update().get(pk=update.action_id)
    newer = ActionUpdate.objects.filter(
        action_id=action.pk,
        period__starts_on__gt=update.period.starts_on,
        state__in=SIGNED_OFF_STATES,
    )
    if newer.exists():
        return
    state = ActionState(update.reported_state)
    if state == ActionState.complete:
        completed_on = action.completed_on or timezone.localtime(update.approved_at).date()
        evidence = update.evidence
    else:
        completed_on, evidence = None, action.evidence
    action.state, action.completed_on, action.evidence = state.value, completed_on, evidence
    action.save(update_fields=["state", "completed_on", "evidence"])


def _about(update: ActionUpdate) -> workflow.About:
    action = update.action
    return workflow.About(
        title=f"{action.reference}, {update.period.label}",
        unit=action.unit,
        link=reverse("improvement:action", args=[action.pk]),
    )


ACTION_UPDATE = workflow.ReturnKind(
    noun="action update",
    nouns="action updates",
    model=ActionUpdate,
    revision_model=ActionUpdateRevision,
    revision_of="update",
    entry_fields=ENTRY_FIELDS,
    entry_problems=_entry_problems,
    problems=_problems,
    period_of=lambda update: update.period,
    on_approved=_follow_signed_off_update,
    about=_about,
    select_related=("period", "action"),
)

# The messages, in an action update's words (tests and pages compare with these).
STALE = ACTION_UPDATE.says(workflow.STALE)
CANNOT_SUBMIT = ACTION_UPDATE.says(workflow.CANNOT_SUBMIT)
CANNOT_DECIDE = ACTION_UPDATE.says(workflow.CANNOT_DECIDE)
OWN_SUBMISSION = ACTION_UPDATE.says(workflow.OWN_SUBMISSION)
NOT_SIGNED_OFF = ACTION_UPDATE.says(workflow.NOT_SIGNED_OFF)
NOT_EDITABLE = workflow.NOT_EDITABLE.replace("{noun}", ACTION_UPDATE.noun)
CYCLE_CLOSED = workflow.CYCLE_CLOSED.replace("{nouns}", ACTION_UPDATE.nouns)


@transaction.atomic
def record_action_update(
    *,
    action: ImprovementAction,
    period: Period,
    entries: dict,
    by,
    expected_version: int | None = None,
) -> ActionUpdate:
    """Create or edit the draft update of an action for a period."""
    workflow.check_open(ACTION_UPDATE, period)
    existing = ActionUpdate.objects.filter(action=action, period=period).first()
    if existing is None:
        action = ImprovementAction.objects.select_for_update().get(pk=action.pk)
        if ActionState(action.state) not in ACTIVE_STATES:
            raise WorkflowError(ACTION_CLOSED.format(state=ActionState(action.state).label.lower()))
        return workflow.create(
            ACTION_UPDATE,
            item=ActionUpdate(action=action, period=period),
            entries=entries,
            by=by,
        )
    return workflow.edit(
        ACTION_UPDATE, item=existing, entries=entries, by=by, expected_version=expected_version
    )


@transaction.atomic
def submit_action_update(
    *, update: ActionUpdate, by, expected_version: int | None = None
) -> ActionUpdate:
    return workflow.submit(ACTION_UPDATE, item=update, by=by, expected_version=expected_version)


@transaction.atomic
def return_action_update(
    *, update: ActionUpdate, by, reason: str, expected_version: int | None = None
) -> ActionUpdate:
    return workflow.send_back(
        ACTION_UPDATE, item=update, by=by, reason=reason, expected_version=expected_version
    )


@transaction.atomic
def approve_action_update(
    *, update: ActionUpdate, by, expected_version: int | None = None
) -> ActionUpdate:
    """Sign off an update; its action takes the state it reports."""
    return workflow.sign_off(ACTION_UPDATE, item=update, by=by, expected_version=expected_version)


@transaction.atomic
def revise_action_update(
    *, update: ActionUpdate, entries: dict, by, reason: str, expected_version: int | None = None
) -> ActionUpdate:
    """Change a signed-off update: needs a reason, and sends it for sign-off again."""
    return workflow.revise(
        ACTION_UPDATE,
        item=update,
        entries=entries,
        by=by,
        reason=reason,
        expected_version=expected_version,
    )


def revisions_of(update: ActionUpdate):
    return workflow.revisions_of(ACTION_UPDATE, update)
