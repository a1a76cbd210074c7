"""A project update goes through the one sign-off workflow, in Chromium, on the demo council
as of 24 November 2026; every page of the journey passes axe at 1280 and 375 px.

Waste and Recycling leads a project in the delivery plan. Its data owner finds the Q2 2026/27
update under "Your returns", enters it and submits it; the Head of Environmental Services
finds it in the sign-off queue and returns it with a reason; the data owner reads the reason,
corrects the update and submits it again; the approver signs it off, and the project page
shows its delivery status and every revision.
"""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from delivery.models import Project, ProjectUpdate
from organisation.models import OrgUnit, User
from signoff.models import ReturnState
from tests.browser.conftest import DEMO_PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser

QUARTER = "Q2 2026/27"
TITLE = "Garden waste subscriptions online"
REASON = "Say how many households have signed up so far, not only that the form is live."


def heading(page):
    return page.get_by_role("heading", level=1)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Sign in")


def other_returns(page, caption: str):
    return page.get_by_role("table", name=caption)


def test_a_project_update_is_submitted_returned_corrected_and_signed_off(
    page, live_server, demo_council
):
    project = Project.objects.create(
        reference="DP-90",
        title=TITLE,
        description="Residents subscribe and pay for garden waste collections online.",
        owner=User.objects.get(username="dataowner"),
        lead_service=OrgUnit.objects.get(code="waste-recycling"),
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
        is_priority=True,
    )
    project_page = reverse("delivery:project", args=[project.pk])

    # The data owner finds the update due and submits it.
    sign_in(page, live_server, "dataowner", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("returns:mine"))
    due = other_returns(page, "Other returns waiting for you")
    expect(due.get_by_role("row").filter(has_text=TITLE)).to_contain_text("Not started")
    assert_accessible(page)
    due.get_by_role("link", name=re.compile(f"^DP-90 {TITLE}")).click()
    expect(heading(page)).to_have_text(TITLE)
    expect(page.get_by_role("heading", name=f"Update for {QUARTER}")).to_be_visible()
    page.get_by_label("% complete").fill("45")
    page.get_by_label("What was done").fill("The online form is live.")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_text("Submitted", exact=True).first).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The approver returns it with a reason.
    sign_in(page, live_server, "approver", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("returns:sign_off"))
    waiting = other_returns(page, "Other returns waiting for sign-off")
    expect(waiting.get_by_role("row").filter(has_text=TITLE)).to_contain_text("Project update")
    assert_accessible(page)
    waiting.get_by_role("link", name=re.compile(f"^DP-90 {TITLE}")).click()
    page.get_by_label("Return it for correction").check()
    page.get_by_label("Reason for returning it").fill(REASON)
    page.get_by_role("button", name="Confirm your decision").click()
    expect(page.get_by_text("Returned for correction").first).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The data owner reads why, corrects it and submits it again.
    sign_in(page, live_server, "dataowner", DEMO_PASSWORD)
    page.goto(live_server.url + project_page)
    expect(page.get_by_text(REASON).first).to_be_visible()
    page.get_by_label("What was done").fill("The online form is live: 3,412 households joined.")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_text("Submitted", exact=True).first).to_be_visible()
    sign_out(page)

    # The approver signs it off; the project page shows its status and every revision.
    sign_in(page, live_server, "approver", DEMO_PASSWORD)
    page.goto(live_server.url + project_page)
    page.get_by_label("Sign off the update").check()
    page.get_by_role("button", name="Confirm your decision").click()
    expect(page.get_by_role("heading", name="Latest signed-off update")).to_be_visible()
    expect(page.get_by_text(f"45% complete at {QUARTER}")).to_be_visible()
    assert_accessible(page)

    update = ProjectUpdate.objects.get(project=project)
    assert update.state == ReturnState.APPROVED
    assert update.done == "The online form is live: 3,412 households joined."
    assert [r.action for r in update.revisions.order_by("number")] == [
        "recorded",
        "submitted",
        "returned",
        "edited",
        "submitted",
        "approved",
    ]
