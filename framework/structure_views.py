"""The performance team's pages for the strategic framework: plans, their ambitions and the
ambitions' outcomes, as a tree; adding, changing (with a reason), reordering and removing
what nothing depends on. Each thing's page shows its history from the audit log.

The pages for committees are in `committee_views`, for reminder rules in `reminder_views`;
all of them share the edit and remove pages here (`edit_page`, `remove_page`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from framework import structure
from framework.history import history
from framework.structure import StructureError
from framework.structure_forms import (
    AmbitionForm,
    MoveForm,
    OutcomeForm,
    PlanForm,
    ReasonForm,
    put_problems,
)
from organisation.permissions import Action, require
from strategy.models import Ambition, Outcome, Plan

STRUCTURE = "Plans, ambitions and outcomes"
NOTHING_CHANGED = "Nothing was changed."


def _crumbs(*trail) -> list[tuple[str, str | None]]:
    return [("Manage the framework", reverse("framework:home")), *trail]


def _structure_crumbs(*trail) -> list[tuple[str, str | None]]:
    return _crumbs((STRUCTURE, reverse("framework:structure")), *trail)


def edit_page(
    request,
    *,
    form: ReasonForm,
    save: Callable[[dict, str], object],
    done: Callable[[object], tuple[str, str]],
    context: dict,
    renames: dict | None = None,
):
    """A page that adds or changes something: on a valid POST, `save(values, reason)` (a domain
    function) and redirect to where `done(result)` says, with its message; a refusal puts the
    problems against their fields and changes nothing."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.values(), form.cleaned_data.get("reason", ""))
        except StructureError as refused:
            put_problems(form, refused, renames)
        else:
            url, message = done(result)
            if result is False:
                messages.info(request, NOTHING_CHANGED)
            else:
                messages.success(request, message)
            return redirect(url)
    return render(
        request,
        "framework/structure/edit.html",
        {"form": form, "nav_current": "framework", **context},
        status=400 if form.errors else 200,
    )


def remove_page(
    request,
    *,
    what: str,
    dependents: list[str],
    remove: Callable[[str], None],
    back: str,
    done: tuple[str, str],
    breadcrumbs: list,
    warning: str = "",
    reason_required: str = structure.REMOVE_REASON_REQUIRED,
):
    """Confirm removing `what`: why it cannot be while anything depends on it, else a reason."""
    form = ReasonForm(
        request.POST or None, reason_label="Reason for removing", reason_required=reason_required
    )
    if request.method == "POST" and not dependents and form.is_valid():
        try:
            remove(form.cleaned_data["reason"])
        except StructureError as refused:
            put_problems(form, refused)
        else:
            messages.success(request, done[1])
            return redirect(done[0])
    refused_post = request.method == "POST" and dependents
    return render(
        request,
        "framework/structure/remove.html",
        {
            "form": form,
            "what": what,
            "dependents": dependents,
            "warning": warning,
            "back": back,
            "breadcrumbs": breadcrumbs,
            "nav_current": "framework",
        },
        status=400 if form.errors or refused_post else 200,
    )


