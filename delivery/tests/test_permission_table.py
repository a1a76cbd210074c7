"""Every delivery URL against every persona: the exact answer, and a refused request (or a
page that changes nothing) leaves the database exactly as it was.

Columns, in `PERSONAS` order: off, off2 = the data owners of Waste and of Parks; appr, appr2 =
their approvers; dir = the director of Place (Waste and Parks); perf = the performance team;
admin = a superuser; cllr = a councillor; anon = a member of the public, not signed in. Rows
act on DP-01 (led by Waste) and its update for Q2 2026/27, whose cycle is open; the service plan
rows act on Waste's plan for 2026/27, which only the director of Place signs off.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from delivery.models import (
    ActionProgress,
    Milestone,
    MilestoneDateChange,
    ProjectUpdate,
    ProjectUpdateRevision,
    ServicePlan,
    ServicePlanAction,
    ServicePlanObjective,
    ServicePlanRevision,
)
from delivery.service_plans import sign_off_plan, submit_plan
from goldenthread.tests.test_permission_matrix import url_names
from organisation.tests.permission_tables import SIGN_IN, cells, checked_by
from organisation.tests.personas import OPEN_PERIOD
from signoff.models import ReturnState

pytestmark = pytest.mark.django_db

ENTRIES = {
    "percent_complete": "60",
    "done": "Caddies delivered",
    "next_steps": "",
    "issues": "",
    "deferred_reason": "",
    "status_override": "",
    "override_reason": "",
}


@dataclass(frozen=True)
class Change:
    url_name: str
    success: int
    prepare: Callable  # (town, project, updates) -> None
    data: Callable  # (project) -> dict
    happened: Callable  # (project, user) -> None


def nothing(*_):
    pass


def submitted(town, project, updates):
    updates.submitted(project, OPEN_PERIOD, 50)


def signed_off(town, project, updates):
    updates.signed_off(project, OPEN_PERIOD, 50)


def version(project) -> str:
    update = ProjectUpdate.objects.filter(project=project).first()
    return str(update.lock_version) if update else ""


def update_of(project) -> ProjectUpdate:
    return ProjectUpdate.objects.get(project=project)


def entered(state):
    def happened(project, user):
        update = update_of(project)
        assert (update.state, update.percent_complete) == (state, 60)
        assert update.revisions.order_by("number").last().changed_by == user

    return happened


def decided(state):
    def happened(project, user):
        update = update_of(project)
        assert update.state == state
        assert update.revisions.order_by("number").last().changed_by == user

    return happened


def moved(project, user):
    change = MilestoneDateChange.objects.get()
    assert (change.after, change.changed_by) == (datetime.date(2027, 1, 8), user)


def move_data(project) -> dict:
    milestone = project.milestones.get()
    prefix = f"milestone-{milestone.pk}"
    return {
        "move": "1",
        "milestone": milestone.pk,
        f"{prefix}-forecast_on": "2027-01-08",
        f"{prefix}-achieved_on": "",
        f"{prefix}-reason": "Supplier delay",
    }


CHANGES = {
    "save an update": Change(
        "delivery:project",
        302,
        nothing,
        lambda project: {**ENTRIES, "save": "1", "lock_version": version(project)},
        entered(ReturnState.DRAFT),
    ),
    "submit an update": Change(
        "delivery:project",
        302,
        nothing,
        lambda project: {**ENTRIES, "submit": "1", "lock_version": version(project)},
        entered(ReturnState.SUBMITTED),
    ),
    "revise an update": Change(
        "delivery:project",
        302,
        signed_off,
        lambda project: {
            **ENTRIES,
            "revise": "1",
            "reason": "Recounted",
            "lock_version": version(project),
        },
        entered(ReturnState.SUBMITTED),
    ),
    "sign off an update": Change(
        "delivery:project",
        302,
        submitted,
        lambda project: {"decide": "1", "decision": "sign_off", "lock_version": version(project)},
        decided(ReturnState.APPROVED),
    ),
    "return an update": Change(
        "delivery:project",
        302,
        submitted,
        lambda project: {
            "decide": "1",
            "decision": "return",
            "return_reason": "Too low",
            "lock_version": version(project),
        },
        decided(ReturnState.RETURNED),
    ),
    "move a milestone": Change("delivery:project", 302, nothing, move_data, moved),
}

MATRIX = {
    #                       off   off2  appr  appr2 dir   perf  admin cllr  anon
    "save an update":      (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "submit an update":    (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "revise an update":    (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "sign off an update":  (403,  404,  302,  404,  403,  403,  403,  404,  SIGN_IN),
    "return an update":    (403,  404,  302,  404,  403,  403,  403,  404,  SIGN_IN),
    "move a milestone":    (403,  404,  302,  404,  302,  302,  302,  404,  SIGN_IN),
}  # fmt: skip

# Pages that change nothing, whatever is posted to them.
READ_ONLY_URLS = {
    "delivery:service_plans": lambda: reverse("delivery:service_plans"),
    "delivery:plan": lambda: reverse("delivery:plan"),
    "delivery:export": lambda: reverse("delivery:export"),
    "delivery:programme": lambda: reverse("delivery:programme", args=["cleaner-place"]),
}
READ_ONLY = {
    #                       off   off2  appr  appr2 dir   perf  admin cllr  anon
    "delivery:service_plans": (200, 200, 200, 200,  200,  200,  200,  200,  SIGN_IN),
    "delivery:plan":       (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "delivery:export":     (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
    "delivery:programme":  (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
}  # fmt: skip


def database_state() -> dict:
    return {
        "updates": list(
            ProjectUpdate.objects.order_by("pk").values_list(
                "state", "percent_complete", "lock_version", "done"
            )
        ),
        "revisions": ProjectUpdateRevision.objects.count(),
        "milestones": list(
            Milestone.objects.order_by("pk").values_list(
                "baseline_due", "forecast_on", "achieved_on"
            )
        ),
        "date changes": MilestoneDateChange.objects.count(),
        "service plans": list(
            ServicePlan.objects.order_by("pk").values_list("state", "summary", "lock_version")
        ),
        "plan revisions": ServicePlanRevision.objects.count(),
        "objectives": ServicePlanObjective.objects.count(),
        "actions": list(
            ServicePlanAction.objects.order_by("pk").values_list("title", "percent_complete")
        ),
        "action progress": ActionProgress.objects.count(),
        "plan links": [
            sorted(plan.indicators.values_list("code", flat=True))
            + sorted(plan.risks.values_list("reference", flat=True))
            for plan in ServicePlan.objects.order_by("pk")
        ],
        "audit entries": AuditEntry.objects.count(),
    }


request_and_check = checked_by(database_state)


@pytest.mark.parametrize(("change", "persona", "expected"), cells(MATRIX))
def test_state_change(client, town, project, milestone, updates, change, persona, expected):
    step, person = CHANGES[change], town.personas[persona]
    step.prepare(town, project, updates)
    request_and_check(
        client,
        person,
        ("post", reverse(step.url_name, args=[project.pk]), step.data(project)),
        expected,
        success=step.success,
        happened=lambda user: step.happened(project, user),
    )


@pytest.mark.parametrize(("page", "persona", "expected"), cells(READ_ONLY))
@pytest.mark.parametrize("method", ["get", "post"])
def test_read_only_page(client, town, project, updates, page, persona, expected, method):
    submitted(town, project, updates)
    posted = {**ENTRIES, "submit": "1"}
    request_and_check(
        client, town.personas[persona], (method, READ_ONLY_URLS[page](), posted), expected
    )


# Service plans: the rows act on Waste's plan for 2026/27 (the `plan` fixture: a draft with one
# objective and one action), prepared to the state each row needs.
PLAN_URL = "delivery:service_plan"


def plan_submitted(town, plan):
    submit_plan(plan=plan, by=town.person("officer"))


def plan_signed_off(town, plan):
    submit_plan(plan=plan, by=town.person("officer"))
    sign_off_plan(plan=ServicePlan.objects.get(pk=plan.pk), by=town.person("director"))


def no_plan(town, plan):
    plan.delete()


def plan_version() -> str:
    plan = ServicePlan.objects.first()
    return str(plan.lock_version) if plan else ""


def the_plan() -> ServicePlan:
    return ServicePlan.objects.get()


def plan_in(state, summary=None):
    def happened(town, user):
        plan = the_plan()
        assert plan.state == state
        if summary is not None:
            assert plan.summary == summary
        assert plan.revisions.order_by("number").last().changed_by == user

    return happened


def plan_started(town, user):
    plan = the_plan()
    assert (plan.state, plan.entered_by, plan.service) == (ReturnState.DRAFT, user, town.waste)


def objective_added(town, user):
    """Added or changed: an objective now has the posted title."""
    assert ServicePlanObjective.objects.filter(title="Cleaner streets").exists()
    assert the_plan().revisions.order_by("number").last().changed_by == user


def action_added(town, user):
    """Added or changed: an action now has the posted title."""
    assert ServicePlanAction.objects.filter(title="Litter picks").exists()
    assert the_plan().revisions.order_by("number").last().changed_by == user


def action_removed(town, user):
    assert not ServicePlanAction.objects.exists()
    assert the_plan().revisions.order_by("number").last().changed_by == user


def linked(town, user):
    assert list(the_plan().indicators.values_list("code", flat=True)) == ["WST-01"]


def unlinked(town, plan):
    plan.indicators.clear()


def copied(town, user):
    assert the_plan().indicators.count() == 3


def progressed(town, user):
    progress = ActionProgress.objects.get()
    assert (progress.after_percent, progress.recorded_by) == (40, user)


def the_action() -> ServicePlanAction:
    return ServicePlanAction.objects.get()


PLAN_CHANGES = {
    "start a service plan": Change(
        PLAN_URL, 302, no_plan, lambda town: {"start": "1"}, plan_started
    ),
    "save a service plan": Change(
        PLAN_URL,
        302,
        nothing,
        lambda town: {"summary": "Cleaner", "save": "1", "lock_version": plan_version()},
        plan_in(ReturnState.DRAFT, "Cleaner"),
    ),
    "submit a service plan": Change(
        PLAN_URL,
        302,
        nothing,
        lambda town: {"summary": "Cleaner", "submit": "1", "lock_version": plan_version()},
        plan_in(ReturnState.SUBMITTED, "Cleaner"),
    ),
    "add an objective": Change(
        PLAN_URL,
        302,
        nothing,
        lambda town: {
            "add_objective": "1",
            "objective-lock_version": plan_version(),
            "objective-title": "Cleaner streets",
        },
        objective_added,
    ),
    "add an action": Change(
        PLAN_URL,
        302,
        nothing,
        lambda town: {
            "add_action": "1",
            "action-lock_version": plan_version(),
            "action-objective": ServicePlanObjective.objects.get().pk,
            "action-title": "Litter picks",
            "action-owner": town.person("officer").pk,
            "action-starts_on": "2026-05-01",
            "action-due_on": "2026-06-01",
        },
        action_added,
    ),
    "change an objective": Change(
        PLAN_URL,
        302,
        nothing,
        lambda town: {
            "change_objective": ServicePlanObjective.objects.get().pk,
            f"objective-{ServicePlanObjective.objects.get().pk}-lock_version": plan_version(),
            f"objective-{ServicePlanObjective.objects.get().pk}-title": "Cleaner streets",
        },
        objective_added,
    ),
    "change an action": Change(
        PLAN_URL,
        302,
        nothing,
        lambda town: {
            "change_action": the_action().pk,
            f"action-{the_action().pk}-lock_version": plan_version(),
            f"action-{the_action().pk}-objective": ServicePlanObjective.objects.get().pk,
            f"action-{the_action().pk}-title": "Litter picks",
            f"action-{the_action().pk}-owner": town.person("officer").pk,
            f"action-{the_action().pk}-starts_on": "2026-05-01",
            f"action-{the_action().pk}-due_on": "2026-06-01",
        },
        action_added,
    ),
    "remove an action": Change(
        PLAN_URL,
        302,
        nothing,
        lambda town: {"remove_action": the_action().pk, "lock_version": plan_version()},
        action_removed,
    ),
    "link indicators and risks": Change(
        PLAN_URL,
        302,
        nothing,
        lambda town: {
            "links": "1",
            "links-lock_version": plan_version(),
            "links-indicators": [town.draft.indicator.pk],
        },
        linked,
    ),
    "copy the service's indicators": Change(
        PLAN_URL, 302, unlinked, lambda town: {"copy_indicators": "1"}, copied
    ),
    "sign off a service plan": Change(
        PLAN_URL,
        302,
        plan_submitted,
        lambda town: {"decide": "1", "decision": "sign_off", "lock_version": plan_version()},
        plan_in(ReturnState.APPROVED),
    ),
    "return a service plan": Change(
        PLAN_URL,
        302,
        plan_submitted,
        lambda town: {
            "decide": "1",
            "decision": "return",
            "return_reason": "Add numbers",
            "lock_version": plan_version(),
        },
        plan_in(ReturnState.RETURNED),
    ),
    "revise a service plan": Change(
        PLAN_URL,
        302,
        plan_signed_off,
        lambda town: {
            "summary": "Cleaner",
            "revise": "1",
            "reason": "New estate",
            "lock_version": plan_version(),
        },
        plan_in(ReturnState.SUBMITTED, "Cleaner"),
    ),
    "record action progress": Change(
        PLAN_URL,
        302,
        plan_signed_off,
        lambda town: {
            "progress": the_action().pk,
            f"progress-{the_action().pk}-percent_complete": "40",
            f"progress-{the_action().pk}-note": "Caddies ordered",
        },
        progressed,
    ),
}

PLAN_MATRIX = {
    #                                 off   off2  appr  appr2 dir   perf  admin cllr  anon
    "start a service plan":          (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "save a service plan":           (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "submit a service plan":         (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "add an objective":              (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "add an action":                 (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "change an objective":           (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "change an action":              (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "remove an action":              (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "link indicators and risks":     (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "copy the service's indicators": (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "sign off a service plan":       (403,  404,  403,  404,  302,  403,  403,  404,  SIGN_IN),
    "return a service plan":         (403,  404,  403,  404,  302,  403,  403,  404,  SIGN_IN),
    "revise a service plan":         (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
    "record action progress":        (302,  404,  403,  404,  403,  302,  302,  404,  SIGN_IN),
}  # fmt: skip

# Reading the plan: a draft only within scope; once signed off, anyone signed in.
PLAN_READING = {
    #                       off   off2  appr  appr2 dir   perf  admin cllr  anon
    "a draft plan":        (200,  404,  200,  404,  200,  200,  200,  404,  SIGN_IN),
    "a signed-off plan":   (200,  200,  200,  200,  200,  200,  200,  200,  SIGN_IN),
}  # fmt: skip
PLAN_READING_PREPARED = {"a draft plan": nothing, "a signed-off plan": plan_signed_off}


@pytest.mark.parametrize(("change", "persona", "expected"), cells(PLAN_MATRIX))
def test_service_plan_change(client, town, plan, change, persona, expected):
    step, person = PLAN_CHANGES[change], town.personas[persona]
    step.prepare(town, plan)
    request_and_check(
        client,
        person,
        ("post", reverse(step.url_name, args=["waste", "2026-27"]), step.data(town)),
        expected,
        success=step.success,
        happened=lambda user: step.happened(town, user),
    )


@pytest.mark.parametrize(("state", "persona", "expected"), cells(PLAN_READING))
def test_service_plan_reading(client, town, plan, state, persona, expected):
    PLAN_READING_PREPARED[state](town, plan)
    request_and_check(
        client,
        town.personas[persona],
        ("get", reverse(PLAN_URL, args=["waste", "2026-27"]), {}),
        expected,
    )


def test_every_url_is_in_the_permission_table():
    in_tables = (
        {step.url_name for step in CHANGES.values()}
        | {step.url_name for step in PLAN_CHANGES.values()}
        | set(READ_ONLY)
    )
    assert url_names("delivery") == in_tables
    assert set(MATRIX) == set(CHANGES)
    assert set(PLAN_MATRIX) == set(PLAN_CHANGES)
    assert set(READ_ONLY) == set(READ_ONLY_URLS)
