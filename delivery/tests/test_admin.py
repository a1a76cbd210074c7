import pytest
from django.urls import reverse

from organisation.tests.personas import sign_in

pytestmark = pytest.mark.django_db


def test_the_admin_lists_programmes_projects_and_milestones(client, town, milestone):
    client = sign_in(client, town.person("admin"))
    for name in ("programme", "project", "milestone"):
        response = client.get(reverse(f"admin:delivery_{name}_changelist"))
        assert response.status_code == 200


def test_a_milestones_dates_move_only_on_the_project_page(client, town, milestone):
    client = sign_in(client, town.person("admin"))
    page = client.get(reverse("admin:delivery_milestone_change", args=[milestone.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="baseline_due"' not in html and 'name="forecast_on"' not in html
    adding = client.get(reverse("admin:delivery_milestone_add")).content.decode()
    assert 'name="baseline_due"' in adding


def test_the_admin_shows_a_service_plan_with_its_state_read_only(client, town, plan):
    client = sign_in(client, town.person("admin"))
    assert client.get(reverse("admin:delivery_serviceplan_changelist")).status_code == 200
    page = client.get(reverse("admin:delivery_serviceplan_change", args=[plan.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="state"' not in html and "Recycle more" in html
    assert 'name="objectives-0-title"' in html  # a draft's objectives can change
    objective = plan.objectives.get()
    page = client.get(reverse("admin:delivery_serviceplanobjective_change", args=[objective.pk]))
    assert "Food waste caddies for every home" in page.content.decode()
    assert client.get(reverse("admin:delivery_serviceplan_add")).status_code == 403


def test_the_admin_cannot_change_a_submitted_plans_objectives(client, town, plan):
    from delivery.service_plans import submit_plan

    submit_plan(plan=plan, by=town.person("officer"))
    client = sign_in(client, town.person("admin"))
    html = client.get(reverse("admin:delivery_serviceplan_change", args=[plan.pk])).content
    assert b'name="objectives-0-title"' not in html
    assert b"Recycle more" in html
