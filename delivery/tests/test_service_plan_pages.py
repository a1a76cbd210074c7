"""The service plan pages, through the test client: the list, and a plan's round trips from
start to sign-off and progress."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from delivery.models import ActionProgress, ServicePlan, ServicePlanAction
from delivery.service_plan_forms import RETURN_REASON_REQUIRED, REVISE_REASON_REQUIRED
from delivery.service_plan_views import (
    ACTION_ADDED,
    OBJECTIVE_ADDED,
    PROGRESS_RECORDED,
    RETURNED,
    SIGNED_OFF,
    STARTED,
    SUBMITTED,
)
from delivery.service_plans import (
    OBJECTIVES_REQUIRED,
    add_action,
    sign_off_plan,
    submit_plan,
)
from organisation.tests.personas import sign_in
from signoff.models import ReturnState

pytestmark = pytest.mark.django_db

LIST = "/delivery/service-plans/"


def _url(service_code="waste", year_code="2026-27") -> str:
    return reverse("delivery:service_plan", args=[service_code, year_code])


def _signed_off(town, plan):
    plan = submit_plan(plan=plan, by=town.person("officer"))
    return sign_off_plan(plan=plan, by=town.person("director"))


def test_the_addresses_are_the_ones_asked_for():
    assert reverse("delivery:service_plans") == LIST
    assert _url() == "/delivery/service-plans/waste/2026-27/"


def test_the_list_shows_plans_in_scope_with_their_state(client, town, plan):
    html = sign_in(client, town.person("director")).get(LIST).content.decode()
    assert "Service plans 2026/27" in html
    assert "Waste and Recycling" in html and "Draft" in html
    assert "Parks" in html and "Not started" in html
    assert "Libraries" not in html
    # The director signs plans off; drafting them is the service's.
    assert "Start the plan" not in html


def test_a_data_owner_starts_their_services_plan_from_the_list(client, town, year):
    client = sign_in(client, town.person("officer"))
    html = client.get(LIST).content.decode()
    assert "Start the plan" in html and "Parks" not in html
    response = client.post(_url(), {"start": "1"}, follow=True)
    assert escape(STARTED) in response.content.decode()
    plan = ServicePlan.objects.get()
    assert (plan.service, plan.year, plan.state) == (town.waste, year, ReturnState.DRAFT)
    assert plan.indicators.count() == 3


def test_a_plan_not_started_is_not_found(client, town, year):
    assert sign_in(client, town.person("officer")).get(_url()).status_code == 404


def test_the_whole_journey_from_draft_to_progress(client, town, year):
    officer = sign_in(client, town.person("officer"))
    officer.post(_url(), {"start": "1"})
    plan = ServicePlan.objects.get()

    # Submitting an empty plan is refused with the plan's own words.
    response = officer.post(
        _url(), {"summary": "Collect waste", "submit": "1", "lock_version": plan.lock_version}
    )
    assert response.status_code == 400
    assert escape(OBJECTIVES_REQUIRED) in response.content.decode()

    plan.refresh_from_db()
    response = officer.post(
        _url(),
        {
            "add_objective": "1",
            "objective-lock_version": plan.lock_version,
            "objective-title": "Recycle more",
            "objective-outcomes": [town.outcome.pk],
        },
        follow=True,
    )
    assert escape(OBJECTIVE_ADDED) in response.content.decode()
    plan.refresh_from_db()
    objective = plan.objectives.get()
    response = officer.post(
        _url(),
        {
            "add_action": "1",
            "action-lock_version": plan.lock_version,
            "action-objective": objective.pk,
            "action-title": "Caddies for every home",
            "action-owner": town.person("officer").pk,
            "action-starts_on": "2026-04-01",
            "action-due_on": "2026-09-30",
        },
        follow=True,
    )
    assert escape(ACTION_ADDED) in response.content.decode()
    plan.refresh_from_db()
    response = officer.post(
        _url(),
        {"summary": "Collect waste", "submit": "1", "lock_version": plan.lock_version},
        follow=True,
    )
    assert escape(SUBMITTED) in response.content.decode()
    plan.refresh_from_db()
    assert plan.state == ReturnState.SUBMITTED

    director = sign_in(client, town.person("director"))
    page = director.get(_url()).content.decode()
    assert 'id="decision-form"' in page
    assert "Less waste (ambition: A cleaner place)" in page
    response = director.post(
        _url(), {"decide": "1", "decision": "return", "lock_version": plan.lock_version}
    )
    assert response.status_code == 400
    assert escape(RETURN_REASON_REQUIRED) in response.content.decode()
    response = director.post(
        _url(),
        {
            "decide": "1",
            "decision": "return",
            "return_reason": "Say how many homes",
            "lock_version": plan.lock_version,
        },
        follow=True,
    )
    assert escape(RETURNED) in response.content.decode()

    officer = sign_in(client, town.person("officer"))
    plan.refresh_from_db()
    officer.post(
        _url(),
        {"summary": "52,000 homes", "submit": "1", "lock_version": plan.lock_version},
    )
    plan.refresh_from_db()
    director = sign_in(client, town.person("director"))
    response = director.post(
        _url(),
        {"decide": "1", "decision": "sign_off", "lock_version": plan.lock_version},
        follow=True,
    )
    assert escape(SIGNED_OFF) in response.content.decode()

    # Reported on through the year: progress with a note, kept.
    officer = sign_in(client, town.person("officer"))
    action = ServicePlanAction.objects.get()
    page = officer.get(_url()).content.decode()
    assert "Record progress on Caddies for every home" in page
    assert 'id="action-form"' not in page  # locked once signed off
    response = officer.post(
        _url(),
        {
            "progress": action.pk,
            f"progress-{action.pk}-percent_complete": "60",
            f"progress-{action.pk}-deferred_reason": "",
            f"progress-{action.pk}-note": "Half the town has caddies",
        },
        follow=True,
    )
    html = response.content.decode()
    assert escape(PROGRESS_RECORDED) in html
    assert "0% → 60%" in html and "Half the town has caddies" in html
    # 16 October 2026 is after its due date: the tag says so in words.
    assert "Overdue" in html
    assert ActionProgress.objects.get().recorded_by == town.person("officer")
    assert ServicePlan.objects.get().state == ReturnState.APPROVED


def test_revising_a_signed_off_plan_needs_a_reason(client, town, plan):
    plan = _signed_off(town, plan)
    client = sign_in(client, town.person("officer"))
    data = {"summary": "New words", "revise": "1", "lock_version": plan.lock_version}
    response = client.post(_url(), data)
    assert response.status_code == 400
    assert escape(REVISE_REASON_REQUIRED) in response.content.decode()
    client.post(_url(), {**data, "reason": "New estate"})
    plan.refresh_from_db()
    assert (plan.state, plan.summary) == (ReturnState.SUBMITTED, "New words")


def test_a_stale_save_says_so_and_changes_nothing(client, town, plan):
    client = sign_in(client, town.person("officer"))
    opened = plan.lock_version
    client.post(_url(), {"summary": "First", "save": "1", "lock_version": opened})
    response = client.post(_url(), {"summary": "Second", "save": "1", "lock_version": opened})
    assert response.status_code == 400
    who = town.person("officer").get_full_name()
    # Named: who changed what, and when.
    assert (
        f"{who} changed this service plan (the purpose and summary) at" in response.content.decode()
    )
    plan.refresh_from_db()
    assert plan.summary == "First"


@pytest.mark.parametrize("persona", ["councillor", "other_officer"])
def test_outsiders_read_only_a_signed_off_plan(client, town, plan, persona):
    client = sign_in(client, town.person(persona))
    assert client.get(_url()).status_code == 404
    _signed_off(town, plan)
    html = client.get(_url()).content.decode()
    assert "Recycle more" in html and "Collect and recycle household waste" in html
    assert 'href="/scorecards/indicators/WST-01/"' in html
    assert "Record progress" not in html and 'id="summary-form"' not in html


def test_the_plan_page_links_risks(client, town, plan):
    from risks.tests.factories import RiskFactory

    risk = RiskFactory(unit=town.waste, title="Contractor fails")
    plan.risks.add(risk)
    html = sign_in(client, town.person("officer")).get(_url()).content.decode()
    assert f'href="/risks/{risk.pk}/"' in html


def _add_actions(town, plan, count: int):
    objective = plan.objectives.get()
    for n in range(count):
        add_action(
            objective=objective,
            title=f"Action {n}",
            owner=town.person("officer"),
            starts_on=datetime.date(2026, 4, 1),
            due_on=datetime.date(2027, 3, 31),
            by=town.person("officer"),
        )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_plan_page_queries_do_not_grow_with_actions(client, town, plan):
    client = sign_in(client, town.person("officer"))
    _add_actions(town, plan, 1)  # two actions
    few = _queries(client, _url())
    _add_actions(town, plan, 10)  # twelve
    assert _queries(client, _url()) == few


def test_the_list_queries_do_not_grow_with_services(client, town, plan):
    from organisation.tests.factories import OrgUnitFactory

    client = sign_in(client, town.person("performance"))
    few = _queries(client, LIST)
    for n in range(5):
        OrgUnitFactory(council=town.council, parent=town.place, name=f"Extra {n}", kind="service")
    assert _queries(client, LIST) == few


def test_a_draft_plans_objective_and_action_are_changed_on_the_page(client, town, plan):
    from delivery.service_plan_views import ACTION_CHANGED, OBJECTIVE_CHANGED
    from delivery.service_plans import DUE_BEFORE_START

    client = sign_in(client, town.person("officer"))
    objective, action = plan.objectives.get(), ServicePlanAction.objects.get()
    page = client.get(_url()).content.decode()
    assert "Change the objective Recycle more" in page
    response = client.post(
        _url(),
        {
            "change_objective": objective.pk,
            f"objective-{objective.pk}-lock_version": plan.lock_version,
            f"objective-{objective.pk}-title": "Recycle much more",
            f"objective-{objective.pk}-description": "Two thirds by 2027",
        },
        follow=True,
    )
    assert escape(OBJECTIVE_CHANGED) in response.content.decode()
    plan.refresh_from_db()
    fields = {
        "change_action": action.pk,
        f"action-{action.pk}-lock_version": plan.lock_version,
        f"action-{action.pk}-objective": objective.pk,
        f"action-{action.pk}-title": "Caddies for flats too",
        f"action-{action.pk}-owner": town.person("officer").pk,
        f"action-{action.pk}-starts_on": "2026-06-01",
        f"action-{action.pk}-due_on": "2026-05-01",
    }
    response = client.post(_url(), fields)
    assert response.status_code == 400
    assert escape(DUE_BEFORE_START) in response.content.decode()
    response = client.post(
        _url(), {**fields, f"action-{action.pk}-due_on": "2026-12-31"}, follow=True
    )
    assert escape(ACTION_CHANGED) in response.content.decode()
    action.refresh_from_db()
    objective.refresh_from_db()
    assert (action.title, action.due_on) == ("Caddies for flats too", datetime.date(2026, 12, 31))
    assert objective.title == "Recycle much more"
    assert [r.reason for r in plan.revisions.order_by("number")][-2:] == [
        "Objective changed: Recycle much more",
        "Action changed: Caddies for flats too",
    ]


def test_the_director_sees_the_plans_waiting_for_their_sign_off(client, town, plan):
    client = sign_in(client, town.person("director"))
    assert "Waiting for your sign-off" not in client.get(LIST).content.decode()
    submit_plan(plan=plan, by=town.person("officer"))
    html = client.get(LIST).content.decode()
    assert "Waiting for your sign-off" in html and "sent by Olu Adeyemi" in html
    approver = sign_in(client, town.person("approver")).get(LIST).content.decode()
    assert "Waiting for your sign-off" not in approver


def test_a_mangled_button_is_not_found(client, town, plan):
    client = sign_in(client, town.person("officer"))
    for button in ("remove_action", "change_objective", "progress"):
        assert client.post(_url(), {button: "x"}).status_code == 404
    assert ServicePlanAction.objects.count() == 1


def test_an_actions_dates_are_offered_as_iso_dates_to_change(client, town, plan):
    html = sign_in(client, town.person("officer")).get(_url()).content.decode()
    assert 'type="date" value="2026-09-30"' in html


def test_a_draft_plan_links_the_services_risks_and_indicators(client, town, plan):
    from delivery.service_plan_views import LINKED
    from risks.tests.factories import RiskFactory

    held = RiskFactory(unit=town.waste, title="Contractor fails")
    RiskFactory(unit=town.libraries, title="Another directorate's risk")
    client = sign_in(client, town.person("officer"))
    page = client.get(_url()).content.decode()
    assert "Contractor fails" in page and "Another directorate" not in page
    response = client.post(
        _url(),
        {
            "links": "1",
            "links-lock_version": plan.lock_version,
            "links-indicators": [town.signed_off.indicator.pk],
            "links-risks": [held.pk],
        },
        follow=True,
    )
    html = response.content.decode()
    assert escape(LINKED) in html
    assert f'href="/risks/{held.pk}/"' in html
    assert list(plan.indicators.values_list("code", flat=True)) == ["WST-03"]


def test_starting_a_started_plan_changes_nothing(client, town, plan):
    client = sign_in(client, town.person("officer"))
    response = client.post(_url(), {"start": "1"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.summary == "Collect and recycle household waste"
    assert ServicePlan.objects.count() == 1
