"""State changes of a project update: record, submit, return, approve, revise.

A project update is one kind of return: these pass its `ReturnKind` to the one workflow in
`signoff.workflow`, which locks the update, checks the caller's copy is current and writes a
revision. Its period's closed reporting cycle locks it, as it locks that period's figures.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from delivery.models import Project, ProjectState, ProjectUpdate, ProjectUpdateRevision
from indicators.models import Period
from signoff import workflow
from signoff.workflow import (  # noqa: F401  (callers catch these from here)
    REASON_REQUIRED,
    InvalidEntry,
    StaleError,
    WorkflowError,
    is_locked,
)
from status.delivery import DeliveryReading, DeliveryStatus, delivery_status, with_override

ENTRY_FIELDS = (
    "percent_complete",
    "status_override",
    "override_reason",
    "deferred_reason",
    "done",
    "next_steps",
    "issues",
)

PERCENT_RANGE = "Enter % complete as a whole number from 0 to 100"
PERCENT_REQUIRED = "Enter % complete before you submit the update"
OVERRIDE_UNKNOWN = "Choose a delivery status from the list"
OVERRIDE_REASON_REQUIRED = "Give the reason you are overriding the calculated delivery status"
DONE_REQUIRED = "Say what was done this period before you submit the update"
PROJECT_CLOSED = "This project is closed, so it takes no more updates"


def update_problems(update: ProjectUpdate, submitting: bool) -> dict[str, str]:
    """What is wrong with the update as it would be saved, by field."""
    problems = {}
    percent = update.percent_complete
    if percent is None:
        if submitting:
            problems["percent_complete"] = PERCENT_REQUIRED
    elif isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        problems["percent_complete"] = PERCENT_RANGE
    if update.status_override:
        if update.status_override not in DeliveryStatus:
            problems["status_override"] = OVERRIDE_UNKNOWN
        elif not update.override_reason.strip():
            problems["override_reason"] = OVERRIDE_REASON_REQUIRED
    if submitting and not update.done.strip():
        problems["done"] = DONE_REQUIRED
    return problems


def _about(update: ProjectUpdate) -> workflow.About:
    project = update.project
    return workflow.About(
        title=f"{project.reference} {project.title}, {update.period.label}",
        unit=project.lead_service,
        link=reverse("delivery:project", args=[project.pk]),
    )


PROJECT_UPDATE = workflow.ReturnKind(
    noun="project update",
    nouns="project updates",
    model=ProjectUpdate,
    revision_model=ProjectUpdateRevision,
    revision_of="update",
    entry_fields=ENTRY_FIELDS,
    problems=update_problems,
    period_of=lambda update: update.period,
    about=_about,
    select_related=("period", "project"),
)

# The messages, in a project update's words (tests and pages compare with these).
STALE = PROJECT_UPDATE.says(workflow.STALE)
NOT_EDITABLE = workflow.NOT_EDITABLE.replace("{noun}", PROJECT_UPDATE.noun)
CANNOT_SUBMIT = PROJECT_UPDATE.says(workflow.CANNOT_SUBMIT)
CANNOT_DECIDE = PROJECT_UPDATE.says(workflow.CANNOT_DECIDE)
OWN_SUBMISSION = PROJECT_UPDATE.says(workflow.OWN_SUBMISSION)
NOT_SIGNED_OFF = PROJECT_UPDATE.says(workflow.NOT_SIGNED_OFF)
CYCLE_CLOSED = workflow.CYCLE_CLOSED.replace("{nouns}", PROJECT_UPDATE.nouns)


def update_reading(
    update: ProjectUpdate, project: Project, period: Period
) -> DeliveryReading | None:
    """The delivery status the update shows, as at its period's end (STATUS-RULES: projects);
    None while it has no % complete."""
    if update.percent_complete is None:
        return None
    calculated = delivery_status(
        percent_complete=update.percent_complete,
        start=project.starts_on,
        end=project.ends_on,
        on=period.ends_on,
        deferred_reason=update.deferred_reason,
    )
    override = DeliveryStatus(update.status_override) if update.status_override else None
    return with_override(calculated, override, update.override_reason if override else None)


@transaction.atomic
def record_update(
    *,
    project: Project,
    period: Period,
    entries: dict,
    by,
    expected_version: int | None = None,
    reason: str = "",
    submit: bool = False,
) -> ProjectUpdate:
    """Create or edit the draft update of a project for a period; with `submit`, send it for
    sign-off too, so a refusal to submit saves nothing either."""
    workflow.check_open(PROJECT_UPDATE, period)
    if project.state == ProjectState.CLOSED:
        raise WorkflowError(PROJECT_CLOSED)
    existing = ProjectUpdate.objects.filter(project=project, period=period).first()
    if existing is None:
        update = workflow.create(
            PROJECT_UPDATE,
            item=ProjectUpdate(project=project, period=period),
            entries=entries,
            by=by,
            reason=reason,
        )
    else:
        update = workflow.edit(
            PROJECT_UPDATE,
            item=existing,
            entries=entries,
            by=by,
            expected_version=expected_version,
            reason=reason,
        )
    if submit:
        update = workflow.submit(PROJECT_UPDATE, item=update, by=by)
    return update


@transaction.atomic
def submit_update(*, update: ProjectUpdate, by, expected_version: int | None = None):
    return workflow.submit(PROJECT_UPDATE, item=update, by=by, expected_version=expected_version)


@transaction.atomic
def return_update(
    *, update: ProjectUpdate, by, reason: str, expected_version: int | None = None
) -> ProjectUpdate:
    return workflow.send_back(
        PROJECT_UPDATE, item=update, by=by, reason=reason, expected_version=expected_version
    )


@transaction.atomic
def approve_update(
    *, update: ProjectUpdate, by, expected_version: int | None = None
) -> ProjectUpdate:
    return workflow.sign_off(PROJECT_UPDATE, item=update, by=by, expected_version=expected_version)


@transaction.atomic
def revise_update(
    *, update: ProjectUpdate, entries: dict, by, reason: str, expected_version: int | None = None
) -> ProjectUpdate:
    """Change a signed-off update: needs a reason, and sends it for sign-off again."""
    return workflow.revise(
        PROJECT_UPDATE,
        item=update,
        entries=entries,
        by=by,
        reason=reason,
        expected_version=expected_version,
    )


def revisions_of(update: ProjectUpdate):
    """The update's kept revisions, oldest first, with who made each."""
    return workflow.revisions_of(PROJECT_UPDATE, update).select_related("changed_by")
