"""What the improvement pages, panels and chasing lists need, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from improvement.models import ActionUpdate, ImprovementAction
from indicators.models import Indicator
from organisation.models import OrgUnit
from organisation.permissions import is_corporate, scope_unit_ids
from status.improvement import (
    ACTIVE_STATES,
    ActionState,
    days_late_against_first_agreed,
    is_action_overdue,
    lateness_text,
)

ACTIVE = [state.value for state in ACTIVE_STATES]


@dataclass(frozen=True)
class ActionRow:
    """An action as listed: whether it is overdue on the day, and how late against the date
    first agreed."""

    action: ImprovementAction
    is_overdue: bool
    days_late: int | None

    @property
    def state(self) -> ActionState:
        return ActionState(self.action.state)

    @property
    def lateness(self) -> str:
        return lateness_text(self.days_late) if self.days_late else ""


def row_for(action: ImprovementAction, on: date) -> ActionRow:
    state = ActionState(action.state)
    return ActionRow(
        action=action,
        is_overdue=is_action_overdue(state, action.due_on, action.revised_due_on, on),
        days_late=days_late_against_first_agreed(state, action.due_on, on),
    )


def _actions() -> QuerySet:
    return ImprovementAction.objects.select_related("finding", "owner", "unit").order_by(
        "due_on", "reference", "pk"
    )


def _unit_ids(units: Iterable[OrgUnit | int]) -> list[int]:
    return [unit.pk if isinstance(unit, OrgUnit) else unit for unit in units]


def _past_a_due_date(on: date) -> Q:
    # Narrows the rows only: whether each is overdue is the status rule's to say.
    return Q(state__in=ACTIVE) & (Q(due_on__lt=on) | Q(revised_due_on__lt=on))


def visible_unit_ids(user) -> frozenset[int] | None:
    """The units whose actions `user` sees on the improvement pages; None: every unit."""
    return None if is_corporate(user) else scope_unit_ids(user)


def actions_for(
    unit_ids: Iterable[int] | None,
    *,
    on: date,
    source: str = "",
    unit: OrgUnit | None = None,
    state: str = "",
    overdue: bool | None = None,
) -> list[ActionRow]:
    """Actions of `unit_ids` (None: the whole council), filtered as on the list page."""
    actions = _actions()
    if unit_ids is not None:
        actions = actions.filter(unit_id__in=list(unit_ids))
    if source:
        actions = actions.filter(finding__kind=source)
    if unit is not None:
        actions = actions.filter(unit=unit)
    if state:
        actions = actions.filter(state=state)
    if overdue:
        actions = actions.filter(_past_a_due_date(on))
    rows = [row_for(action, on) for action in actions]
    if overdue is None:
        return rows
    return [row for row in rows if row.is_overdue == overdue]


def overdue_actions_for(user, on: date) -> list[ActionRow]:
    """The overdue actions `user` owns, for their returns page."""
    actions = _actions().filter(_past_a_due_date(on), owner=user)
    return [row for row in (row_for(a, on) for a in actions) if row.is_overdue]


def overdue_actions(units: Iterable[OrgUnit | int] | None, on: date) -> list[ActionRow]:
    """The overdue actions of `units` (None: the whole council), for chasing."""
    actions = _actions().filter(_past_a_due_date(on))
    if units is not None:
        actions = actions.filter(unit_id__in=_unit_ids(units))
    return [row for row in (row_for(a, on) for a in actions) if row.is_overdue]


def units_below(unit: OrgUnit) -> set[int]:
    """The ids of `unit` and every unit below it, however deep (one query)."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in OrgUnit.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(unit_id)
    found, stack = set(), [unit.pk]
    while stack:
        unit_id = stack.pop()
        if unit_id not in found:
            found.add(unit_id)
            stack.extend(children.get(unit_id, []))
    return found


def open_actions_of_directorate(directorate: OrgUnit, on: date) -> list[ActionRow]:
    """Open and in-progress actions of the directorate and every unit below it."""
    actions = _actions().filter(unit_id__in=units_below(directorate), state__in=ACTIVE)
    return [row_for(action, on) for action in actions]


def actions_for_indicator(indicator: Indicator, on: date) -> list[ActionRow]:
    """Every action linked to the indicator, open ones first."""
    actions = _actions().filter(indicators=indicator)
    rows = [row_for(action, on) for action in actions]
    return sorted(rows, key=lambda row: row.state not in ACTIVE_STATES)


def updates_of(action: ImprovementAction) -> list[ActionUpdate]:
    """The action's updates, newest period first, each with its revisions."""
    return list(
        action.updates.select_related("period", "entered_by", "submitted_by", "approved_by")
        .prefetch_related("revisions__changed_by")
        .order_by("-period__starts_on")
    )
