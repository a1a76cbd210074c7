"""What the signed-in endpoints read: who the token acts as, the returns due from them, and
the figures in their scope, live (drafts included), never beyond what the pages show them.

Every answer goes through `organisation.permissions` as the pages do: the returns due are the
"Your returns" page's own (`returns.queries.my_returns`), for people who enter figures; an
indicator's figures are read only where the person may see unapproved figures
(`Action.VIEW_UNAPPROVED`), and anything else is not found.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse

from api.models import ApiToken
from api.queries import Links
from delivery.models import Project, ProjectUpdate
from delivery.queries import DueUpdate, updates_due
from delivery.workflow import update_reading
from finance.models import BudgetLine, Forecast
from finance.queries import lines_in_scope
from indicators.models import Indicator, Period, Value, ValueRevision
from organisation.models import OrgUnit
from organisation.permissions import Action, can, is_corporate, roles_of, scope_unit_ids
from returns.queries import due_indicators, my_returns
from status.periods import PeriodKind, financial_year, financial_year_start


def plain(number: Decimal | None) -> str | None:
    """A stored number as text, without the trailing zeros of its six stored places."""
    if number is None:
        return None
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def site_url(request: HttpRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


# Who


def me(user, token: ApiToken) -> dict:
    whole_council = is_corporate(user)
    if not can(user, Action.VIEW_UNAPPROVED):
        units = OrgUnit.objects.none()
    elif whole_council:
        units = OrgUnit.objects.all()
    else:
        units = OrgUnit.objects.filter(pk__in=scope_unit_ids(user))
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "roles": sorted(role.label for role in roles_of(user)),
        "whole_council": whole_council,
        "units": [
            {"code": unit.code, "name": unit.name, "kind": unit.kind}
            for unit in units.order_by("code")
        ],
        "may_enter_figures": can(user, Action.ENTER_VALUE),
        "token": {
            "name": token.name,
            "prefix": token.shown_prefix,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "last_used_at": token.last_used_at,
        },
    }


# The returns due


def returns_due(user, *, today: date) -> list:
    """The returns due from the person in the open cycles, as the "Your returns" page lists
    them (none for someone who enters no figures)."""
    if not can(user, Action.ENTER_VALUE):
        return []
    return my_returns(user, today=today)


def return_resources(request: HttpRequest, found: Sequence, links: Links) -> list[dict]:
    """The page's returns with the indicators due in each and the figure entered so far
    (two queries for each open cycle on the page, however many returns)."""
    due: dict[tuple[int, int], list[Indicator]] = defaultdict(list)
    services_by_cycle: dict[int, set[int]] = defaultdict(set)
    cycles = {}
    for item in found:
        services_by_cycle[item.cycle.pk].add(item.service.pk)
        cycles[item.cycle.pk] = item.cycle
    for cycle_id, services in services_by_cycle.items():
        for indicator in due_indicators(cycles[cycle_id], services):
            due[cycle_id, indicator.owner_id].append(indicator)
    values = {
        (v.indicator_id, v.period_id): v
        for v in Value.objects.filter(
            period_id__in={c.period_id for c in cycles.values()},
            indicator_id__in={i.pk for group in due.values() for i in group},
        ).only("indicator_id", "period_id", "state", "figure", "lock_version", "updated_at")
    }
    resources = []
    for item in found:
        indicators = sorted(due[item.cycle.pk, item.service.pk], key=lambda i: i.code)
        resources.append(
            {
                "cycle": item.cycle.pk,
                "period_code": item.cycle.period.code,
                "period_label": item.cycle.period.label,
                "data_entry_deadline": item.cycle.data_entry_deadline,
                "signoff_deadline": item.cycle.signoff_deadline,
                "service_code": item.service.code,
                "service_name": item.service.name,
                "state": item.state,
                "is_late": item.is_late,
                "indicators": [
                    _due(indicator, values.get((indicator.pk, item.cycle.period_id)), links)
                    for indicator in indicators
                ],
                "web_url": site_url(request, "returns:service", item.cycle.pk, item.service.code),
            }
        )
    return resources


def _due(indicator: Indicator, value: Value | None, links: Links) -> dict:
    return {
        "code": indicator.code,
        "title": indicator.title,
        "unit": indicator.unit,
        "has_parts": bool(indicator.numerator_label),
        "value": None
        if value is None
        else {
            "state": value.state,
            "figure": plain(value.figure),
            "lock_version": value.lock_version,
            "updated_at": value.updated_at,
        },
        "values_url": links.api("draft_values", indicator.code),
    }


# An indicator's figures


def draft_values(user, code: str, *, period: str | None = None) -> list[Value] | None:
    """Every figure of an indicator the person may see unapproved figures of, the latest
    period first; None for any other indicator (or none with that code)."""
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None or not can(user, Action.VIEW_UNAPPROVED, indicator):
        return None
    values = Value.objects.filter(indicator=indicator).select_related("indicator", "period")
    if period is not None:
        values = values.filter(period__code=period)
    return list(values.order_by("-period__starts_on", "period__kind"))


def draft_value_resources(request: HttpRequest, found: Sequence[Value]) -> list[dict]:
    """The page's figures, each with who last changed it (one query for the whole page)."""
    last = {}
    for revision in (
        ValueRevision.objects.filter(value__in=list(found))
        .select_related("changed_by")
        .order_by("value_id", "number")
    ):
        last[revision.value_id] = revision
    return [draft_value(request, value, last.get(value.pk)) for value in found]


