"""The service plan pages: the plans in a person's scope for the current financial year, and one
service's plan for a year.

A signed-off plan is read by anyone signed in; a plan before sign-off only within scope
(VIEW_UNAPPROVED for the service), and out of scope it is answered as not found. The service's
data owners (ENTER_VALUE) draft, submit and revise it and record its actions' progress; the
director of its directorate signs it off or returns it (`service_plans.may_decide`).
"""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from delivery.models import ServicePlan, ServicePlanAction
from delivery.plan import PlanError
from delivery.service_plan_forms import (
    RETURN,
    ActionForm,
    DecisionForm,
    LinksForm,
    ObjectiveForm,
    ProgressForm,
    SummaryForm,
    VersionedForm,
)
from delivery.service_plan_queries import (
    financial_year_on,
    plan_view,
    plans_awaiting_sign_off,
    plans_in_scope,
    service_plan,
)
from delivery.service_plans import (
    FIELD_WORDS,
    InvalidEntry,
    WorkflowError,
    add_action,
    add_objective,
    change_action,
    change_objective,
    copy_service_indicators,
    edit_plan,
    link_plan,
    may_decide,
    record_action_progress,
    remove_action,
    remove_objective,
    require_decider,
    return_plan,
    revise_plan,
    revisions_of,
    service_indicators,
    sign_off_plan,
    start_plan,
)
from indicators.models import Indicator, Period
from organisation.models import OrgUnit, OrgUnitKind
from organisation.permissions import Action, can, require
from returns.forms import form_problems
from risks.models import Risk
from signoff.models import ReturnState, RevisionAction
from signoff.workflow import refusal
from status.periods import PeriodKind

STARTED = "The service plan was started as a draft."
SAVED = "The service plan was saved as a draft."
SUBMITTED = "The service plan was sent to the director for sign-off."
REVISED = "The service plan was changed and sent for sign-off again."
SIGNED_OFF = "The service plan was signed off."
RETURNED = "The service plan was returned to the service with your reason."
OBJECTIVE_ADDED = "The objective was added."
OBJECTIVE_REMOVED = "The objective and its actions were removed."
ACTION_ADDED = "The action was added."
OBJECTIVE_CHANGED = "The objective was changed."
ACTION_CHANGED = "The action was changed."
ACTION_REMOVED = "The action was removed."
LINKED = "The plan's indicators and risks were saved."
COPIED = "The plan now answers for the service's own indicators."
PROGRESS_RECORDED = "The action's progress was recorded."
NO_YEAR = "No financial year covers today"


def _service_and_year(service_code: str, year_code: str) -> tuple[OrgUnit, Period]:
    service = get_object_or_404(
        OrgUnit.objects.select_related("parent"), code=service_code, kind=OrgUnitKind.SERVICE
    )
    year = get_object_or_404(Period, kind=PeriodKind.financial_year, code=year_code)
    return service, year


@login_required
def service_plans_page(request):
    """The plans of the services in the person's scope for the current financial year."""
    require(request.user, Action.VIEW_SCORECARDS)
    year = financial_year_on(timezone.localdate())
    if year is None:
        raise Http404(NO_YEAR)
    rows = [
        (
            listing,
            reverse("delivery:service_plan", args=[listing.service.code, year.code]),
            listing.plan is None and can(request.user, Action.ENTER_VALUE, listing.service),
        )
        for listing in plans_in_scope(request.user, year)
    ]
    return render(
        request,
        "delivery/service_plans/list.html",
        {
            "year": year,
            "rows": rows,
            "awaiting": plans_awaiting_sign_off(request.user, year),
            "breadcrumbs": [("Service plans", None)],
        },
    )


def _posted_pk(request, name: str) -> int:
    """The id a button posted; anything but a whole number is not found."""
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404("Not found")
    return int(value)


def _fail(form, error: Exception) -> list[tuple[str, str]]:
    """A refusal from the domain, shown on the form's fields."""
    problems = getattr(error, "problems", None) or {None: refusal(error, FIELD_WORDS)}
    for name, message in problems.items():
        form.add_error(name if name in form.fields else None, message)
    return form_problems(form)


