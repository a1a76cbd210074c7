"""A submitted service plan waits in the sign-off queue of the director who may sign it off,
and shows on its service's scorecard once signed off."""

import pytest
from django.urls import reverse

from delivery.service_plans import sign_off_plan, submit_plan
from organisation.tests.personas import sign_in

pytestmark = pytest.mark.django_db


def test_a_submitted_plan_waits_in_the_directors_sign_off_queue(client, town, plan):
    submit_plan(plan=plan, by=town.person("officer"))

    waiting = sign_in(client, town.person("director")).get(reverse("returns:sign_off"))
    # The director is not an approver of figures, so the queue is closed to them.
    assert waiting.status_code == 403

    town.person("director").groups.add(*town.person("approver").groups.all())
    text = sign_in(client, town.person("director")).get(reverse("returns:sign_off"))
    assert "Service plan" in text.content.decode()
    assert reverse("delivery:service_plan", args=["waste", "2026-27"]) in text.content.decode()


def test_a_signed_off_plan_shows_on_its_services_scorecard(client, town, plan):
    sign_off_plan(
        plan=submit_plan(plan=plan, by=town.person("officer")), by=town.person("director")
    )

    page = sign_in(client, town.person("councillor")).get(
        reverse("scorecards:service", args=["waste"])
    )
    assert "Service plan 2026/27" in page.content.decode()
