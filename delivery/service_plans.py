"""Service plans: a service's objectives and actions for a financial year, drafted by the
service, signed off by the director of its directorate, then reported on through the year.

The plan is one kind of return: `SERVICE_PLAN` passes it to the one workflow in
`signoff.workflow` (submit, return with a reason, sign off, revise with a reason). Its
objectives and actions change only while it is a draft or returned; each such change locks the
plan, checks the caller's copy is current and keeps a revision holding the plan's contents.
After sign-off, actions' progress is recorded with `record_action_progress`, which keeps every
change (`ActionProgress`). A plan follows the financial year, so no reporting cycle locks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from audit.context import audited
from delivery.models import (
    ActionProgress,
    ServicePlan,
    ServicePlanAction,
    ServicePlanObjective,
    ServicePlanRevision,
)
from delivery.plan import PlanError
from indicators.models import Indicator, Lifecycle, Period
from organisation.models import OrgUnit, OrgUnitKind, Role
from organisation.permissions import Action, can, require, roles_of, scope_unit_ids
from signoff import workflow
from signoff.models import ReturnState, RevisionAction
from signoff.workflow import (  # noqa: F401  (callers catch these from here)
    REASON_REQUIRED,
    InvalidEntry,
    StaleError,
    WorkflowError,
)
from status.delivery import DeliveryStatus, delivery_status
from status.periods import PeriodKind

ENTRY_FIELDS = ("summary",)

SUMMARY_REQUIRED = "Say what the service is for and what the plan sets out to do"
OBJECTIVES_REQUIRED = "Add at least one objective before you submit the plan"
ACTIONS_REQUIRED = "Give every objective at least one action before you submit the plan: {title}"
NOT_A_SERVICE = "A service plan belongs to a service"
NOT_A_YEAR = "A service plan covers a financial year"
ALREADY_STARTED = "{service} already has a service plan for {year}"
TITLE_REQUIRED = "Give it a title"
OWNER_REQUIRED = "Choose who owns the action"
DUE_BEFORE_START = "The due date must be the same as or after the start date"
PERCENT_RANGE = "Enter % complete as a whole number from 0 to 100"
NOTE_REQUIRED = "Say what progress was made"
NOTHING_CHANGED = "Change the % complete or the deferral before you record progress"
NOT_REPORTING = "Progress is recorded once the service plan is signed off"
NOT_DIRECTOR = "Only the director of the service's directorate signs off its service plan"


def plan_problems(plan: ServicePlan, submitting: bool) -> dict[str, str]:
    """What is wrong with the plan as it would be saved; a submitted plan must be complete."""
    if not submitting:
        return {}
    if not plan.summary.strip():
        return {"summary": SUMMARY_REQUIRED}
    objectives = list(plan.objectives.annotate(action_count=models.Count("actions")))
    if not objectives:
        return {"objectives": OBJECTIVES_REQUIRED}
    for objective in objectives:
        if not objective.action_count:
            return {"objectives": ACTIONS_REQUIRED.format(title=objective.title)}
    return {}


def _about(plan: ServicePlan) -> workflow.About:
    from notices.sending import people_covering  # notices reads reports, which read plans

    return workflow.About(
        title=f"{plan.service.name}, {plan.year.label}",
        unit=plan.service,
        link=reverse("delivery:service_plan", args=[plan.service.code, plan.year.code]),
        # Signed off by the director (`may_decide`), not the head of service who drafts it.
        deciders=tuple(
            person
            for person in people_covering(Role.DIRECTOR, [plan.service])
            if person.pk != plan.submitted_by_id
        ),
    )


SERVICE_PLAN = workflow.ReturnKind(
    noun="service plan",
    nouns="service plans",
    model=ServicePlan,
    revision_model=ServicePlanRevision,
    revision_of="plan",
    entry_fields=ENTRY_FIELDS,
    problems=plan_problems,
    # Yearly: no quarterly reporting cycle locks a plan.
    period_of=lambda plan: None,
    about=_about,
    select_related=("service", "year"),
)

# The messages, in a service plan's words (tests and pages compare with these).
STALE = SERVICE_PLAN.says(workflow.STALE)
NOT_EDITABLE = workflow.NOT_EDITABLE.replace("{noun}", SERVICE_PLAN.noun)
CANNOT_SUBMIT = SERVICE_PLAN.says(workflow.CANNOT_SUBMIT)
CANNOT_DECIDE = SERVICE_PLAN.says(workflow.CANNOT_DECIDE)
OWN_SUBMISSION = SERVICE_PLAN.says(workflow.OWN_SUBMISSION)
NOT_SIGNED_OFF = SERVICE_PLAN.says(workflow.NOT_SIGNED_OFF)
# What a stale save names as the other person's change (`StaleError.named`).
FIELD_WORDS = {
    "state": "its state",
    "summary": "the purpose and summary",
    "contents": "its objectives and actions",
    "links": "its indicators and risks",
}


def may_decide(user, plan: ServicePlan) -> bool:
    """Whether `user` may sign off or return the plan: a director whose scope covers the
    service, never for a plan they submitted."""
    if not user.is_authenticated or not user.is_active:
        return False
    if Role.DIRECTOR not in roles_of(user) or plan.service_id not in scope_unit_ids(user):
        return False
    return plan.submitted_by_id != user.pk


def require_decider(user, plan: ServicePlan) -> None:
    """Refuse unless `may_decide`: out of scope looks like not found (404)."""
    if may_decide(user, plan):
        return
    if not can(user, Action.VIEW_UNAPPROVED, plan):
        raise Http404("Not found")
    raise PermissionDenied(NOT_DIRECTOR)


def service_indicators(service: OrgUnit) -> models.QuerySet:
    """The indicators a service owns and still reports (not retired)."""
    return Indicator.objects.filter(owner=service).exclude(lifecycle=Lifecycle.RETIRED)


def _write_revision(plan: ServicePlan, *, before, by, reason: str, at) -> ServicePlanRevision:
    last = plan.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return ServicePlanRevision.objects.create(
        plan=plan,
        number=last + 1,
        action=RevisionAction.EDITED,
        before=before,
        after=plan.snapshot(),
        reason=reason,
        changed_by=by,
        changed_at=at,
    )


def _editable(plan: ServicePlan, by, expected_version: int | None) -> tuple[ServicePlan, dict]:
    """The plan locked for a change of its contents, with its snapshot before the change."""
    plan = ServicePlan.objects.select_for_update().select_related("service").get(pk=plan.pk)
    require(by, Action.ENTER_VALUE, plan)
    if expected_version is not None and plan.lock_version != expected_version:
        last = plan.revisions.select_related("changed_by").order_by("number").last()
        raise StaleError(STALE, noun=SERVICE_PLAN.noun, last=last)
    if not plan.is_editable:
        raise WorkflowError(NOT_EDITABLE.format(state=plan.get_state_display().lower()))
    return plan, plan.snapshot()


def _kept(plan: ServicePlan, before: dict, *, by, reason: str) -> ServicePlan:
    """Raise the plan's version and keep a revision of the change to its contents; a change
    that changed nothing keeps nothing."""
    if plan.snapshot() == before:
        return plan
    now = timezone.now()
    plan.lock_version += 1
    plan.updated_at = now
    plan.save(update_fields=["lock_version", "updated_at"])
    _write_revision(plan, before=before, by=by, reason=reason, at=now)
    return plan


@transaction.atomic
@audited()
def start_plan(*, service: OrgUnit, year: Period, by, summary: str = "") -> ServicePlan:
    """Start a service's draft plan for a financial year, answering for the service's own
    indicators until the service changes them."""
    require(by, Action.ENTER_VALUE, service)
    if service.kind != OrgUnitKind.SERVICE:
        raise PlanError({"service": NOT_A_SERVICE})
    if year.kind != PeriodKind.financial_year:
        raise PlanError({"year": NOT_A_YEAR})
    if ServicePlan.objects.filter(service=service, year=year).exists():
        raise PlanError({"service": ALREADY_STARTED.format(service=service.name, year=year.label)})
    plan = workflow.create(
        SERVICE_PLAN,
        item=ServicePlan(service=service, year=year),
        entries={"summary": summary},
        by=by,
    )
    plan.indicators.set(service_indicators(service))
    return plan


@transaction.atomic
@audited()
def copy_service_indicators(*, plan: ServicePlan, by) -> list[Indicator]:
    """Make the plan answer for the service's own indicators (replacing those linked)."""
    plan, before = _editable(plan, by, None)
    indicators = list(service_indicators(plan.service))
    plan.indicators.set(indicators)
    _kept(plan, before, by=by, reason="The service's own indicators copied")
    return indicators


