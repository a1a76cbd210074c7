"""What the delivery pages, panels and appendix read: projects with their latest signed-off
update, delivery status and next milestone; programmes' roll-ups.

Every query here runs a fixed number of SQL queries whatever the number of projects: the
projects, their outcomes (with ambitions), their signed-off updates and their open milestones
are each fetched once and joined in Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet

from delivery.models import (
    Milestone,
    MilestoneDateChange,
    Programme,
    Project,
    ProjectState,
    ProjectUpdate,
)
from delivery.workflow import revisions_of, update_reading
from indicators.models import CycleState, Period, ReportingCycle
from organisation.models import OrgUnit
from organisation.permissions import (
    Action,
    can,
    is_corporate,
    scope_unit_ids,
    sign_off_unit_ids,
)
from organisation.queries import current_council
from scorecards.readings import Reading, read_indicators
from signoff.models import SIGNED_OFF_STATES, ReturnState
from status.delivery import DeliveryReading, DeliveryStatus, milestone_slippage
from status.periods import PeriodKind
from strategy.models import Ambition, Outcome

NO_UPDATE = "No update"


@dataclass
class ProjectRow:
    project: Project
    update: ProjectUpdate | None  # the latest signed-off update at or before the period
    reading: DeliveryReading | None  # its delivery status, as at its own period's end
    next_milestone: Milestone | None  # the first not yet achieved
    slippage: int | None  # of that milestone, in days against its baseline (negative: early)

    @property
    def ambitions(self) -> list[Ambition]:
        seen = {}
        for outcome in self.project.outcomes.all():
            seen.setdefault(outcome.ambition_id, outcome.ambition)
        return list(seen.values())

    @property
    def status_label(self) -> str:
        return self.reading.status.label if self.reading else NO_UPDATE


@dataclass(frozen=True)
class DeliveryRollUp:
    """Counts of projects by delivery status (STATUS-RULES' roll-up: never an averaged colour)."""

    counts: dict[DeliveryStatus, int]
    no_update: int

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.no_update

    @property
    def shown(self) -> list[tuple[str, str, int]]:
        """(status value, label, count) for each status that has projects, then no update."""
        rows = [(s.value, s.label, n) for s, n in self.counts.items() if n]
        if self.no_update:
            rows.append(("", NO_UPDATE, self.no_update))
        return rows


def roll_up(rows: Iterable[ProjectRow]) -> DeliveryRollUp:
    counted = Counter(row.reading.status for row in rows if row.reading)
    missing = sum(1 for row in rows if row.reading is None)
    return DeliveryRollUp(counts={s: counted[s] for s in DeliveryStatus}, no_update=missing)


def units_within(unit_ids: Iterable[int]) -> set[int]:
    """The units given and every unit below them (one query)."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in OrgUnit.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(unit_id)
    found, stack = set(), list(unit_ids)
    while stack:
        unit_id = stack.pop()
        if unit_id not in found:
            found.add(unit_id)
            stack.extend(children.get(unit_id, []))
    return found


def projects(
    *,
    unit_ids: Iterable[int] | None = None,
    programme: Programme | None = None,
    outcome: Outcome | None = None,
    ambition: Ambition | None = None,
    indicator=None,
    priority_only: bool = False,
    include_closed: bool = False,
) -> QuerySet:
    """The projects in a scope: led by one of `unit_ids` (None: any), in a programme, under an
    outcome or ambition, or measured by an indicator."""
    found = Project.objects.select_related("lead_service", "owner", "programme").prefetch_related(
        Prefetch("outcomes", queryset=Outcome.objects.select_related("ambition"))
    )
    if unit_ids is not None:
        found = found.filter(lead_service_id__in=list(unit_ids))
    if programme is not None:
        found = found.filter(programme=programme)
    if outcome is not None:
        found = found.filter(outcomes=outcome)
    if ambition is not None:
        found = found.filter(outcomes__ambition=ambition)
    if indicator is not None:
        found = found.filter(measures=indicator)
    if priority_only:
        found = found.filter(is_priority=True)
    if not include_closed:
        found = found.filter(state=ProjectState.ACTIVE)
    return found.distinct().order_by("reference")


def project_rows(found: Iterable[Project], period: Period) -> list[ProjectRow]:
    """Each project with its latest signed-off update at or before `period` and its next
    milestone: three queries beside the projects' own."""
    found = list(found)
    ids = [project.pk for project in found]
    latest: dict[int, ProjectUpdate] = {}
    signed_off = (
        ProjectUpdate.objects.filter(
            project_id__in=ids, state__in=SIGNED_OFF_STATES, period__ends_on__lte=period.ends_on
        )
        .select_related("period")
        .order_by("project_id", "-period__ends_on", "-period__starts_on")
    )
    for update in signed_off:
        latest.setdefault(update.project_id, update)
    upcoming: dict[int, Milestone] = {}
    for milestone in Milestone.objects.filter(project_id__in=ids, achieved_on__isnull=True):
        upcoming.setdefault(milestone.project_id, milestone)
    rows = []
    for project in found:
        update = latest.get(project.pk)
        milestone = upcoming.get(project.pk)
        rows.append(
            ProjectRow(
                project=project,
                update=update,
                reading=update_reading(update, project, update.period) if update else None,
                next_milestone=milestone,
                slippage=milestone_slippage(milestone.baseline_due, milestone.forecast_on)
                if milestone
                else None,
            )
        )
    return rows


@dataclass
class ProgrammeSummary:
    programme: Programme
    rows: list[ProjectRow]
    roll_up: DeliveryRollUp
    kpis: list[Reading] = field(default_factory=list)


def programme_summaries(period: Period, programmes: Iterable[Programme]) -> list[ProgrammeSummary]:
    """Each programme with its active projects' rows and roll-up (no KPIs: see
    `programme_summary`)."""
    programmes = list(programmes)
    rows = project_rows(projects(programme=None).filter(programme__in=programmes), period)
    by_programme: dict[int, list[ProjectRow]] = {}
    for row in rows:
        by_programme.setdefault(row.project.programme_id, []).append(row)
    return [
        ProgrammeSummary(
            programme=programme,
            rows=by_programme.get(programme.pk, []),
            roll_up=roll_up(by_programme.get(programme.pk, [])),
        )
        for programme in programmes
    ]


def programme_summary(programme: Programme, period: Period, *, today: date) -> ProgrammeSummary:
    """A programme's projects, their roll-up and its KPIs' readings for the period."""
    rows = project_rows(projects(programme=programme), period)
    kpis = list(programme.kpis.order_by("code"))
    readings = read_indicators(kpis, period, today=today, council=current_council())
    return ProgrammeSummary(
        programme=programme,
        rows=rows,
        roll_up=roll_up(rows),
        kpis=[readings[kpi.pk] for kpi in kpis],
    )


def every_programme() -> QuerySet:
    return Programme.objects.select_related("sponsor", "lead_unit").order_by("name")


def shown_period(*, today: date) -> Period | None:
    """The quarter the delivery plan shows by default: the latest that has ended."""
    return (
        Period.objects.filter(kind=PeriodKind.quarter, ends_on__lt=today)
        .order_by("-ends_on")
        .first()
    )


def open_period() -> Period | None:
    """The period whose reporting cycle collects updates now: the latest open quarter (else
    the latest open period of any kind)."""
    cycles = ReportingCycle.objects.filter(state=CycleState.OPEN).select_related("period")
    periods = [cycle.period for cycle in cycles]
    if not periods:
        return None
    return max(periods, key=lambda p: (p.kind == PeriodKind.quarter, p.ends_on))


@dataclass
class MilestoneLine:
    milestone: Milestone
    slippage: int | None
    changes: list[MilestoneDateChange]


def milestone_lines(project: Project) -> list[MilestoneLine]:
    """A project's milestones with their slippage and every date change (two queries)."""
    milestones = list(
        project.milestones.prefetch_related(
            Prefetch(
                "date_changes",
                queryset=MilestoneDateChange.objects.select_related("changed_by"),
            )
        )
    )
    return [
        MilestoneLine(
            milestone=m,
            slippage=milestone_slippage(m.baseline_due, m.forecast_on, m.achieved_on),
            changes=list(m.date_changes.all()),
        )
        for m in milestones
    ]


def update_for(project: Project, period: Period | None) -> ProjectUpdate | None:
    if period is None:
        return None
    return (
        ProjectUpdate.objects.select_related("period", "submitted_by", "approved_by")
        .filter(project=project, period=period)
        .first()
    )


def update_history(update: ProjectUpdate | None) -> list:
    return list(revisions_of(update)) if update else []


@dataclass
class DueUpdate:
    """A project update due in an open reporting cycle, with what has been entered so far."""

    project: Project
    period: Period
    update: ProjectUpdate | None

    @property
    def state_label(self) -> str:
        return self.update.get_state_display() if self.update else "Not started"


def updates_due(user) -> list[DueUpdate]:
    """The project updates due from a person in the open quarterly cycle: the active projects
    led in their scope (every project, for the performance team), for their "your returns"."""
    period = open_period()
    if period is None or not can(user, Action.ENTER_VALUE):
        return []
    unit_ids = None if is_corporate(user) else scope_unit_ids(user)
    found = list(projects(unit_ids=unit_ids))
    entered = {
        update.project_id: update
        for update in ProjectUpdate.objects.filter(
            period=period, project_id__in=[p.pk for p in found]
        )
    }
    return [DueUpdate(project, period, entered.get(project.pk)) for project in found]


def updates_awaiting(user) -> list[ProjectUpdate]:
    """Submitted project updates in the approver's scope, not their own, in open cycles and in
    closed ones (submitted before the close, they can still be signed off)."""
    if not can(user, Action.APPROVE_VALUE):
        return []
    return list(
        ProjectUpdate.objects.filter(
            state=ReturnState.SUBMITTED,
            period__cycle__state__in=(CycleState.OPEN, CycleState.CLOSED),
            project__lead_service_id__in=sign_off_unit_ids(user),
        )
        .exclude(submitted_by=user)
        .select_related("project", "project__lead_service", "period")
        .order_by("period__ends_on", "project__reference")
    )
