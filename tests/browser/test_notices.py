"""Notices in Chromium, every page checked by axe at 1280 and 375 px.

An approver returns a figure with a reason; the data owner signs in, sees one unread notice in
the header, reads the reason on the Notices page (never the figure), follows the notice to the
return, and chooses which notices come by email.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from indicators.models import CycleState, Period
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from notices.models import NoticePreference
from organisation.models import Role
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from scorecards.tests.builders import Returns
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
QUARTER = "2026-27-Q2"
TONNES = Decimal("73519.25")  # never on the Notices page nor in the email
TONNES_SHOWN = ("73519.25", "73,519.25")
REASON = "The figure leaves out the garden waste rounds: add them and resubmit."


@pytest.fixture
def waste(demo_today, transactional_db, django_db_serialized_rollback):
    """Waste and Recycling's Q2 2026/27 return is open; Olu Adeyemi has submitted its tonnes
    collected (73,519.25) and Asha Patel signs it off."""
    ensure_periods(first_year=2025, last_year=2026)
    council = CouncilFactory()
    place = DirectorateFactory(council=council, name="Place", code="place")
    waste = OrgUnitFactory(council=council, parent=place, name="Waste and Recycling", code="waste")
    ReportingCycleFactory(
        period=Period.objects.get(code=QUARTER),
        state=CycleState.OPEN,
        data_entry_deadline=datetime.date(2026, 11, 27),
        signoff_deadline=datetime.date(2026, 12, 4),
    )
    tonnes = IndicatorFactory(
        code="WST-10",
        title="Household waste collected",
        owner=waste,
        unit="number",
        precision=2,
        polarity="lower_is_better",
    )
    olu = UserFactory(
        username="olu",
        first_name="Olu",
        last_name="Adeyemi",
        password=PASSWORD,
        roles=[Role.DATA_OWNER],
        units=[waste],
    )
    UserFactory(
        username="asha",
        first_name="Asha",
        last_name="Patel",
        password=PASSWORD,
        roles=[Role.APPROVER],
        units=[waste],
    )
    returns = Returns()
    returns.officer = olu
    returns.submitted(tonnes, QUARTER, TONNES)
    return waste


def heading(page):
    return page.get_by_role("heading", level=1)


def success_banner(page):
    return page.get_by_role("alert").filter(has_text="Success")


def test_a_data_owner_reads_why_their_figure_was_returned_and_goes_to_correct_it(
    page, live_server, waste
):
    # The approver returns the figure, with a reason.
    sign_in(page, live_server, "asha", PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign-off").click()
    page.get_by_role("link", name=re.compile(r"^Waste and Recycling")).click()
    expect(heading(page)).to_have_text("Waste and Recycling")
    page.get_by_label("Return for correction").check()
    page.get_by_label("Why it is being returned").fill(REASON)
    page.get_by_role("button", name="Save decisions").click()
    expect(success_banner(page)).to_contain_text("1 returned for correction")
    page.get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Sign in")

    # The data owner sees one unread notice in the header, wherever they are.
    sign_in(page, live_server, "olu", PASSWORD)
    notices_link = page.get_by_role("link", name=re.compile(r"^Notices"))
    expect(notices_link).to_have_text("Notices (1 unread)")
    notices_link.click()

    expect(heading(page)).to_have_text("Notices")
    unread = page.get_by_role("table", name="1 unread")
    expect(unread).to_contain_text(
        "Asha Patel returned WST-10 Household waste collected (Waste and Recycling, "
        "Q2 2026/27) for correction."
    )
    expect(unread).to_contain_text(f"Their reason: {REASON}")
    content = page.content()
    assert [shown for shown in TONNES_SHOWN if shown in content] == []
    assert_accessible(page)

    # Following the notice marks it read and opens the return, where the figure is corrected.
    unread.get_by_role(
        "link", name="Returned for correction: Household waste collected, Q2 2026/27 (unread)"
    ).click()
    expect(heading(page)).to_have_text("Waste and Recycling")
    expect(page.get_by_role("link", name="Notices", exact=True)).to_be_visible()

    # The email said the same, with a link and without the figure.
    email = next(message for message in mail.outbox if message.to == ["olu@example.gov.uk"])
    assert REASON in email.body
    assert [shown for shown in TONNES_SHOWN if shown in email.body] == []

    # Back on Notices it is read; Olu chooses no email for returned figures.
    page.get_by_role("link", name="Notices", exact=True).click()
    expect(page.get_by_role("table", name="Read")).to_contain_text("Household waste collected")
    expect(page.get_by_text("You have no unread notices.")).to_be_visible()
    page.get_by_role("link", name="Choose which notices come to you by email").click()
    expect(heading(page)).to_have_text("Notice emails")
    assert_accessible(page)
    page.get_by_label("a figure I entered is returned for correction").uncheck()
    page.get_by_role("button", name="Save").click()

    expect(success_banner(page)).to_contain_text("Your email settings are saved")
    expect(page.get_by_label("a figure I entered is returned for correction")).not_to_be_checked()
    expect(page.get_by_label("a report is published")).to_be_checked()
    assert NoticePreference.objects.get(user__username="olu", kind="figure_returned").email is False
    assert_accessible(page)