def _start(request, service: OrgUnit, year: Period):
    require(request.user, Action.ENTER_VALUE, service)
    # Started meanwhile by someone else: theirs is shown.
    with contextlib.suppress(PlanError):
        start_plan(service=service, year=year, by=request.user)
    messages.success(request, STARTED)
    return redirect(request.path)


def _enter(request, plan: ServicePlan):
    """Save, submit or revise the summary; returns (done message or None, form, problems)."""
    revising = plan.is_signed_off
    form = SummaryForm(request.POST, revising=revising)
    if not form.is_valid():
        return None, form, form_problems(form)
    data, by = form.cleaned_data, request.user
    try:
        if revising:
            revise_plan(
                plan=plan,
                summary=data["summary"],
                by=by,
                reason=data["reason"],
                expected_version=data["lock_version"],
            )
            return REVISED, form, []
        submitting = "submit" in request.POST
        edit_plan(
            plan=plan,
            summary=data["summary"],
            by=by,
            expected_version=data["lock_version"],
            submit=submitting,
        )
        return (SUBMITTED if submitting else SAVED), form, []
    except (InvalidEntry, WorkflowError) as error:
        return None, form, _fail(form, error)


def _decide(request, plan: ServicePlan):
    require_decider(request.user, plan)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return None, form, form_problems(form)
    data = form.cleaned_data
    try:
        if data["decision"] == RETURN:
            return_plan(
                plan=plan,
                by=request.user,
                reason=data["return_reason"],
                expected_version=data["lock_version"],
            )
            return RETURNED, form, []
        sign_off_plan(plan=plan, by=request.user, expected_version=data["lock_version"])
        return SIGNED_OFF, form, []
    except WorkflowError as error:
        return None, form, _fail(form, error)


def _add_objective(request, plan: ServicePlan):
    form = ObjectiveForm(request.POST, prefix="objective")
    if not form.is_valid():
        return None, form, form_problems(form)
    data = form.cleaned_data
    try:
        add_objective(
            plan=plan,
            title=data["title"],
            description=data["description"],
            outcomes=data["outcomes"],
            by=request.user,
            expected_version=data["lock_version"],
        )
    except (PlanError, WorkflowError) as error:
        return None, form, _fail(form, error)
    return OBJECTIVE_ADDED, form, []


def _add_action(request, plan: ServicePlan):
    form = ActionForm(request.POST, prefix="action", objectives=plan.objectives.all())
    if not form.is_valid():
        return None, form, form_problems(form)
    data = form.cleaned_data
    try:
        add_action(
            objective=data["objective"],
            title=data["title"],
            owner=data["owner"],
            starts_on=data["starts_on"],
            due_on=data["due_on"],
            by=request.user,
            expected_version=data["lock_version"],
        )
    except (PlanError, WorkflowError) as error:
        return None, form, _fail(form, error)
    return ACTION_ADDED, form, []


def _change_objective(request, plan: ServicePlan):
    objective = get_object_or_404(plan.objectives, pk=_posted_pk(request, "change_objective"))
    form = ObjectiveForm(request.POST, prefix=f"objective-{objective.pk}")
    if not form.is_valid():
        return None, form, form_problems(form)
    data = form.cleaned_data
    try:
        change_objective(
            objective=objective,
            title=data["title"],
            description=data["description"],
            outcomes=data["outcomes"],
            by=request.user,
            expected_version=data["lock_version"],
        )
    except (PlanError, WorkflowError) as error:
        return None, form, _fail(form, error)
    return OBJECTIVE_CHANGED, form, []


def _change_action(request, plan: ServicePlan):
    action = get_object_or_404(
        ServicePlanAction, pk=_posted_pk(request, "change_action"), objective__plan=plan
    )
    form = ActionForm(request.POST, prefix=f"action-{action.pk}", objectives=plan.objectives.all())
    if not form.is_valid():
        return None, form, form_problems(form)
    data = form.cleaned_data
    try:
        change_action(
            action=action,
            objective=data["objective"],
            title=data["title"],
            owner=data["owner"],
            starts_on=data["starts_on"],
            due_on=data["due_on"],
            by=request.user,
            expected_version=data["lock_version"],
        )
    except (PlanError, WorkflowError) as error:
        return None, form, _fail(form, error)
    return ACTION_CHANGED, form, []


