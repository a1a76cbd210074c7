"""Who may do what: the one place every view and domain function asks.

A person's roles are their groups; their scope is the units they answer for, with every unit
below them. Figures belong to the service that owns their indicator.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404

from organisation.models import OrgUnit, OrgUnitKind, Role

ROLE_BY_LABEL = {role.label: role for role in Role}


class Action(StrEnum):
    VIEW_SCORECARDS = "view_scorecards"  # signed-off figures, for anyone signed in
    VIEW_UNAPPROVED = "view_unapproved"  # drafts and figures awaiting sign-off
    ENTER_VALUE = "enter_value"  # record, edit, submit, revise, attach evidence
    APPROVE_VALUE = "approve_value"  # sign off or return
    MANAGE_CYCLES = "manage_cycles"  # open and close reporting cycles
    IMPORT_RETURNS = "import_returns"  # CSV import across many services
    CHASE_RETURNS = "chase_returns"  # the chasing view and reminders
    WRITE_NARRATIVE = "write_narrative"  # a directorate's or ambition's narrative
    VIEW_REPORT_DRAFTS = "view_report_drafts"  # reports before approval
    PREPARE_REPORT = "prepare_report"  # create, edit, reopen a report; make its files
    APPROVE_REPORT = "approve_report"  # approve a report for release
    WITHDRAW_REPORT = "withdraw_report"  # take a published report down
    MANAGE_FRAMEWORK = "manage_framework"  # indicators' settings, e.g. SPC recalculation points
    VIEW_AUDIT = "view_audit"  # the audit log: administrators and internal audit
    AGREE_TARGETS = "agree_targets"  # agree or return the year's targets proposed
    # Projects, programmes, service plans, risks and improvement actions: set up and change
    # them (their periodic updates are returns: ENTER_VALUE and APPROVE_VALUE).
    MANAGE_REGISTERS = "manage_registers"
    ENTER_FORECAST = "enter_forecast"  # a budget line's forecast outturn; budgets themselves
    MANAGE_BUDGETS = "manage_budgets"  # set budgets, cost-centre mapping, import forecasts


def roles_of(user) -> set[Role]:
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_roles"):
        names = user.groups.values_list("name", flat=True)
        user._roles = {ROLE_BY_LABEL[name] for name in names if name in ROLE_BY_LABEL}
        if user.is_superuser:
            user._roles.add(Role.ADMINISTRATOR)
    return user._roles


def scope_unit_ids(user) -> frozenset[int]:
    """The ids of the units a person answers for, including every unit below them."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_scope_ids"):
        direct = set(user.scope.values_list("id", flat=True))
        children: dict[int | None, list[int]] = {}
        for unit_id, parent_id in OrgUnit.objects.values_list("id", "parent_id"):
            children.setdefault(parent_id, []).append(unit_id)
        found, stack = set(), list(direct)
        while stack:
            unit_id = stack.pop()
            if unit_id not in found:
                found.add(unit_id)
                stack.extend(children.get(unit_id, []))
        user._scope_ids = frozenset(found)
    return user._scope_ids


