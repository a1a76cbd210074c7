"""The delivery plan's pages: the plan (programmes and projects, filtered, exported), a
programme and a project with its milestones and its update for the open reporting cycle.

Anyone signed in reads the plan with its signed-off updates; a draft or submitted update is seen,
entered and decided only within scope (ENTER_VALUE, APPROVE_VALUE, MANAGE_REGISTERS for the
project's lead service), and an action out of scope is answered as not found.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from delivery import exports
from delivery.forms import (
    RETURN,
    DecisionForm,
    FilterForm,
    MoveMilestoneForm,
    UpdateForm,
)
from delivery.models import Project, ProjectState
from delivery.plan import PlanError, move_milestone
from delivery.queries import (
    every_programme,
    milestone_lines,
    open_period,
    programme_summaries,
    programme_summary,
    project_rows,
    projects,
    shown_period,
    units_within,
    update_for,
    update_history,
)
from delivery.workflow import (
    InvalidEntry,
    StaleError,
    WorkflowError,
    approve_update,
    is_locked,
    record_update,
    return_update,
    revise_update,
    update_reading,
)
from indicators.models import Period
from organisation.permissions import Action, can, require
from returns.forms import form_problems
from signoff.models import SIGNED_OFF_STATES, ReturnState
from status.periods import PeriodKind

FIELD_WORDS = {
    "state": "its state",
    "percent_complete": "% complete",
    "status_override": "the override",
    "override_reason": "the override's reason",
    "deferred_reason": "the deferral",
    "done": "what was done",
    "next_steps": "what is next",
    "issues": "issues",
}
SAVED = "The update was saved as a draft."
SUBMITTED = "The update was submitted for sign-off."
REVISED = "The update was changed and sent for sign-off again."
SIGNED_OFF = "The update was signed off."
RETURNED = "The update was returned to the project's owner with your reason."
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MOVED = "The milestone's dates were changed; the change is kept with your reason."


def _quarters():
    """The quarters that have ended, newest first: those the plan can be shown for."""
    today = timezone.localdate()
    return Period.objects.filter(kind=PeriodKind.quarter, ends_on__lt=today).order_by("-ends_on")


def _period(request) -> Period:
    """The quarter asked for (`?period=2026-27-Q2`), else the latest that has ended."""
    code = request.GET.get("period")
    if code:
        return get_object_or_404(Period, kind=PeriodKind.quarter, code=code)
    period = shown_period(today=timezone.localdate())
    if period is None:
        raise Http404("No reporting period yet")
    return period


def _filtered_rows(form: FilterForm, period: Period):
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    unit = chosen.get("unit")
    found = projects(
        unit_ids=units_within([unit.pk]) if unit else None,
        programme=chosen.get("programme"),
        ambition=chosen.get("ambition"),
        outcome=chosen.get("outcome"),
        priority_only=bool(chosen.get("priority")),
    )
    rows = project_rows(found, period)
    status = chosen.get("status")
    if status == "none":
        return [row for row in rows if row.reading is None]
    if status:
        return [row for row in rows if row.reading and row.reading.status == status]
    return rows


@login_required
def plan_page(request):
    """The delivery plan: each programme's roll-up, and the projects with filters."""
    require(request.user, Action.VIEW_SCORECARDS)
    period = _period(request)
    form = FilterForm(request.GET or None, quarters=_quarters(), initial={"period": period.code})
    rows = _filtered_rows(form, period)
    return render(
        request,
        "delivery/plan.html",
        {
            "period": period,
            "form": form,
            "summaries": programme_summaries(period, every_programme()),
            "rows": rows,
            "caption": f"{len(rows)} project{'' if len(rows) == 1 else 's'}, {period.label}",
            "query": request.GET.urlencode(),
            "wide_page": True,
        },
    )