@login_required
def structure_page(request):
    """The framework as a tree: each plan's ambitions and their outcomes, in order."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    return render(
        request,
        "framework/structure/tree.html",
        {
            "plans": structure.framework_tree(),
            "breadcrumbs": _crumbs((STRUCTURE, None)),
            "nav_current": "framework",
        },
    )


# --- Plans -----------------------------------------------------------------------------------


@login_required
def plan_add_page(request):
    require(request.user, Action.MANAGE_FRAMEWORK)
    form = PlanForm(request.POST or None)

    def save(values, reason):
        return structure.add_plan(values=values, by=request.user, reason=reason)

    return edit_page(
        request,
        form=form,
        save=save,
        done=lambda plan: (reverse("framework:structure"), f"The plan “{plan.title}” was added."),
        context={
            "title": "Add a plan",
            "submit": "Add the plan",
            "breadcrumbs": _structure_crumbs(("Add a plan", None)),
        },
    )


@login_required
def plan_page(request, pk: int):
    require(request.user, Action.MANAGE_FRAMEWORK)
    plan = get_object_or_404(Plan, pk=pk)
    initial = {name: getattr(plan, name) for name in PlanForm.base_fields if name != "reason"}
    form = PlanForm(
        request.POST or None,
        initial=initial,
        plan=plan,
        reason_required=structure.REASON_REQUIRED,
    )

    def save(values, reason):
        return structure.change_plan(plan=plan, values=values, by=request.user, reason=reason)

    return edit_page(
        request,
        form=form,
        save=save,
        done=lambda result: (
            reverse("framework:plan", args=[plan.pk]),
            f"The plan “{form.cleaned_data['title']}” was changed.",
        ),
        context={
            "title": plan.title,
            "caption": "Plan",
            "submit": "Save the changes",
            "breadcrumbs": _structure_crumbs((plan.title, None)),
            "remove_url": reverse("framework:plan_remove", args=[plan.pk]),
            "events": history(plan),
        },
    )


@login_required
def plan_remove_page(request, pk: int):
    require(request.user, Action.MANAGE_FRAMEWORK)
    plan = get_object_or_404(Plan, pk=pk)
    return remove_page(
        request,
        what=f"the plan “{plan.title}”",
        dependents=structure.plan_dependents(plan),
        remove=lambda reason: structure.remove_plan(plan=plan, by=request.user, reason=reason),
        back=reverse("framework:plan", args=[plan.pk]),
        done=(reverse("framework:structure"), f"The plan “{plan.title}” was removed."),
        breadcrumbs=_structure_crumbs(
            (plan.title, reverse("framework:plan", args=[plan.pk])), ("Remove", None)
        ),
        warning="To keep it in the history instead, untick “This plan is current” on its page.",
    )


# --- Ambitions -------------------------------------------------------------------------------


def _chosen(model, request, name: str):
    """The object a link to an add page names (?plan=3), to start the form with it."""
    value = request.GET.get(name, "")
    return model.objects.filter(pk=value).first() if value.isdigit() else None


@login_required
def ambition_add_page(request):
    require(request.user, Action.MANAGE_FRAMEWORK)
    form = AmbitionForm(
        request.POST or None, adding=True, initial={"plan": _chosen(Plan, request, "plan")}
    )

    def save(values, reason):
        plan = values.pop("plan")
        return structure.add_ambition(plan=plan, values=values, by=request.user, reason=reason)

    return edit_page(
        request,
        form=form,
        save=save,
        done=lambda ambition: (
            reverse("framework:structure") + f"#ambition-{ambition.pk}",
            f"The ambition “{ambition.title}” was added.",
        ),
        context={
            "title": "Add an ambition",
            "submit": "Add the ambition",
            "breadcrumbs": _structure_crumbs(("Add an ambition", None)),
        },
    )


@login_required
def ambition_page(request, pk: int):
    require(request.user, Action.MANAGE_FRAMEWORK)
    ambition = get_object_or_404(Ambition.objects.select_related("plan"), pk=pk)
    initial = {
        "plan": ambition.plan,
        "title": ambition.title,
        "description": ambition.description,
        "principles": list(ambition.principles.all()),
    }
    form = AmbitionForm(
        request.POST or None,
        adding=False,
        initial=initial,
        reason_required=structure.REASON_REQUIRED,
    )

    def save(values, reason):
        return structure.change_ambition(
            ambition=ambition, values=values, by=request.user, reason=reason
        )

    return edit_page(
        request,
        form=form,
        save=save,
        done=lambda result: (
            reverse("framework:ambition", args=[ambition.pk]),
            f"The ambition “{form.cleaned_data['title']}” was changed.",
        ),
        context={
            "title": ambition.title,
            "caption": f"Ambition, code {ambition.code}",
            "submit": "Save the changes",
            "breadcrumbs": _structure_crumbs((ambition.title, None)),
            "remove_url": reverse("framework:ambition_remove", args=[ambition.pk]),
            "events": history(ambition),
        },
    )


@login_required
def ambition_remove_page(request, pk: int):
    require(request.user, Action.MANAGE_FRAMEWORK)
    ambition = get_object_or_404(Ambition, pk=pk)
    url = reverse("framework:ambition", args=[ambition.pk])
    return remove_page(
        request,
        what=f"the ambition “{ambition.title}”",
        dependents=structure.ambition_dependents(ambition),
        remove=lambda reason: structure.remove_ambition(
            ambition=ambition, by=request.user, reason=reason
        ),
        back=url,
        done=(reverse("framework:structure"), f"The ambition “{ambition.title}” was removed."),
        breadcrumbs=_structure_crumbs((ambition.title, url), ("Remove", None)),
    )


def _moved(request, item, move, anchor: str):
    form = MoveForm(request.POST)
    if form.is_valid():
        up = form.cleaned_data["direction"] == "up"
        if move(up=up):
            messages.success(request, f"“{item.title}” was moved {'up' if up else 'down'}.")
        else:
            messages.info(request, f"“{item.title}” is already {'first' if up else 'last'}.")
    return redirect(reverse("framework:structure") + f"#{anchor}")


@login_required
@require_POST
def ambition_move(request, pk: int):
    require(request.user, Action.MANAGE_FRAMEWORK)
    ambition = get_object_or_404(Ambition, pk=pk)
    return _moved(
        request,
        ambition,
        lambda up: structure.move_ambition(ambition=ambition, up=up, by=request.user),
        f"ambition-{ambition.pk}",
    )


# --- Outcomes --------------------------------------------------------------------------------


@login_required
def outcome_add_page(request):
    require(request.user, Action.MANAGE_FRAMEWORK)
    form = OutcomeForm(
        request.POST or None,
        adding=True,
        initial={"ambition": _chosen(Ambition, request, "ambition")},
    )

    def save(values, reason):
        ambition = values.pop("ambition")
        return structure.add_outcome(
            ambition=ambition, values=values, by=request.user, reason=reason
        )

    return edit_page(
        request,
        form=form,
        save=save,
        done=lambda outcome: (
            reverse("framework:structure") + f"#outcome-{outcome.pk}",
            f"The outcome “{outcome.title}” was added.",
        ),
        context={
            "title": "Add an outcome",
            "submit": "Add the outcome",
            "breadcrumbs": _structure_crumbs(("Add an outcome", None)),
        },
    )


@login_required
def outcome_page(request, pk: int):
    require(request.user, Action.MANAGE_FRAMEWORK)
    outcome = get_object_or_404(Outcome.objects.select_related("ambition", "lead_unit"), pk=pk)
    initial = {
        "ambition": outcome.ambition,
        "title": outcome.title,
        "description": outcome.description,
        "lead_unit": outcome.lead_unit,
        "principles": list(outcome.principles.all()),
    }
    form = OutcomeForm(
        request.POST or None,
        adding=False,
        lead=outcome.lead_unit,
        initial=initial,
        reason_required=structure.REASON_REQUIRED,
    )

    def save(values, reason):
        return structure.change_outcome(
            outcome=outcome, values=values, by=request.user, reason=reason
        )

    linked = list(outcome.indicators.order_by("code"))
    return edit_page(
        request,
        form=form,
        save=save,
        done=lambda result: (
            reverse("framework:outcome", args=[outcome.pk]),
            f"The outcome “{form.cleaned_data['title']}” was changed.",
        ),
        context={
            "title": outcome.title,
            "caption": f"Outcome, code {outcome.code}",
            "submit": "Save the changes",
            "breadcrumbs": _structure_crumbs((outcome.title, None)),
            "remove_url": reverse("framework:outcome_remove", args=[outcome.pk]),
            "linked": linked,
            "linked_heading": "Indicators linked to this outcome",
            "evidence_url": reverse("benchmarking:outcome_evidence", args=[outcome.code]),
            "events": history(outcome),
        },
    )


@login_required
def outcome_remove_page(request, pk: int):
    require(request.user, Action.MANAGE_FRAMEWORK)
    outcome = get_object_or_404(Outcome, pk=pk)
    url = reverse("framework:outcome", args=[outcome.pk])
    return remove_page(
        request,
        what=f"the outcome “{outcome.title}”",
        dependents=structure.outcome_dependents(outcome),
        remove=lambda reason: structure.remove_outcome(
            outcome=outcome, by=request.user, reason=reason
        ),
        back=url,
        done=(reverse("framework:structure"), f"The outcome “{outcome.title}” was removed."),
        breadcrumbs=_structure_crumbs((outcome.title, url), ("Remove", None)),
    )


@login_required
@require_POST
def outcome_move(request, pk: int):
    require(request.user, Action.MANAGE_FRAMEWORK)
    outcome = get_object_or_404(Outcome, pk=pk)
    return _moved(
        request,
        outcome,
        lambda up: structure.move_outcome(outcome=outcome, up=up, by=request.user),
        f"outcome-{outcome.pk}",
    )
