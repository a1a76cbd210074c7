"""The performance team's pages for committees: the list, each committee's page (its remit,
indicators, meetings and history), adding and changing one, choosing the indicators that
report to it, and adding, moving or cancelling its meetings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from framework import committees
from framework.history import history
from framework.structure import REASON_REQUIRED
from framework.structure_forms import (
    CommitteeForm,
    CommitteeIndicatorsForm,
    MeetingForm,
    meeting_label,
)
from framework.structure_views import edit_page
from indicators.models import Indicator, Lifecycle
from organisation.permissions import Action, require
from strategy.models import Committee, Meeting

COMMITTEES = "Committees and meetings"


def _crumbs(*trail) -> list[tuple[str, str | None]]:
    return [
        ("Manage the framework", reverse("framework:home")),
        (COMMITTEES, reverse("framework:committees")),
        *trail,
    ]


def _committee_url(committee: Committee) -> str:
    return reverse("framework:committee", args=[committee.pk])


@login_required
def committees_page(request):
    """Every committee, with how many indicators report to it and when it next meets."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    return render(
        request,
        "framework/structure/committees.html",
        {
            "committees": committees.committees_overview(),
            "breadcrumbs": [
                ("Manage the framework", reverse("framework:home")),
                (COMMITTEES, None),
            ],
            "nav_current": "framework",
        },
    )


@login_required
def committee_page(request, pk: int):
    """A committee: its remit, the indicators reporting to it, its meetings and its history."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    committee = get_object_or_404(Committee, pk=pk)
    return render(
        request,
        "framework/structure/committee.html",
        {
            "committee": committee,
            "ambitions": committee.remit_ambitions.order_by("order", "title"),
            "units": committee.remit_units.order_by("order", "name"),
            "indicators": Indicator.objects.filter(committees=committee)
            .exclude(lifecycle=Lifecycle.RETIRED)
            .select_related("owner")
            .order_by("code"),
            "meetings": committee.meetings.order_by("-starts_at"),
            "now": timezone.now(),
            "events": history(committee),
            "breadcrumbs": _crumbs((committee.name, None)),
            "nav_current": "framework",
        },
    )


@login_required
def committee_add_page(request):
    require(request.user, Action.MANAGE_FRAMEWORK)
    form = CommitteeForm(request.POST or None)
    return edit_page(
        request,
        form=form,
        save=lambda values, reason: committees.add_committee(
            values=values, by=request.user, reason=reason
        ),
        done=lambda committee: (
            _committee_url(committee),
            f"The committee “{committee.name}” was added. Choose the indicators that report "
            "to it, and add its meetings.",
        ),
        context={
            "title": "Add a committee",
            "submit": "Add the committee",
            "breadcrumbs": _crumbs(("Add a committee", None)),
        },
    )


@login_required
def committee_edit_page(request, pk: int):
    require(request.user, Action.MANAGE_FRAMEWORK)
    committee = get_object_or_404(Committee, pk=pk)
    initial = {
        "name": committee.name,
        "kind": committee.kind,
        "remit": committee.remit,
        "remit_ambitions": list(committee.remit_ambitions.all()),
        "remit_units": list(committee.remit_units.all()),
        "receives_full_scorecard": committee.receives_full_scorecard,
    }
    form = CommitteeForm(
        request.POST or None,
        committee=committee,
        initial=initial,
        reason_required=REASON_REQUIRED,
    )
    return edit_page(
        request,
        form=form,
        save=lambda values, reason: committees.change_committee(
            committee=committee, values=values, by=request.user, reason=reason
        ),
        done=lambda result: (
            _committee_url(committee),
            f"The committee “{form.cleaned_data['name']}” was changed.",
        ),
        context={
            "title": f"Change {committee.name}",
            "submit": "Save the changes",
            "breadcrumbs": _crumbs((committee.name, _committee_url(committee)), ("Change", None)),
            "cancel": _committee_url(committee),
        },
    )


@login_required
def committee_indicators_page(request, pk: int):
    """Choose the indicators reporting to the committee: each joining or leaving is a new
    version of the indicator from the date given."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    committee = get_object_or_404(Committee, pk=pk)
    current = Indicator.objects.filter(committees=committee).exclude(lifecycle=Lifecycle.RETIRED)
    form = CommitteeIndicatorsForm(request.POST or None, initial={"indicators": list(current)})

    def save(values, reason):
        versions = committees.set_committee_indicators(
            committee=committee,
            indicators=values["indicators"],
            effective_from=values["effective_from"],
            reason=reason,
            by=request.user,
        )
        return versions or False

    return edit_page(
        request,
        form=form,
        save=save,
        done=lambda versions: (
            _committee_url(committee),
            f"The indicators reporting to {committee.name} were changed: "
            f"{len(versions or [])} indicator{'s' if len(versions or []) != 1 else ''} "
            "have a new version.",
        ),
        context={
            "title": f"Indicators reporting to {committee.name}",
            "intro": "Tick the indicators whose figures this committee receives. An indicator "
            "joining or leaving the committee gets a new version from the date you give, so "
            "earlier scorecards and reports keep the committee's indicators of their time. "
            "Retired indicators are not listed: they keep the committees they had.",
            "submit": "Save the indicators",
            "breadcrumbs": _crumbs(
                (committee.name, _committee_url(committee)), ("Indicators", None)
            ),
            "cancel": _committee_url(committee),
        },
    )


@login_required
def meeting_add_page(request, pk: int):
    require(request.user, Action.MANAGE_FRAMEWORK)
    committee = get_object_or_404(Committee, pk=pk)
    form = MeetingForm(request.POST or None, adding=True)
    return edit_page(
        request,
        form=form,
        save=lambda values, reason: committees.add_meeting(
            committee=committee, **values, by=request.user, reason=reason
        ),
        done=lambda meeting: (
            _committee_url(committee) + "#meetings",
            f"A meeting of {committee.name} on {meeting_label(meeting)} was added.",
        ),
        context={
            "title": f"Add a meeting of {committee.name}",
            "submit": "Add the meeting",
            "breadcrumbs": _crumbs(
                (committee.name, _committee_url(committee)), ("Add a meeting", None)
            ),
            "cancel": _committee_url(committee),
        },
    )


@login_required
def meeting_page(request, pk: int):
    """Move, cancel or reinstate a meeting, or change its venue, with a reason; its history."""
    require(request.user, Action.MANAGE_FRAMEWORK)
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    committee = meeting.committee
    form = MeetingForm(
        request.POST or None,
        adding=False,
        initial=MeetingForm.initial_for(meeting),
        reason_required=committees.MEETING_REASON_REQUIRED,
    )
    label = meeting_label(meeting)
    return edit_page(
        request,
        form=form,
        save=lambda values, reason: committees.update_meeting(
            meeting=meeting, **values, by=request.user, reason=reason
        ),
        done=lambda result: (
            reverse("framework:meeting", args=[meeting.pk]),
            f"The meeting of {committee.name} was changed.",
        ),
        context={
            "title": f"{committee.name} meeting, {label}",
            "caption": "Cancelled meeting" if meeting.is_cancelled else "Meeting",
            "intro": "Approved reports for this meeting are published when it starts. Moving "
            "or cancelling it moves their publication too, and that is recorded with each "
            "report.",
            "submit": "Save the changes",
            "breadcrumbs": _crumbs((committee.name, _committee_url(committee)), (label, None)),
            "events": history(meeting),
        },
    )
