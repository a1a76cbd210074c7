"""Plans, ambitions and outcomes managed on the framework pages: the tree, adding, changing
with a reason, reordering, removing only what nothing depends on, and each one's history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from framework import structure
from indicators.tests.factories import IndicatorFactory
from organisation.tests.personas import build_town, sign_in
from scorecards.models import Narrative
from strategy.models import Ambition, Outcome, Plan
from strategy.tests.factories import AmbitionFactory, OutcomeFactory, PlanFactory

pytestmark = pytest.mark.django_db

REASON = "Cabinet adopted the refreshed plan on 3 December"


@pytest.fixture
def town():
    return build_town()


@pytest.fixture
def team(client, town):
    return sign_in(client, town.personas["performance"])


def page(client, name, *args, **query) -> str:
    response = client.get(reverse(f"framework:{name}", args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def entries(obj) -> list[AuditEntry]:
    kind = f"{obj._meta.app_label}.{obj._meta.model_name}"
    return list(AuditEntry.objects.filter(object_type=kind, object_id=str(obj.pk)))


def test_the_tree_shows_each_plan_its_ambitions_and_outcomes_with_their_indicators(team, town):
    text = page(team, "structure")

    assert town.ambition.plan.title in text
    assert "A cleaner place" in text and "Less waste" in text
    assert "Waste and Recycling" in text  # the outcome's lead
    row = text.split(f'id="outcome-{town.outcome.pk}"')[1].split("</tr>")[0]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in row


def test_the_tree_takes_the_same_queries_however_large_the_framework(team, town):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page(team, "structure")
        return len(queries)

    small = count()
    for n in range(3):
        plan = PlanFactory()
        for m in range(3):
            ambition = AmbitionFactory(plan=plan)
            IndicatorFactory(outcomes=[OutcomeFactory(ambition=ambition, code=f"o-{n}-{m}")])

    assert count() == small


def test_the_team_adds_a_plan_an_ambition_and_an_outcome(team, town):
    response = team.post(
        reverse("framework:plan_add"),
        {
            "title": "Corporate Plan 2026 to 2029",
            "kind": "corporate",
            "parent": town.ambition.plan.pk,
            "starts_on": "2026-04-01",
            "ends_on": "2029-03-31",
            "is_current": "on",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(title="Corporate Plan 2026 to 2029")
    assert plan.parent == town.ambition.plan

    team.post(
        reverse("framework:ambition_add"),
        {"plan": plan.pk, "code": "thriving", "title": "A thriving economy"},
    )
    ambition = Ambition.objects.get(code="thriving")
    team.post(
        reverse("framework:outcome_add"),
        {
            "ambition": ambition.pk,
            "code": "good-jobs",
            "title": "More good jobs",
            "lead_unit": town.place.pk,
        },
    )

    text = page(team, "structure")
    assert "A thriving economy" in text and "More good jobs" in text
    creation = entries(Outcome.objects.get(code="good-jobs"))[0]
    assert creation.action == "created"
    assert creation.actor == town.personas["performance"]


def test_the_add_page_starts_with_the_plan_it_was_opened_for(team, town):
    text = page(team, "ambition_add", plan=town.ambition.plan.pk)

    assert f'<option value="{town.ambition.plan.pk}" selected>' in text


def test_bad_input_is_refused_naming_the_field_and_nothing_is_added(team, town):
    before = Plan.objects.count()

    response = team.post(
        reverse("framework:plan_add"),
        {"title": "", "kind": "corporate", "starts_on": "2026-04-01", "ends_on": "2025-03-31"},
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "Title: enter the plan" in text
    assert "End date: choose a date on or after the start date" not in text  # title first
    assert Plan.objects.count() == before

    response = team.post(
        reverse("framework:plan_add"),
        {"title": "Plan", "kind": "corporate", "starts_on": "2026-04-01", "ends_on": "2025-03-31"},
    )
    assert response.status_code == 400
    assert "End date: choose a date on or after the start date (1 April 2026)" in (
        response.content.decode()
    )
    assert '<a href="#id_ends_on">' in response.content.decode()
    assert Plan.objects.count() == before


def test_a_code_already_used_is_refused_naming_the_code(team, town):
    response = team.post(
        reverse("framework:outcome_add"),
        {"ambition": town.ambition.pk, "code": "less-waste", "title": "Again"},
    )

    assert response.status_code == 400
    assert "Code: “less-waste” is already used by the outcome “Less waste”" in (
        response.content.decode()
    )
    assert Outcome.objects.filter(title="Again").count() == 0


def test_a_change_needs_a_reason_and_is_kept_in_the_history_with_it(team, town):
    url = reverse("framework:ambition", args=[town.ambition.pk])
    form = {"plan": town.ambition.plan.pk, "title": "A greener place"}

    refused = team.post(url, form)

    assert refused.status_code == 400
    assert structure.REASON_REQUIRED in refused.content.decode()
    town.ambition.refresh_from_db()
    assert town.ambition.title == "A cleaner place"

    assert team.post(url, {**form, "reason": REASON}).status_code == 302
    town.ambition.refresh_from_db()
    assert town.ambition.title == "A greener place"
    changed = entries(town.ambition)[0]
    assert (changed.action, changed.reason) == ("changed", REASON)
    assert changed.before == {"title": "A cleaner place"}
    text = page(team, "ambition", town.ambition.pk)
    history = text.split('id="history"')[1]
    assert REASON in history
    assert "A cleaner place" in history and "A greener place" in history
    assert "Priya Perform" in history


def test_saving_without_a_change_records_nothing(team, town):
    url = reverse("framework:outcome", args=[town.outcome.pk])
    before = AuditEntry.objects.count()

    response = team.post(
        url,
        {
            "ambition": town.ambition.pk,
            "title": town.outcome.title,
            "lead_unit": town.waste.pk,
            "reason": REASON,
        },
        follow=True,
    )

    assert "Nothing was changed." in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_a_plan_is_retired_by_marking_it_not_current(team, town):
    plan = town.ambition.plan

    team.post(
        reverse("framework:plan", args=[plan.pk]),
        {
            "title": plan.title,
            "kind": plan.kind,
            "starts_on": plan.starts_on.isoformat(),
            "ends_on": plan.ends_on.isoformat(),
            "reason": "Replaced by the 2026 plan",
        },
    )

    plan.refresh_from_db()
    assert plan.is_current is False
    assert "Not current" in page(team, "structure")


def test_a_plan_cannot_deliver_itself_through_another(team, town):
    top = town.ambition.plan
    below = PlanFactory(title="Delivery plan", parent=top)

    response = team.post(
        reverse("framework:plan", args=[top.pk]),
        {
            "title": top.title,
            "kind": top.kind,
            "parent": below.pk,
            "starts_on": top.starts_on.isoformat(),
            "ends_on": top.ends_on.isoformat(),
            "is_current": "on",
            "reason": "Try",
        },
    )

    assert response.status_code == 400
    assert structure.PARENT_LOOP in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None


def test_ambitions_and_outcomes_are_put_in_order(team, town):
    second = AmbitionFactory(plan=town.ambition.plan, title="A fairer place")

    team.post(reverse("framework:ambition_move", args=[second.pk]), {"direction": "up"})

    assert list(town.ambition.plan.ambitions.order_by("order")) == [second, town.ambition]
    text = page(team, "structure")
    assert text.index("A fairer place") < text.index("A cleaner place")

    response = team.post(
        reverse("framework:ambition_move", args=[second.pk]), {"direction": "up"}, follow=True
    )
    assert "is already first" in response.content.decode()

    later = OutcomeFactory(ambition=town.ambition, title="Zero litter", order=5)
    team.post(reverse("framework:outcome_move", args=[later.pk]), {"direction": "up"})
    assert list(town.ambition.outcomes.order_by("order")) == [later, town.outcome]


def test_an_outcome_with_indicators_keeps_them_and_says_so(team, town):
    url = reverse("framework:outcome_remove", args=[town.outcome.pk])

    text = page(team, "outcome_remove", town.outcome.pk)
    assert "3 indicators are linked to it (WST-01, WST-02, WST-03): the indicators keep it" in text
    assert "Remove it</button>" not in text

    response = team.post(url, {"reason": "Tidy up"})
    assert response.status_code == 400
    assert Outcome.objects.filter(pk=town.outcome.pk).exists()


def test_an_outcome_indicators_were_once_linked_to_is_kept_for_past_scorecards(team, town):
    outcome = OutcomeFactory(ambition=town.ambition, code="old-outcome")
    indicator = IndicatorFactory(outcomes=[outcome])
    indicator.outcomes.clear()  # today's links gone; version 1 still places it there

    assert structure.outcome_dependents(outcome) == [
        structure.OUTCOME_WAS_LINKED.format(codes=indicator.code)
    ]


def test_what_nothing_depends_on_is_removed_with_a_reason(team, town):
    spare = OutcomeFactory(ambition=town.ambition, code="spare", title="Spare outcome")
    url = reverse("framework:outcome_remove", args=[spare.pk])

    refused = team.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert structure.REMOVE_REASON_REQUIRED in refused.content.decode()
    assert Outcome.objects.filter(pk=spare.pk).exists()

    assert team.post(url, {"reason": "Merged into Less waste"}).status_code == 302
    assert not Outcome.objects.filter(pk=spare.pk).exists()
    removal = entries(spare)[0]
    assert (removal.action, removal.reason) == ("deleted", "Merged into Less waste")


def test_an_ambition_is_kept_while_outcomes_narratives_or_a_remit_need_it(town):
    ambition = AmbitionFactory(plan=town.ambition.plan)
    assert structure.ambition_dependents(ambition) == []

    town.committee.remit_ambitions.add(ambition)
    Narrative.objects.create(
        ambition=ambition,
        period=town.cycle.period,
        going_well="Recycling",
        updated_at=timezone.now(),
    )
    OutcomeFactory(ambition=ambition)

    found = structure.ambition_dependents(ambition)
    assert found == [
        "It holds 1 outcome: move or remove them first",
        "Its scorecard has narratives for 1 period, which are kept",
        "It is in the remit of Place Scrutiny Committee: change their remit first",
    ]
    with pytest.raises(structure.StructureError):
        structure.remove_ambition(ambition=ambition, by=town.personas["performance"], reason="Gone")
    assert Ambition.objects.filter(pk=ambition.pk).exists()


def test_a_plan_holding_ambitions_is_kept(team, town):
    plan = town.ambition.plan

    text = page(team, "plan_remove", plan.pk)

    assert "It holds 1 ambition: move or remove them first" in text
    assert "untick “This plan is current”" in text


def test_only_the_performance_team_changes_the_structure_in_the_domain(town):
    with pytest.raises(PermissionDenied):
        structure.add_plan(values={"title": "x"}, by=town.personas["director"])
    assert not Plan.objects.filter(title="x").exists()


def test_the_admin_keeps_an_outcome_with_indicators_on_the_same_rule(client, town):
    client.force_login(town.personas["admin"])
    url = reverse("admin:strategy_outcome_delete", args=[town.outcome.pk])

    page_shown = client.get(url)
    posted = client.post(url, {"post": "yes", "change_reason": "Clearing out"})
    bulk = client.post(
        reverse("admin:strategy_outcome_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [town.outcome.pk],
            "post": "yes",
            "change_reason": "Clearing out",
        },
    )

    for response in (page_shown, posted, bulk):
        assert response.status_code == 200
        assert "the indicators keep it" in response.content.decode()
    assert Outcome.objects.filter(pk=town.outcome.pk).exists()
    assert town.outcome.indicators.count() == 3
