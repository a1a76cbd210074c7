"""Comparator groups: every group the council can compare with, each group's members, and the
performance team's own groups — made, changed and deleted here (thin: `benchmarking.groups`
checks who may, validates and records each change). Published, nation, tier and region
groups are read-only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from organisation.permissions import Action, can, require
from organisation.queries import current_council

from .groups import (
    EMPTY_GROUP,
    NAME_REQUIRED,
    GroupRejected,
    change_own_group,
    delete_own_group,
    groups_with_counts,
    in_use_problem,
    links_using,
    save_own_group,
)
from .models import ComparatorGroup, GroupKind

CREATED = "{name} was created with {count} councils"
CHANGED = "{name} was saved with {count} councils"
NOTHING_CHANGED = "Nothing was changed."
DELETED = "{name} was deleted"
GROUPS = "Comparator groups"


class GroupForm(forms.Form):
    name = forms.CharField(
        label="Group name",
        max_length=200,
        error_messages={
            "required": NAME_REQUIRED,
            "max_length": "Group name: use 200 characters or fewer",
        },
    )
    pasted = forms.CharField(
        label="Councils in the group",
        max_length=50_000,
        help_text=(
            "One council a line: its GSS code (such as E06000023) or its name as published "
            "(such as Bristol, City of). Our own council is always compared, listed or not."
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={
            "required": EMPTY_GROUP,
            "max_length": "Councils in the group: use 50,000 characters or fewer",
        },
    )

    def put(self, rejected: GroupRejected) -> None:
        """Each problem against the field it is about."""
        for problem in rejected.problems:
            self.add_error("name" if problem in rejected.name_problems else "pasted", problem)


def _crumbs(*trail) -> list[tuple[str, str | None]]:
    return [
        ("Home", reverse("home")),
        ("Benchmarking", reverse("benchmarking:metrics")),
        *trail,
    ]


def _group_crumbs(group: ComparatorGroup, *trail) -> list[tuple[str, str | None]]:
    return _crumbs(
        (GROUPS, reverse("benchmarking:groups")),
        (group.name, reverse("benchmarking:group", args=[group.pk])),
        *trail,
    )


@login_required
def groups_page(request):
    """Every comparator group the council can compare with, by kind, with its members' count."""
    require(request.user, Action.VIEW_SCORECARDS)
    council = current_council(request)
    groups = groups_with_counts(council) if council else []
    kinds = [
        (label, [group for group in groups if group.kind == kind])
        for kind, label in GroupKind.choices
    ]
    return render(
        request,
        "benchmarking/groups.html",
        {
            "kinds": [(label, found) for label, found in kinds if found],
            "may_manage": can(request.user, Action.MANAGE_FRAMEWORK),
            "breadcrumbs": _crumbs((GROUPS, None)),
        },
    )


@login_required
def group_page(request, pk: int):
    """One group: its councils, where it comes from, and the indicators compared with it."""
    require(request.user, Action.VIEW_SCORECARDS)
    group = get_object_or_404(ComparatorGroup.objects.select_related("anchor"), pk=pk)
    return render(
        request,
        "benchmarking/group.html",
        {
            "group": group,
            "members": group.members.order_by("name"),
            "links": links_using(group),
            "may_manage": can(request.user, Action.MANAGE_FRAMEWORK),
            "breadcrumbs": _crumbs((GROUPS, reverse("benchmarking:groups")), (group.name, None)),
        },
    )


def _form_page(request, form, *, heading: str, breadcrumbs, group=None):
    return render(
        request,
        "benchmarking/group_form.html",
        {"form": form, "heading": heading, "group": group, "breadcrumbs": breadcrumbs},
        status=400 if form.errors else 200,
    )


@login_required
def group_add_page(request):
    """Make one of the council's own groups from a pasted list of councils."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = save_own_group(
                name=form.cleaned_data["name"], pasted=form.cleaned_data["pasted"], by=request.user
            )
        except GroupRejected as rejected:
            form.put(rejected)
        else:
            count = group.members.count()
            messages.success(request, CREATED.format(name=group.name, count=count))
            return redirect("benchmarking:group", group.pk)
    crumbs = _crumbs((GROUPS, reverse("benchmarking:groups")), ("Make a group", None))
    return _form_page(request, form, heading="Make a comparator group", breadcrumbs=crumbs)


@login_required
def group_edit_page(request, pk: int):
    """Rename one of the council's own groups or change its councils."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    group = get_object_or_404(ComparatorGroup, pk=pk, kind=GroupKind.OWN)
    # Codes, not names: a code is found whatever the council was called when it was added.
    codes = group.members.order_by("name").values_list("gss_code", "code")
    initial = {"name": group.name, "pasted": "\n".join(gss or code for gss, code in codes)}
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = change_own_group(
                group=group,
                name=form.cleaned_data["name"],
                pasted=form.cleaned_data["pasted"],
                by=request.user,
            )
        except GroupRejected as rejected:
            form.put(rejected)
        else:
            group.refresh_from_db()
            if changed:
                count = group.members.count()
                messages.success(request, CHANGED.format(name=group.name, count=count))
            else:
                messages.info(request, NOTHING_CHANGED)
            return redirect("benchmarking:group", group.pk)
    return _form_page(
        request,
        form,
        heading="Change the group",
        breadcrumbs=_group_crumbs(group, ("Change", None)),
        group=group,
    )


@login_required
def group_delete_page(request, pk: int):
    """Confirm deleting one of the council's own groups; refused while an indicator uses it."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    group = get_object_or_404(ComparatorGroup, pk=pk, kind=GroupKind.OWN)
    links = links_using(group)
    problem = in_use_problem(group, links) if links else ""
    if request.method == "POST" and not links:
        try:
            name = delete_own_group(group=group, by=request.user)
        except GroupRejected as rejected:  # linked since the page was shown
            problem = rejected.problems[0]
        else:
            messages.success(request, DELETED.format(name=name))
            return redirect("benchmarking:groups")
    return render(
        request,
        "benchmarking/group_delete.html",
        {
            "group": group,
            "links": links,
            "problem": problem,
            "breadcrumbs": _group_crumbs(group, ("Delete", None)),
        },
        status=400 if request.method == "POST" and problem else 200,
    )
