"""The admin for the performance team: exactly the framework's configuration (organisation
migration 0004), entered because the Performance team role gives staff status; every other role
is refused, and taking the role away takes the admin away."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.keeping import PERSON_KEPT, Kept
from framework.people import change_access
from indicators.models import Indicator, Value
from indicators.tests.factories import IndicatorFactory
from organisation.models import Role, User
from organisation.tests.factories import UserFactory
from organisation.tests.personas import PERSONAS, build_town, sign_in
from strategy.models import Committee

pytestmark = pytest.mark.django_db

# What the performance team finds on the admin's index: app label -> model names.
PERFORMANCE_TEAM_MODELS = {
    "indicators": {
        "Baseline",
        "Indicator",
        "IndicatorSet",
        "IndicatorVersion",
        "Period",
        "ReportingCycle",
        "Target",
        "Value",
        "ValueRevision",
    },
    "operations": {"RemovedFile", "RetentionPolicy"},
    # The registers beside the indicators (organisation migration 0006).
    "delivery": {"Milestone", "Programme", "Project"},
    "finance": {"BudgetLine", "CostCentre", "FinanceSettings"},
    "improvement": {"Finding", "ImprovementAction"},
    "risks": {"Control", "FurtherAction", "Risk", "RiskBands", "RiskReview"},
    "organisation": {"Council", "OrgUnit", "User"},
    "reports": {"Report", "ReportOutput"},
    "returns": {"CycleEvent", "Evidence", "ImportRun", "ReminderRule", "ReminderSent"},
    "scorecards": {"Narrative"},
    "strategy": {"Ambition", "Committee", "Meeting", "OperatingPrinciple", "Outcome", "Plan"},
}
# Never theirs: accounts and roles, sign-in records and devices, background tasks.
NOT_THEIRS = [
    "/admin/auth/group/",
    "/admin/otp_totp/totpdevice/",
    "/admin/axes/accessattempt/",
    "/admin/axes/accesslog/",
    "/admin/django_tasks_database/dbtaskresult/",
    "/admin/operations/jobattempt/",
]
REFUSED = ("officer", "other_officer", "approver", "other_approver", "director", "councillor")


@pytest.fixture
def town():
    town = build_town()
    # The performance team's staff status comes with the role, given on the people pages.
    change_access(
        by=town.personas["admin"],
        person=town.personas["performance"],
        roles=[Role.PERFORMANCE_TEAM],
        units=[],
        reason="Joined the performance team",
    )
    town.personas["performance"] = User.objects.get(username="performance")
    return town


def index_models(response) -> dict[str, set[str]]:
    return {
        app["app_label"]: {model["object_name"] for model in app["models"]}
        for app in response.context["app_list"]
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_index_shows_each_role_exactly_what_it_may_use(client, town, persona):
    sign_in(client, town.personas[persona])

    response = client.get(reverse("admin:index"))

    if persona == "performance":
        assert response.status_code == 200
        assert index_models(response) == PERFORMANCE_TEAM_MODELS
    elif persona == "admin":
        assert response.status_code == 200
        models = index_models(response)
        assert models["auth"] == {"Group"} and "otp_totp" in models
    elif persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert client.get(response["Location"]).status_code == 403


@pytest.mark.parametrize("persona", REFUSED)
def test_other_roles_are_refused_every_admin_page(client, town, persona):
    sign_in(client, town.personas[persona])

    for url in [
        reverse("admin:indicators_indicator_changelist"),
        reverse("admin:strategy_committee_change", args=[town.committee.pk]),
        reverse("admin:organisation_user_changelist"),
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 403, url


def test_an_internal_auditor_is_refused_the_admin(client, town):
    sign_in(client, UserFactory(roles=[Role.AUDITOR]))

    assert client.get(reverse("admin:index"), follow=True).status_code == 403


def test_staff_status_alone_gives_no_model(client, town):
    """Given by hand to a director, staff status opens an empty admin: the permissions are the
    Performance team's."""
    director = town.personas["director"]
    director.is_staff = True
    director.save()
    sign_in(client, director)

    response = client.get(reverse("admin:index"))

    assert index_models(response) == {}
    assert client.get(reverse("admin:indicators_indicator_changelist")).status_code == 403