@transaction.atomic
@audited()
def link_plan(
    *,
    plan: ServicePlan,
    indicators: Iterable[Indicator],
    risks: Iterable,
    by,
    expected_version: int | None = None,
) -> ServicePlan:
    """Set the indicators the plan answers for and the risks it names."""
    plan, before = _editable(plan, by, expected_version)
    plan.indicators.set(indicators)
    plan.risks.set(risks)
    return _kept(plan, before, by=by, reason="Indicators and risks changed")


@transaction.atomic
def edit_plan(
    *,
    plan: ServicePlan,
    summary: str,
    by,
    expected_version: int | None = None,
    submit: bool = False,
) -> ServicePlan:
    """Change a draft or returned plan's summary; with `submit`, send it for sign-off too, so
    a refusal to submit saves nothing either."""
    require(by, Action.ENTER_VALUE, plan)
    plan = workflow.edit(
        SERVICE_PLAN,
        item=plan,
        entries={"summary": summary},
        by=by,
        expected_version=expected_version,
    )
    if submit:
        plan = workflow.submit(SERVICE_PLAN, item=plan, by=by)
    return plan


@transaction.atomic
def submit_plan(*, plan: ServicePlan, by, expected_version: int | None = None) -> ServicePlan:
    """Send the plan to the director for sign-off; it must have a summary and objectives
    that each have an action."""
    require(by, Action.ENTER_VALUE, plan)
    return workflow.submit(SERVICE_PLAN, item=plan, by=by, expected_version=expected_version)


