"""A submitted service plan waits in the sign-off queue of the director who may sign it off,
and shows on its service's scorecard once signed off."""

import pytest
from django.urls import reverse

from delivery.service_plans import sign_off_plan, submit_plan
from organisation.tests.personas import sign_in

pytestmark = pytest.mark.django_db


def test_a_submitted_plan_waits_in_the_directors_sign_off_queue(client, town, plan):
    submit_plan(plan=plan, by=town.person("officer"))

    # Directors sign off service plans (and their directorate's own returns) from the same
    # queue as heads of service sign off figures.
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


def test_a_submitted_plan_tells_the_director_and_a_returned_one_its_drafter(town, plan):
    from delivery.service_plans import return_plan
    from notices.models import Notice, NoticeKind

    submitted = submit_plan(plan=plan, by=town.person("officer"))
    asked = Notice.objects.get(kind=NoticeKind.RETURN_SUBMITTED)
    # The director signs plans off, not the head of service.
    assert asked.recipient == town.person("director")
    assert asked.subject == "To sign off: service plan, Waste and Recycling, 2026/27"

    return_plan(plan=submitted, by=town.person("director"), reason="Add the depot move")
    back = Notice.objects.get(kind=NoticeKind.RETURN_SENT_BACK)
    assert back.recipient == town.person("officer")
    assert "Their reason: Add the depot move" in back.summary
