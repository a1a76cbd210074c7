"""The delivery plan on scorecard pages: a directorate's change programmes and projects, the
projects delivering an ambition or outcome, the projects measured by an indicator, and a
service's plan. Signed-off updates and plans only
(panels take no user)."""

from __future__ import annotations

from django.urls import reverse

from delivery.queries import project_rows, projects, roll_up, units_within
from delivery.service_plan_queries import plan_view, service_plan, year_of
from indicators.models import Indicator, Period
from organisation.models import OrgUnit
from scorecards.panels import Panel
from strategy.models import Ambition

TEMPLATE = "delivery/panel_projects.html"


def directorate_change_panel(directorate: OrgUnit, period: Period) -> Panel:
    """Projects led by the directorate's services, with a roll-up by delivery status."""
    rows = project_rows(projects(unit_ids=units_within([directorate.pk])), period)
    return Panel(
        title="Change: programmes and projects",
        anchor="change",
        template=TEMPLATE,
        context={
            "rows": rows,
            "roll_up": roll_up(rows),
            "period": period,
            "empty": f"{directorate.name} leads no active projects.",
            "caption": f"Projects led by {directorate.name}, {period.label}",
        },
    )


def indicator_projects_panel(indicator: Indicator, period: Period) -> Panel | None:
    """The projects whose effect the indicator shows; None when no project names it."""
    rows = project_rows(projects(indicator=indicator), period)
    if not rows:
        return None
    return Panel(
        title="Projects",
        anchor="projects",
        template=TEMPLATE,
        context={
            "rows": rows,
            "roll_up": None,
            "period": period,
            "empty": "",
            "caption": f"Projects measured by {indicator.code}, {period.label}",
        },
    )


def theme_projects_panel(theme, period: Period) -> Panel | None:
    """The projects delivering an ambition or an outcome (seed 003: a theme's headline view
    drills down to each project); None when none is linked."""
    scope = {"ambition": theme} if isinstance(theme, Ambition) else {"outcome": theme}
    rows = project_rows(projects(**scope), period)
    if not rows:
        return None
    return Panel(
        title="Projects",
        anchor="projects",
        template=TEMPLATE,
        context={
            "rows": rows,
            "roll_up": roll_up(rows),
            "period": period,
            "empty": "",
            "caption": f"Projects delivering {theme.title}, {period.label}",
        },
    )


def service_plan_panel(service: OrgUnit, period: Period) -> Panel | None:
    """The service's signed-off plan for the period's financial year: its objectives and its
    actions counted by delivery status at the period's end; None when there is no year."""
    year = year_of(period)
    if year is None:
        return None
    plan = service_plan(service, year)
    signed_off = plan is not None and plan.is_signed_off
    return Panel(
        title=f"Service plan {year.label}",
        anchor="service-plan",
        template="delivery/service_plans/panel.html",
        context={
            "view": plan_view(plan, on=min(period.ends_on, year.ends_on)) if signed_off else None,
            "url": reverse("delivery:service_plan", args=[service.code, year.code]),
            "empty": f"{service.name} has no signed-off service plan for {year.label}.",
        },
    )