@transaction.atomic
def return_plan(
    *, plan: ServicePlan, by, reason: str, expected_version: int | None = None
) -> ServicePlan:
    """Send the plan back to the service with the reason it will read."""
    require_decider(by, plan)
    return workflow.send_back(
        SERVICE_PLAN, item=plan, by=by, reason=reason, expected_version=expected_version
    )


@transaction.atomic
def sign_off_plan(*, plan: ServicePlan, by, expected_version: int | None = None) -> ServicePlan:
    require_decider(by, plan)
    return workflow.sign_off(SERVICE_PLAN, item=plan, by=by, expected_version=expected_version)


@transaction.atomic
def revise_plan(
    *, plan: ServicePlan, summary: str, by, reason: str, expected_version: int | None = None
) -> ServicePlan:
    """Change a signed-off plan: needs a reason, and sends it to the director again (who may
    return it, so its objectives and actions can change)."""
    require(by, Action.ENTER_VALUE, plan)
    return workflow.revise(
        SERVICE_PLAN,
        item=plan,
        entries={"summary": summary},
        by=by,
        reason=reason,
        expected_version=expected_version,
    )


def revisions_of(plan: ServicePlan):
    """The plan's kept revisions, oldest first, with who made each."""
    return workflow.revisions_of(SERVICE_PLAN, plan).select_related("changed_by")


def _objective_problems(title: str) -> dict[str, str]:
    return {} if title.strip() else {"title": TITLE_REQUIRED}


@transaction.atomic
@audited()
def add_objective(
    *,
    plan: ServicePlan,
    title: str,
    by,
    description: str = "",
    outcomes: Iterable = (),
    expected_version: int | None = None,
) -> ServicePlanObjective:
    """Add an objective after the plan's others."""
    plan, before = _editable(plan, by, expected_version)
    problems = _objective_problems(title)
    if problems:
        raise PlanError(problems)
    last = plan.objectives.aggregate(last=models.Max("position"))["last"]
    objective = ServicePlanObjective.objects.create(
        plan=plan,
        title=title.strip(),
        description=description,
        position=0 if last is None else last + 1,
    )
    objective.outcomes.set(outcomes)
    _kept(plan, before, by=by, reason=f"Objective added: {objective.title}")
    return objective


@transaction.atomic
@audited()
def change_objective(
    *,
    objective: ServicePlanObjective,
    title: str,
    description: str,
    outcomes: Iterable,
    by,
    expected_version: int | None = None,
) -> ServicePlanObjective:
    plan, before = _editable(objective.plan, by, expected_version)
    problems = _objective_problems(title)
    if problems:
        raise PlanError(problems)
    objective = plan.objectives.get(pk=objective.pk)
    objective.title, objective.description = title.strip(), description
    objective.save(update_fields=["title", "description"])
    objective.outcomes.set(outcomes)
    _kept(plan, before, by=by, reason=f"Objective changed: {objective.title}")
    return objective


@transaction.atomic
@audited()
def remove_objective(
    *, objective: ServicePlanObjective, by, expected_version: int | None = None
) -> None:
    """Remove an objective and its actions from a draft or returned plan."""
    plan, before = _editable(objective.plan, by, expected_version)
    objective = plan.objectives.get(pk=objective.pk)
    title = objective.title
    objective.delete()
    _kept(plan, before, by=by, reason=f"Objective removed: {title}")


def _action_problems(title: str, owner, starts_on: date | None, due_on: date | None) -> dict:
    problems = {}
    if not title.strip():
        problems["title"] = TITLE_REQUIRED
    if owner is None:
        problems["owner"] = OWNER_REQUIRED
    if starts_on and due_on and due_on < starts_on:
        problems["due_on"] = DUE_BEFORE_START
    return problems