def draft_value(request: HttpRequest, value: Value, last: ValueRevision | None) -> dict:
    who = last.changed_by if last else None
    return {
        "indicator": value.indicator.code,
        "period_code": value.period.code,
        "period_label": value.period.label,
        "state": value.state,
        "figure": plain(value.figure),
        "numerator": plain(value.numerator),
        "denominator": plain(value.denominator),
        "not_available_reason": value.not_available_reason,
        "data_quality": value.data_quality,
        "commentary": value.commentary,
        "reasons": value.reasons,
        "actions": value.actions,
        "lock_version": value.lock_version,
        "updated_at": value.updated_at,
        "changed_by": (who.get_full_name() or who.get_username()) if who else None,
        "submitted_at": value.submitted_at,
        "approved_at": value.approved_at,
        "web_url": site_url(request, "returns:value", value.pk),
    }


# Project updates


def project_update(request: HttpRequest, update: ProjectUpdate, project: Project) -> dict:
    reading = update_reading(update, project, update.period)
    return {
        "project": project.reference,
        "project_title": project.title,
        "period_code": update.period.code,
        "period_label": update.period.label,
        "state": update.state,
        "percent_complete": update.percent_complete,
        "done": update.done,
        "next_steps": update.next_steps,
        "issues": update.issues,
        "deferred_reason": update.deferred_reason,
        "status_override": update.status_override,
        "override_reason": update.override_reason,
        "delivery_status": reading.status.value if reading else None,
        "delivery_status_label": reading.status.label if reading else None,
        "lock_version": update.lock_version,
        "updated_at": update.updated_at,
        "web_url": site_url(request, "delivery:project", project.pk),
    }


def project_updates_due(user) -> list[DueUpdate]:
    """The project updates due from the person in the open cycle, as "Your returns" lists
    them, by reference (none for someone who enters no figures)."""
    return sorted(updates_due(user), key=lambda due: due.project.reference)


def due_project_update_resources(request: HttpRequest, found: Sequence[DueUpdate]) -> list[dict]:
    return [
        {
            "project": due.project.reference,
            "project_title": due.project.title,
            "lead_service": due.project.lead_service.code,
            "period_code": due.period.code,
            "period_label": due.period.label,
            "update": project_update(request, _with_period(due.update, due.period), due.project)
            if due.update
            else None,
        }
        for due in found
    ]


def _with_period(update: ProjectUpdate, period: Period) -> ProjectUpdate:
    update.period = period  # the cycle's period, read once for every update
    return update


# Budget lines and forecasts


def budget_lines(user, *, year: str | None, today: date) -> list[BudgetLine] | None:
    """The year's budget lines the person makes forecasts for (every line for the performance
    team); None for a year that does not exist."""
    code = year or financial_year(financial_year_start(today)).code
    found = Period.objects.filter(kind=PeriodKind.financial_year, code=code).first()
    if found is None:
        return None
    if not can(user, Action.ENTER_FORECAST):
        return []
    return lines_in_scope(user, found)


def budget_line_resources(request: HttpRequest, found: Sequence[BudgetLine]) -> list[dict]:
    """The page's lines, each with its forecasts (one query for the whole page)."""
    forecasts = defaultdict(list)
    for forecast in (
        Forecast.objects.filter(line__in=list(found))
        .select_related("period")
        .order_by("period__ends_on", "period__starts_on")
    ):
        forecasts[forecast.line_id].append(forecast)
    resources = []
    for line in found:
        resources.append(
            {
                "unit": line.unit.code,
                "unit_name": line.unit.name,
                "year": line.year.code,
                "budget": plain(line.budget),
                "forecasts": [forecast_resource(request, f, line) for f in forecasts[line.pk]],
                "web_url": site_url(request, "finance:line", line.pk),
            }
        )
    return resources


def forecast_resource(request: HttpRequest, found: Forecast, line: BudgetLine) -> dict:
    return {
        "unit": line.unit.code,
        "unit_name": line.unit.name,
        "year": line.year.code,
        "period_code": found.period.code,
        "period_label": found.period.label,
        "state": found.state,
        "forecast_outturn": plain(found.forecast_outturn),
        "commentary": found.commentary,
        "lock_version": found.lock_version,
        "updated_at": found.updated_at,
        "web_url": site_url(request, "finance:forecast", found.pk),
    }
