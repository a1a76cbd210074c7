"""Keeping the delivery plan: programmes, projects and their milestones.

Directors and heads of service keep their own services' projects (MANAGE_REGISTERS for the
project's lead service); the performance team keeps any. Every change of a milestone's date is
kept with its reason (`MilestoneDateChange`), so slippage against the baseline can be explained.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from audit.context import audited
from delivery.models import (
    Milestone,
    MilestoneDate,
    MilestoneDateChange,
    Programme,
    Project,
    ProjectState,
)
from organisation.models import OrgUnit
from organisation.permissions import Action, is_corporate, require

REFERENCE_TAKEN = "Reference: there is already a project {reference}. Choose another reference"
CODE_TAKEN = "Code: there is already a programme with the code {code}"
ENDS_BEFORE_START = "The end date must be the same as or after the start date"
REASON_REQUIRED = "Give the reason the date changed"
BASELINE_REQUIRED = "A milestone must keep a baseline due date"
PROJECT_CLOSED = "This project is closed, so it cannot be changed"
NOTHING_MOVED = "Change at least one of the milestone's dates"

PROJECT_FIELDS = (
    "reference",
    "title",
    "description",
    "programme",
    "is_priority",
    "owner",
    "lead_service",
    "starts_on",
    "ends_on",
)
PROJECT_LINKS = ("outcomes", "measures")
# "Not given": None is a real value for a forecast or achieved date (it clears it).
UNCHANGED = object()


class PlanError(ValueError):
    """A change the plan refuses: `problems` maps each field to its message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


def _check_project(project: Project) -> None:
    problems = {}
    if project.starts_on and project.ends_on and project.ends_on < project.starts_on:
        problems["ends_on"] = ENDS_BEFORE_START
    taken = Project.objects.filter(reference=project.reference).exclude(pk=project.pk)
    if taken.exists():
        problems["reference"] = REFERENCE_TAKEN.format(reference=project.reference)
    if problems:
        raise PlanError(problems)


def _set_links(project: Project, links: dict) -> None:
    for name in PROJECT_LINKS:
        if name in links:
            getattr(project, name).set(links[name])


@transaction.atomic
@audited()
def create_programme(
    *,
    code: str,
    name: str,
    sponsor,
    by,
    lead_unit: OrgUnit | None = None,
    description: str = "",
    expected_benefits: str = "",
    kpis: Iterable = (),
) -> Programme:
    """Start a change programme; one without a lead unit is the performance team's to set up."""
    if lead_unit is None:
        if not is_corporate(by):
            raise PermissionDenied
    else:
        require(by, Action.MANAGE_REGISTERS, lead_unit)
    if Programme.objects.filter(code=code).exists():
        raise PlanError({"code": CODE_TAKEN.format(code=code)})
    programme = Programme.objects.create(
        code=code,
        name=name,
        sponsor=sponsor,
        lead_unit=lead_unit,
        description=description,
        expected_benefits=expected_benefits,
    )
    programme.kpis.set(kpis)
    return programme


@transaction.atomic
@audited()
def create_project(*, values: dict, by) -> Project:
    """Add a project led by a service the person keeps; `values` are the project's fields and
    its `outcomes` and `measures`."""
    require(by, Action.MANAGE_REGISTERS, values["lead_service"])
    project = Project(**{name: values[name] for name in PROJECT_FIELDS if name in values})
    _check_project(project)
    project.save()
    _set_links(project, values)
    return project


@transaction.atomic
@audited()
def change_project(*, project: Project, values: dict, by) -> list[str]:
    """Change a project's details or links; moving it to another service needs that service
    too. Returns the names of what changed."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(by, Action.MANAGE_REGISTERS, project)
    if project.state == ProjectState.CLOSED:
        raise PlanError({"state": PROJECT_CLOSED})
    if "lead_service" in values and values["lead_service"].pk != project.lead_service_id:
        require(by, Action.MANAGE_REGISTERS, values["lead_service"])
    changed = []
    for name in PROJECT_FIELDS:
        if name in values and getattr(project, name) != values[name]:
            setattr(project, name, values[name])
            changed.append(name)
    _check_project(project)
    if changed:
        project.save(update_fields=changed)
    for name in PROJECT_LINKS:
        if name in values:
            before = set(getattr(project, name).values_list("pk", flat=True))
            if before != {item.pk for item in values[name]}:
                getattr(project, name).set(values[name])
                changed.append(name)
    return changed


@transaction.atomic
@audited()
def close_project(*, project: Project, by) -> Project:
    """Close a finished (or stopped) project: it leaves the delivery plan's active list."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(by, Action.MANAGE_REGISTERS, project)
    if project.state != ProjectState.CLOSED:
        project.state = ProjectState.CLOSED
        project.save(update_fields=["state"])
    return project


@transaction.atomic
@audited()
def add_milestone(
    *, project: Project, title: str, baseline_due: date, by, forecast_on: date | None = None
) -> Milestone:
    """Add a milestone after the project's others, with its baseline due date."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(by, Action.MANAGE_REGISTERS, project)
    if project.state == ProjectState.CLOSED:
        raise PlanError({"state": PROJECT_CLOSED})
    last = project.milestones.aggregate(last=models.Max("position"))["last"]
    return Milestone.objects.create(
        project=project,
        title=title,
        baseline_due=baseline_due,
        forecast_on=forecast_on,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
@audited(reason="reason")
def move_milestone(
    *,
    milestone: Milestone,
    reason: str,
    by,
    forecast_on=UNCHANGED,
    achieved_on=UNCHANGED,
    baseline_due=UNCHANGED,
) -> list[MilestoneDateChange]:
    """Change a milestone's forecast, achieved or baseline date, keeping each change with its
    reason; a date given as None clears it (not the baseline). Returns the changes kept."""
    milestone = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    require(by, Action.MANAGE_REGISTERS, milestone.project)
    if milestone.project.state == ProjectState.CLOSED:
        raise PlanError({"state": PROJECT_CLOSED})
    if not reason.strip():
        raise PlanError({"reason": REASON_REQUIRED})
    if baseline_due is None:
        raise PlanError({"baseline_due": BASELINE_REQUIRED})
    asked = {
        MilestoneDate.FORECAST: forecast_on,
        MilestoneDate.ACHIEVED: achieved_on,
        MilestoneDate.BASELINE: baseline_due,
    }
    now = timezone.now()
    changes = []
    for which, after in asked.items():
        before = getattr(milestone, which)
        if after is UNCHANGED or after == before:
            continue
        setattr(milestone, which, after)
        changes.append(
            MilestoneDateChange(
                milestone=milestone,
                which=which,
                before=before,
                after=after,
                reason=reason,
                changed_by=by,
                changed_at=now,
            )
        )
    if not changes:
        raise PlanError({"forecast_on": NOTHING_MOVED})
    milestone.save(update_fields=[change.which for change in changes])
    # One by one (not bulk_create), so the audit log sees each.
    for change in changes:
        change.save()
    return changes
