"""What the service plan pages and panel read: a plan with its objectives, actions and each
action's delivery status on a date; counts of actions by status; the plans of a scope.

Each query runs a fixed number of SQL queries whatever the number of objectives and actions:
the plan, its objectives (with outcomes and ambitions), their actions (with owners and
progress), indicators and risks are each fetched once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from delivery.models import (
    ActionProgress,
    ServicePlan,
    ServicePlanAction,
    ServicePlanObjective,
)
from delivery.queries import DeliveryRollUp, units_within
from delivery.service_plans import action_status, may_decide
from indicators.models import Period
from organisation.models import OrgUnit, OrgUnitKind, Role
from organisation.permissions import is_corporate, roles_of, scope_unit_ids
from signoff.models import ReturnState
from status.delivery import DeliveryStatus
from status.periods import PeriodKind
from strategy.models import Ambition, Outcome

NOT_STARTED = "Not started"


def financial_year_on(day: date) -> Period | None:
    """The financial year a day falls in."""
    return Period.objects.filter(
        kind=PeriodKind.financial_year, starts_on__lte=day, ends_on__gte=day
    ).first()


def year_of(period: Period) -> Period | None:
    """The financial year of a quarter or month (a financial year is its own)."""
    if period.kind == PeriodKind.financial_year:
        return period
    return period.financial_year


@dataclass
class ActionLine:
    action: ServicePlanAction
    status: DeliveryStatus  # on the date asked for
    progress: list[ActionProgress]  # every report, oldest first
    # The page's forms, where the person may use them.
    progress_form: object = None
    change_form: object = None


@dataclass
class ObjectiveLine:
    objective: ServicePlanObjective
    actions: list[ActionLine]
    change_form: object = None  # the page's form to change it, where the person may

    @property
    def ambitions(self) -> list[Ambition]:
        seen = {}
        for outcome in self.objective.outcomes.all():
            seen.setdefault(outcome.ambition_id, outcome.ambition)
        return list(seen.values())


@dataclass
class PlanView:
    plan: ServicePlan
    on: date
    objectives: list[ObjectiveLine]
    roll_up: DeliveryRollUp  # actions counted by delivery status on `on`
    indicators: list
    risks: list

    @property
    def actions(self) -> list[ActionLine]:
        return [line for objective in self.objectives for line in objective.actions]


def action_counts(lines: Iterable[ActionLine]) -> DeliveryRollUp:
    """Counts of actions by delivery status (STATUS-RULES' roll-up: never an averaged colour)."""
    counted = Counter(line.status for line in lines)
    return DeliveryRollUp(counts={s: counted[s] for s in DeliveryStatus}, no_update=0)


def _objectives(plan: ServicePlan) -> QuerySet:
    actions = ServicePlanAction.objects.select_related("owner").prefetch_related(
        Prefetch(
            "progress",
            queryset=ActionProgress.objects.select_related("recorded_by").order_by(
                "recorded_at", "pk"
            ),
        )
    )
    return plan.objectives.prefetch_related(
        Prefetch("outcomes", queryset=Outcome.objects.select_related("ambition")),
        Prefetch("actions", queryset=actions),
    )


def plan_view(plan: ServicePlan, *, on: date) -> PlanView:
    """The plan's objectives and actions, each action's delivery status on `on`, the counts
    by status, its indicators and risks: seven queries however large the plan."""
    objectives = []
    for objective in _objectives(plan):
        lines = []
        for action in objective.actions.all():
            progress = list(action.progress.all())
            lines.append(ActionLine(action, action_status(action, on, progress), progress))
        objectives.append(ObjectiveLine(objective, lines))
    return PlanView(
        plan=plan,
        on=on,
        objectives=objectives,
        roll_up=action_counts(line for o in objectives for line in o.actions),
        indicators=list(plan.indicators.select_related("owner").order_by("code")),
        risks=list(plan.risks.order_by("reference")),
    )


def plans() -> QuerySet:
    return ServicePlan.objects.select_related(
        "service", "service__parent", "year", "entered_by", "submitted_by", "approved_by"
    )


def service_plan(service: OrgUnit, year: Period) -> ServicePlan | None:
    """A service's plan for a financial year, if it has been started."""
    return plans().filter(service=service, year=year).first()


def plans_for_directorate(directorate: OrgUnit, year: Period) -> list[ServicePlan]:
    """The plans of the services in a directorate for a year (the director's sign-off list)."""
    return list(
        plans()
        .filter(year=year, service_id__in=units_within([directorate.pk]))
        .order_by("service__name")
    )


@dataclass
class PlanListing:
    service: OrgUnit
    plan: ServicePlan | None

    @property
    def state_label(self) -> str:
        return self.plan.get_state_display() if self.plan else NOT_STARTED


def plans_in_scope(user, year: Period) -> list[PlanListing]:
    """Every active service in the person's scope (every service, for the performance team),
    with its plan for the year or None: two queries beside the person's scope."""
    services = OrgUnit.objects.filter(kind=OrgUnitKind.SERVICE, is_active=True).select_related(
        "parent"
    )
    if not is_corporate(user):
        services = services.filter(pk__in=scope_unit_ids(user))
    services = list(services.order_by("parent__name", "name"))
    found = {
        plan.service_id: plan
        for plan in plans().filter(year=year, service__in=[s.pk for s in services])
    }
    return [PlanListing(service, found.get(service.pk)) for service in services]


def plans_awaiting_sign_off(user, year: Period) -> list[ServicePlan]:
    """The submitted plans of the directorates a director answers for, that they may sign off
    (never one they submitted)."""
    if Role.DIRECTOR not in roles_of(user):
        return []
    directorates = OrgUnit.objects.filter(
        kind=OrgUnitKind.DIRECTORATE, pk__in=scope_unit_ids(user)
    ).order_by("name")
    return [
        plan
        for directorate in directorates
        for plan in plans_for_directorate(directorate, year)
        if plan.state == ReturnState.SUBMITTED and may_decide(user, plan)
    ]