@transaction.atomic
@audited()
def add_action(
    *,
    objective: ServicePlanObjective,
    title: str,
    owner,
    starts_on: date,
    due_on: date,
    by,
    expected_version: int | None = None,
) -> ServicePlanAction:
    """Add an action to an objective, not yet started (0% complete)."""
    plan, before = _editable(objective.plan, by, expected_version)
    problems = _action_problems(title, owner, starts_on, due_on)
    if problems:
        raise PlanError(problems)
    objective = plan.objectives.get(pk=objective.pk)
    last = objective.actions.aggregate(last=models.Max("position"))["last"]
    action = ServicePlanAction.objects.create(
        objective=objective,
        title=title.strip(),
        owner=owner,
        starts_on=starts_on,
        due_on=due_on,
        position=0 if last is None else last + 1,
    )
    _kept(plan, before, by=by, reason=f"Action added: {action.title}")
    return action


@transaction.atomic
@audited()
def change_action(
    *,
    action: ServicePlanAction,
    title: str,
    owner,
    starts_on: date,
    due_on: date,
    by,
    objective: ServicePlanObjective | None = None,
    expected_version: int | None = None,
) -> ServicePlanAction:
    """Change an action's details; `objective` moves it to another objective of its plan."""
    plan, before = _editable(action.objective.plan, by, expected_version)
    problems = _action_problems(title, owner, starts_on, due_on)
    if problems:
        raise PlanError(problems)
    action = ServicePlanAction.objects.get(pk=action.pk, objective__plan=plan)
    if objective is not None:
        action.objective = plan.objectives.get(pk=objective.pk)
    action.title, action.owner = title.strip(), owner
    action.starts_on, action.due_on = starts_on, due_on
    action.save(update_fields=["objective", "title", "owner", "starts_on", "due_on"])
    _kept(plan, before, by=by, reason=f"Action changed: {action.title}")
    return action


@transaction.atomic
@audited()
def remove_action(*, action: ServicePlanAction, by, expected_version: int | None = None) -> None:
    plan, before = _editable(action.objective.plan, by, expected_version)
    action = ServicePlanAction.objects.get(pk=action.pk, objective__plan=plan)
    title = action.title
    action.delete()
    _kept(plan, before, by=by, reason=f"Action removed: {title}")


@transaction.atomic
@audited(reason="note")
def record_action_progress(
    action: ServicePlanAction,
    percent_complete: int,
    note: str,
    by,
    *,
    deferred_reason: str | None = None,
) -> ActionProgress:
    """Report an action's progress through the year, once its plan is signed off: keeps the
    % complete (and deferral) before and after, who, when and the note. `deferred_reason`
    None leaves the deferral as it is; "" clears it."""
    action = (
        ServicePlanAction.objects.select_for_update()
        .select_related("objective__plan")
        .get(pk=action.pk)
    )
    plan = action.objective.plan
    require(by, Action.ENTER_VALUE, plan)
    if plan.state not in (ReturnState.APPROVED, ReturnState.PUBLISHED):
        raise WorkflowError(NOT_REPORTING)
    percent = percent_complete
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise PlanError({"percent_complete": PERCENT_RANGE})
    if not note.strip():
        raise PlanError({"note": NOTE_REQUIRED})
    deferral = action.deferred_reason if deferred_reason is None else deferred_reason.strip()
    if percent == action.percent_complete and deferral == action.deferred_reason:
        raise PlanError({"percent_complete": NOTHING_CHANGED})
    progress = ActionProgress.objects.create(
        action=action,
        before_percent=action.percent_complete,
        after_percent=percent,
        before_deferred_reason=action.deferred_reason,
        after_deferred_reason=deferral,
        note=note.strip(),
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    action.percent_complete, action.deferred_reason = percent, deferral
    action.save(update_fields=["percent_complete", "deferred_reason"])
    return progress


def action_status(
    action: ServicePlanAction, on: date, progress: Iterable[ActionProgress] | None = None
) -> DeliveryStatus:
    """The action's delivery status on a date (STATUS-RULES: projects and actions), judged on
    its progress as it stood at the end of that day: the first report after the date says what
    it was before. `progress` is the action's reports, oldest first (None: read them)."""
    percent, deferral = action.percent_complete, action.deferred_reason
    reports = action.progress.all() if progress is None else progress
    for report in reports:
        if timezone.localtime(report.recorded_at).date() > on:
            percent, deferral = report.before_percent, report.before_deferred_reason
            break
    return delivery_status(
        percent_complete=percent,
        start=action.starts_on,
        end=action.due_on,
        on=on,
        deferred_reason=deferral,
    )