def sign_off_unit_ids(user) -> frozenset[int]:
    """The units whose returns a person signs off. Heads of service (approvers) sign off every
    unit in their scope; directors sign off what their directorate holds itself (directorate and
    corporate risks, the directorate's budget, projects it leads), not their services' returns."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_sign_off_ids"):
        roles = roles_of(user)
        found: set[int] = set()
        if Role.APPROVER in roles:
            found |= scope_unit_ids(user)
        if Role.DIRECTOR in roles:
            directorates = OrgUnit.objects.filter(
                pk__in=scope_unit_ids(user), kind=OrgUnitKind.DIRECTORATE
            )
            found |= set(directorates.values_list("pk", flat=True))
        user._sign_off_ids = frozenset(found)
    return user._sign_off_ids


def is_corporate(user) -> bool:
    """The performance team and administrators act for the whole council."""
    return bool(roles_of(user) & {Role.PERFORMANCE_TEAM, Role.ADMINISTRATOR})


def _unit_of(obj) -> int | None:
    """The owning unit of an indicator, a value (through its indicator), a unit itself, or
    anything that names its unit as `owning_unit_id` (a project, a risk, a budget line and
    their updates)."""
    if obj is None:
        return None
    if isinstance(obj, OrgUnit):
        return obj.pk
    if hasattr(obj, "owning_unit_id"):
        return obj.owning_unit_id
    if hasattr(obj, "owner_id"):
        return obj.owner_id
    if hasattr(obj, "indicator"):
        return obj.indicator.owner_id
    raise TypeError(f"No owning unit for {type(obj).__name__}")


def _has_unit(obj) -> bool:
    return (
        isinstance(obj, OrgUnit)
        or hasattr(obj, "owning_unit_id")
        or hasattr(obj, "owner_id")
        or hasattr(obj, "indicator")
    )


def _in_scope(user, obj) -> bool:
    return _unit_of(obj) in scope_unit_ids(user)


def can(user, action: Action, obj=None) -> bool:
    """Whether `user` may do `action` (to `obj`, an indicator, value or unit, where given)."""
    if not user.is_authenticated or not user.is_active:
        return False
    roles = roles_of(user)
    corporate = is_corporate(user)
    match Action(action):
        case Action.VIEW_SCORECARDS:
            return True
        case Action.VIEW_UNAPPROVED:
            officer = roles & {Role.DATA_OWNER, Role.APPROVER, Role.DIRECTOR, Role.FINANCE_PARTNER}
            return corporate or (bool(officer) and (obj is None or _in_scope(user, obj)))
        case Action.ENTER_VALUE:
            if corporate:
                return True
            return Role.DATA_OWNER in roles and (obj is None or _in_scope(user, obj))
        case Action.APPROVE_VALUE:
            units = sign_off_unit_ids(user)
            if not units or (obj is not None and _unit_of(obj) not in units):
                return False
            # Never sign off your own submission.
            return getattr(obj, "submitted_by_id", None) != user.pk
        case (
            Action.MANAGE_CYCLES
            | Action.IMPORT_RETURNS
            | Action.CHASE_RETURNS
            | Action.MANAGE_FRAMEWORK
        ):
            return corporate
        case Action.WRITE_NARRATIVE:
            # Directors and heads of service for their own units; the performance team for
            # anything, including ambitions (obj None or an Ambition).
            if corporate:
                return True
            writer = roles & {Role.DIRECTOR, Role.APPROVER}
            return bool(writer) and isinstance(obj, OrgUnit) and _in_scope(user, obj)
        case Action.VIEW_REPORT_DRAFTS:
            return corporate or Role.DIRECTOR in roles
        case Action.PREPARE_REPORT | Action.WITHDRAW_REPORT:
            return corporate
        case Action.AGREE_TARGETS:
            # The director of the indicator's directorate, never for targets they proposed.
            if Role.DIRECTOR not in roles or (obj is not None and not _in_scope(user, obj)):
                return False
            return getattr(obj, "proposed_by_id", None) != user.pk
        case Action.MANAGE_REGISTERS:
            # Directors and heads of service keep their own units' registers.
            if corporate:
                return True
            keeper = roles & {Role.DIRECTOR, Role.APPROVER}
            return bool(keeper) and (obj is None or _in_scope(user, obj))
        case Action.ENTER_FORECAST:
            if corporate:
                return True
            return Role.FINANCE_PARTNER in roles and (obj is None or _in_scope(user, obj))
        case Action.MANAGE_BUDGETS:
            # Budgets and the cost-centre mapping come from finance, not from services.
            if corporate:
                return True
            return Role.FINANCE_PARTNER in roles and (obj is None or _in_scope(user, obj))
        case Action.VIEW_AUDIT:
            return bool(roles & {Role.ADMINISTRATOR, Role.AUDITOR})
        case Action.APPROVE_REPORT:
            # Directors and administrators approve, never a report they last edited.
            if not roles & {Role.DIRECTOR, Role.ADMINISTRATOR}:
                return False
            return getattr(obj, "edited_by_id", None) != user.pk
    return False


def require(user, action: Action, obj=None) -> None:
    """Refuse the request unless `can`: out of scope looks like not found (404)."""
    if can(user, action, obj):
        return
    if _has_unit(obj) and not can(user, Action.VIEW_UNAPPROVED, obj):
        raise Http404("Not found")
    raise PermissionDenied