@login_required
def export(request):
    """The delivery plan's projects, as filtered, as a CSV file (`?format=xlsx`: Excel)."""
    require(request.user, Action.VIEW_SCORECARDS)
    period = _period(request)
    rows = _filtered_rows(FilterForm(request.GET or None, quarters=_quarters()), period)
    name = f"delivery-plan-{period.code}"
    if request.GET.get("format") == "xlsx":
        title = f"Delivery plan, {period.label}"
        response = HttpResponse(exports.as_xlsx(rows, title=title), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(exports.as_csv(rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
def programme_page(request, code: str):
    """A programme: its sponsor, benefits, projects' roll-up and KPIs."""
    require(request.user, Action.VIEW_SCORECARDS)
    programme = get_object_or_404(every_programme(), code=code)
    period = _period(request)
    summary = programme_summary(programme, period, today=timezone.localdate())
    return render(
        request,
        "delivery/programme.html",
        {
            "programme": programme,
            "period": period,
            "summary": summary,
            "breadcrumbs": [("Delivery plan", reverse("delivery:plan")), (programme.name, None)],
            "wide_page": True,
        },
    )


def _enter(request, project: Project, period: Period, update):
    """Save, submit or revise the update; returns (redirect or None, form, problems)."""
    require(request.user, Action.ENTER_VALUE, project)
    revising = update is not None and update.state in SIGNED_OFF_STATES
    form = UpdateForm(request.POST, revising=revising)
    if not form.is_valid():
        return None, form, form_problems(form)
    # An update made since the page opened (no version then) is someone else's change too.
    expected = form.cleaned_data["lock_version"] or (0 if update else None)
    try:
        if revising:
            revise_update(
                update=update,
                entries=form.entries(),
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=expected,
            )
            done = REVISED
        else:
            submitting = "submit" in request.POST
            record_update(
                project=project,
                period=period,
                entries=form.entries(),
                by=request.user,
                expected_version=expected,
                submit=submitting,
            )
            done = SUBMITTED if submitting else SAVED
    except StaleError as stale:
        current = update_for(project, period)
        fresh = UpdateForm(initial=UpdateForm.initial_from(current), revising=revising)
        return None, fresh, [(stale.named(FIELD_WORDS), "#id_percent_complete")]
    except InvalidEntry as invalid:
        for name, message in invalid.problems.items():
            form.add_error(name if name in form.fields else None, message)
        return None, form, form_problems(form)
    except WorkflowError as error:
        form.add_error(None, str(error))
        return None, form, form_problems(form)
    messages.success(request, done)
    return redirect(request.path), form, []


def _decide(request, update):
    """Sign off or return the submitted update; returns (redirect or None, form, problems)."""
    if update is None:
        raise Http404("Not found")
    require(request.user, Action.APPROVE_VALUE, update)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return None, form, form_problems(form)
    data = form.cleaned_data
    try:
        if data["decision"] == RETURN:
            return_update(
                update=update,
                by=request.user,
                reason=data["return_reason"],
                expected_version=data["lock_version"],
            )
            done = RETURNED
        else:
            approve_update(update=update, by=request.user, expected_version=data["lock_version"])
            done = SIGNED_OFF
    except StaleError as stale:
        return None, form, [(stale.named(FIELD_WORDS), "")]
    except WorkflowError as error:
        form.add_error(None, str(error))
        return None, form, form_problems(form)
    messages.success(request, done)
    return redirect(request.path), form, []


def _move(request, project: Project):
    """Move one of the project's milestones; returns (redirect or None, form, problems)."""
    require(request.user, Action.MANAGE_REGISTERS, project)
    milestone = get_object_or_404(project.milestones, pk=request.POST.get("milestone"))
    form = MoveMilestoneForm(request.POST, prefix=f"milestone-{milestone.pk}")
    if form.is_valid():
        try:
            move_milestone(
                milestone=milestone,
                reason=form.cleaned_data["reason"],
                by=request.user,
                **form.dates(),
            )
        except PlanError as refused:
            for name, message in refused.problems.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, MOVED)
            return redirect(request.path), form, []
    return None, form, form_problems(form)


def _milestones(project: Project, posted: MoveMilestoneForm | None, may_move: bool) -> list:
    """Each milestone line with its form to move its dates (the posted one, with its errors),
    or None where it cannot move."""
    lines = []
    for line in milestone_lines(project):
        prefix = f"milestone-{line.milestone.pk}"
        form = None
        if may_move and line.milestone.achieved_on is None:
            is_posted = posted is not None and posted.prefix == prefix
            form = posted if is_posted else MoveMilestoneForm(prefix=prefix)
        lines.append((line, form))
    return lines


@login_required
def project_page(request, project_id: int):
    """A project: details, outcomes and ambitions, milestones with every date change, its
    latest signed-off update, and its update for the open reporting cycle."""
    require(request.user, Action.VIEW_SCORECARDS)
    found = projects(include_closed=True).select_related("programme__sponsor")
    project = get_object_or_404(found, pk=project_id)
    user, period = request.user, open_period()
    update = update_for(project, period)
    update_form = decision_form = move_form = None
    problems = []
    if request.method == "POST":
        if "move" in request.POST:
            done, move_form, problems = _move(request, project)
        elif period is None:
            raise Http404("No reporting cycle is open")
        elif "decide" in request.POST:
            done, decision_form, problems = _decide(request, update)
        else:
            done, update_form, problems = _enter(request, project, period, update)
        if done is not None:
            return done
        update = update_for(project, period)

    may_see_draft = can(user, Action.VIEW_UNAPPROVED, project)
    locked = period is not None and is_locked(period)
    may_enter = (
        period is not None
        and not locked
        and project.state == ProjectState.ACTIVE
        and can(user, Action.ENTER_VALUE, project)
        and (update is None or update.state != ReturnState.SUBMITTED)
    )
    may_decide = (
        update is not None
        and update.state == ReturnState.SUBMITTED
        and can(user, Action.APPROVE_VALUE, update)
    )
    if may_enter and update_form is None:
        revising = update is not None and update.state in SIGNED_OFF_STATES
        update_form = UpdateForm(initial=UpdateForm.initial_from(update), revising=revising)
    if may_decide and decision_form is None:
        decision_form = DecisionForm(initial={"lock_version": update.lock_version})
    shown_update = update if (update and (update.is_signed_off or may_see_draft)) else None
    history = update_history(shown_update)
    if shown_update and not may_see_draft:
        history = [r for r in history if r.after.get("state") in SIGNED_OFF_STATES]
    may_move = project.state == ProjectState.ACTIVE and can(user, Action.MANAGE_REGISTERS, project)
    latest = project_rows([project], period or _period(request))[0]
    context = {
        "project": project,
        "period": period,
        "latest": latest,
        "update": shown_update,
        "reading": update_reading(shown_update, project, period) if shown_update else None,
        "history": history,
        "milestones": _milestones(project, move_form, may_move),
        "update_form": update_form if may_enter else None,
        "decision_form": decision_form if may_decide else None,
        "locked": locked,
        "problems": problems,
        "breadcrumbs": [("Delivery plan", reverse("delivery:plan")), (project.reference, None)],
    }
    return render(request, "delivery/project.html", context, status=400 if problems else 200)