def _remove(request, plan: ServicePlan):
    form = VersionedForm(request.POST)
    form.is_valid()
    version = form.cleaned_data.get("lock_version")
    try:
        if "remove_objective" in request.POST:
            objective = get_object_or_404(
                plan.objectives, pk=_posted_pk(request, "remove_objective")
            )
            remove_objective(objective=objective, by=request.user, expected_version=version)
            return OBJECTIVE_REMOVED, None, []
        action = get_object_or_404(
            ServicePlanAction, pk=_posted_pk(request, "remove_action"), objective__plan=plan
        )
        remove_action(action=action, by=request.user, expected_version=version)
        return ACTION_REMOVED, None, []
    except WorkflowError as error:
        return None, None, [(str(error), "")]


def _link_choices(plan: ServicePlan) -> dict:
    """What the plan may link: the service's indicators and risks of its service or
    directorate, with any already linked."""
    unit_ids = [plan.service_id, plan.service.parent_id]
    return {
        "indicators": (
            service_indicators(plan.service) | Indicator.objects.filter(service_plans=plan)
        )
        .distinct()
        .order_by("code"),
        "risks": (
            Risk.objects.filter(unit_id__in=unit_ids) | Risk.objects.filter(service_plans=plan)
        )
        .distinct()
        .order_by("reference"),
    }


def _link(request, plan: ServicePlan):
    if "copy_indicators" in request.POST:
        try:
            copy_service_indicators(plan=plan, by=request.user)
        except WorkflowError as error:
            return None, None, [(str(error), "")]
        return COPIED, None, []
    form = LinksForm(request.POST, prefix="links", **_link_choices(plan))
    if not form.is_valid():
        return None, form, form_problems(form)
    data = form.cleaned_data
    try:
        link_plan(
            plan=plan,
            indicators=data["indicators"],
            risks=data["risks"],
            by=request.user,
            expected_version=data["lock_version"],
        )
    except WorkflowError as error:
        return None, form, _fail(form, error)
    return LINKED, form, []


def _progress(request, plan: ServicePlan):
    action = get_object_or_404(
        ServicePlanAction, pk=_posted_pk(request, "progress"), objective__plan=plan
    )
    form = ProgressForm(request.POST, prefix=f"progress-{action.pk}")
    if not form.is_valid():
        return None, form, form_problems(form)
    data = form.cleaned_data
    try:
        record_action_progress(
            action,
            data["percent_complete"],
            data["note"],
            request.user,
            deferred_reason=data["deferred_reason"],
        )
    except (PlanError, WorkflowError) as error:
        return None, form, _fail(form, error)
    return PROGRESS_RECORDED, form, []


SUMMARY_BUTTONS = ("save", "submit", "revise")
HANDLERS = (
    ("decide", _decide),
    ("add_objective", _add_objective),
    ("add_action", _add_action),
    ("change_objective", _change_objective),
    ("change_action", _change_action),
    ("remove_objective", _remove),
    ("remove_action", _remove),
    ("copy_indicators", _link),
    ("links", _link),
    ("progress", _progress),
)


def _handle(request, plan: ServicePlan):
    """Run the change the form's button asks for: (the button, done message, form, problems)."""
    for button, handler in HANDLERS:
        if button in request.POST:
            if handler is not _decide:
                require(request.user, Action.ENTER_VALUE, plan)
            return (button, *handler(request, plan))
    if any(button in request.POST for button in SUMMARY_BUTTONS):
        require(request.user, Action.ENTER_VALUE, plan)
        return ("summary", *_enter(request, plan))
    return (None, None, None, [])


def _posted(posted: dict, button: str, form_class, **kwargs):
    """The form posted with its errors when it is this one (same button and prefix), else a
    fresh one made with `kwargs`."""
    form = posted.get(button)
    if form is not None and form.prefix == kwargs.get("prefix"):
        return form
    return form_class(**kwargs)