def test_the_performance_team_configures_the_framework_in_the_admin(client, town):
    sign_in(client, town.personas["performance"])
    indicator = IndicatorFactory()

    assert client.get(reverse("admin:indicators_indicator_add")).status_code == 200
    assert (
        client.get(reverse("admin:indicators_indicator_change", args=[indicator.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:strategy_committee_add")).status_code == 200
    assert client.get(reverse("admin:returns_reminderrule_changelist")).status_code == 200
    # Indicators are retired, never deleted.
    delete = reverse("admin:indicators_indicator_delete", args=[indicator.pk])
    assert client.post(delete, {"post": "yes", "change_reason": "Gone"}).status_code == 403
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    committee = reverse("admin:strategy_committee_change", args=[town.committee.pk])
    page = client.get(committee)
    assert page.status_code == 200 and page.context["has_change_permission"]


def test_the_performance_team_reads_people_and_figures_in_the_admin_but_never_changes_them(
    client, town
):
    sign_in(client, town.personas["performance"])
    officer = town.personas["officer"]
    person_url = reverse("admin:organisation_user_change", args=[officer.pk])

    page = client.get(person_url)
    refused = client.post(
        person_url,
        {"username": "officer", "is_superuser": "on", "is_staff": "on", "change_reason": "x"},
    )

    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert refused.status_code == 403
    assert not User.objects.get(pk=officer.pk).is_superuser
    assert client.get(reverse("admin:organisation_user_add")).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[officer.pk])
    assert client.get(password).status_code == 403
    value = reverse("admin:indicators_value_change", args=[town.draft.pk])
    assert client.get(value).status_code == 200
    assert not Value.objects.get(pk=town.draft.pk).approved_by_id
    for url in NOT_THEIRS:
        assert client.get(url).status_code == 403, url


def test_taking_the_role_away_takes_the_admin_away(client, town):
    performance = town.personas["performance"]
    change_access(
        by=town.personas["admin"],
        person=performance,
        roles=[Role.DATA_OWNER],
        units=[town.waste],
        reason="Moved to the waste team",
    )
    sign_in(client, User.objects.get(pk=performance.pk))

    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 403
    assert not User.objects.get(pk=performance.pk).is_staff


def test_only_the_performance_team_group_holds_admin_permissions():
    holders = {group.name for group in Group.objects.filter(permissions__isnull=False)}

    assert holders == {"Performance team"}
    committee = Group.objects.get(name="Performance team").permissions.filter(
        content_type__model=Committee._meta.model_name
    )
    assert {p.codename for p in committee} == {
        "view_committee",
        "add_committee",
        "change_committee",
        "delete_committee",
    }


def test_the_admin_keeps_a_person_who_entered_figures(client, town):
    """audit.keeping: the figures' history names them, whichever way deletion is asked for."""
    officer = town.personas["officer"]
    sign_in(client, town.personas["admin"])
    url = reverse("admin:organisation_user_delete", args=[officer.pk])

    page = client.get(url)
    client.post(url, {"post": "yes", "change_reason": "Left the council"})

    assert PERSON_KEPT.format(person=officer) in page.content.decode()
    assert User.objects.filter(pk=officer.pk).exists()
    with pytest.raises(Kept):
        User.objects.get(pk=officer.pk).delete()


def test_the_performance_team_sets_the_finance_thresholds_and_risk_bands_in_the_admin(client, town):
    sign_in(client, town.personas["performance"])

    for model in ("finance_financesettings", "risks_riskbands"):
        assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200, model
    for model in ("finance_costcentre", "delivery_project", "improvement_finding", "risks_risk"):
        assert client.get(reverse(f"admin:{model}_add")).status_code == 200, model
    # Reviews change only through their sign-off on the risk's page.
    assert client.get(reverse("admin:risks_riskreview_add")).status_code == 403