def _line_forms(plan: ServicePlan, view, posted: dict, *, editable: bool, reporting: bool):
    """Give each objective and action line the forms the person may use on it."""
    version = {"lock_version": plan.lock_version}
    shared: dict = {}
    for objective_line in view.objectives:
        objective = objective_line.objective
        if editable:
            objective_line.change_form = _posted(
                posted,
                "change_objective",
                ObjectiveForm,
                prefix=f"objective-{objective.pk}",
                initial={
                    **version,
                    "title": objective.title,
                    "description": objective.description,
                    "outcomes": list(objective.outcomes.all()),
                },
            )
            objective_line.change_form.share_choices(shared, "outcomes")
        for line in objective_line.actions:
            action = line.action
            if editable:
                line.change_form = _posted(
                    posted,
                    "change_action",
                    ActionForm,
                    prefix=f"action-{action.pk}",
                    objectives=plan.objectives.all(),
                    initial={
                        **version,
                        "objective": objective.pk,
                        "title": action.title,
                        "owner": action.owner_id,
                        "starts_on": action.starts_on,
                        "due_on": action.due_on,
                    },
                )
                line.change_form.share_choices(shared, "objective", "owner")
            if reporting:
                line.progress_form = _posted(
                    posted,
                    "progress",
                    ProgressForm,
                    prefix=f"progress-{action.pk}",
                    initial={
                        "percent_complete": action.percent_complete,
                        "deferred_reason": action.deferred_reason,
                    },
                )


def _forms(user, plan: ServicePlan, view, posted: dict) -> dict:
    """The page's forms for this person and the plan's state (False where they may not)."""
    may_enter = can(user, Action.ENTER_VALUE, plan)
    editable = may_enter and plan.is_editable
    revising = may_enter and plan.is_signed_off
    deciding = plan.state == ReturnState.SUBMITTED and may_decide(user, plan)
    version = {"lock_version": plan.lock_version}
    _line_forms(plan, view, posted, editable=editable, reporting=revising)
    summary = {**version, "summary": plan.summary}
    links = {**version, "indicators": view.indicators, "risks": view.risks}
    objectives = plan.objectives.all()
    return {
        "editable": editable,
        "summary_form": (editable or revising)
        and _posted(posted, "summary", SummaryForm, initial=summary, revising=revising),
        "objective_form": editable
        and _posted(posted, "add_objective", ObjectiveForm, prefix="objective", initial=version),
        "action_form": editable
        and bool(view.objectives)
        and _posted(
            posted,
            "add_action",
            ActionForm,
            prefix="action",
            initial=version,
            objectives=objectives,
        ),
        "links_form": editable
        and _posted(
            posted, "links", LinksForm, prefix="links", initial=links, **_link_choices(plan)
        ),
        "decision_form": deciding and _posted(posted, "decide", DecisionForm, initial=version),
    }


@login_required
def service_plan_page(request, service_code: str, year_code: str):
    """A service's plan for a year: summary, objectives with outcomes, actions with their
    delivery status today, indicators, risks, state and history; and its forms."""
    require(request.user, Action.VIEW_SCORECARDS)
    service, year = _service_and_year(service_code, year_code)
    plan = service_plan(service, year)
    user = request.user
    if plan is None:
        if request.method == "POST" and "start" in request.POST:
            return _start(request, service, year)
        raise Http404("This service has no plan for the year")
    if not (plan.is_signed_off or can(user, Action.VIEW_UNAPPROVED, plan)):
        raise Http404("Not found")

    posted, problems = {}, []
    if request.method == "POST":
        button, done, form, problems = _handle(request, plan)
        # Nothing asked for (say "Start the plan" pressed twice): nothing changes.
        if button is None:
            return redirect(request.path)
        if done is not None:
            messages.success(request, done)
            return redirect(request.path)
        posted = {button: form}
        plan = service_plan(service, year)

    today = timezone.localdate()
    view = plan_view(plan, on=today)
    history = list(revisions_of(plan))
    if not can(user, Action.VIEW_UNAPPROVED, plan):
        history = [r for r in history if r.action == RevisionAction.APPROVED]
    context = {
        "plan": plan,
        "view": view,
        "today": today,
        "history": history,
        "problems": problems,
        **_forms(user, plan, view, posted),
        "breadcrumbs": [
            ("Service plans", reverse("delivery:service_plans")),
            (f"{service.name} {year.label}", None),
        ],
    }
    return render(
        request,
        "delivery/service_plans/plan.html",
        context,
        status=400 if problems else 200,
    )
