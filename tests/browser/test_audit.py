"""Internal audit reads the audit log in Chromium: finds it in the navigation, sees the chain
checked, filters to one kind of change and reads who made it, why, and what it was before and
after; the page passes axe at desktop width and at 375 px."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from audit.context import acting
from organisation.models import Role
from organisation.tests.factories import CouncilFactory, UserFactory
from strategy.tests.factories import CommitteeFactory, PlanFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
REASON = "Housing moved to this committee at the annual meeting"


@pytest.fixture
def changes(transactional_db, django_db_serialized_rollback):
    """Two kinds of change in the log: a plan created, and a committee's remit changed by the
    performance team with a reason."""
    CouncilFactory()
    performance = UserFactory(
        username="priya", first_name="Priya", last_name="Shah", roles=[Role.PERFORMANCE_TEAM]
    )
    PlanFactory(title="Corporate Plan 2026 to 2030")
    committee = CommitteeFactory(name="Place Scrutiny Committee", remit="Waste and parks")
    with acting(performance, source="page", reason=REASON):
        committee.remit = "Waste, parks and housing"
        committee.save()
    UserFactory(username="nadia", first_name="Nadia", last_name="Osei", roles=[Role.AUDITOR])


def test_internal_audit_filters_the_log_to_one_kind_of_change(page, live_server, changes):
    sign_in(page, live_server, "nadia", PASSWORD)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page.locator("#verification")).to_contain_text("The log is intact")
    assert_accessible(page)

    page.get_by_text("Filter the entries").click()
    page.get_by_label("What was changed").select_option(label="Committee")
    page.get_by_label("Who changed it").select_option(label="Priya Shah (priya)")
    page.get_by_role("button", name="Apply filters").click()

    found = page.get_by_role("heading", level=2, name="1 entry matching the filters")
    expect(found).to_be_visible()
    entry = page.locator("section").filter(has_text="Committee changed: Place Scrutiny Committee")
    expect(entry).to_contain_text(REASON)
    expect(entry).to_contain_text("Priya Shah (priya)")
    table = entry.get_by_role("region", name="Before and after")
    expect(table.get_by_role("row", name="Remit")).to_contain_text("Waste and parks")
    expect(table.get_by_role("row", name="Remit")).to_contain_text("Waste, parks and housing")
    expect(page.get_by_text("Corporate Plan 2026 to 2030")).to_have_count(0)
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these entries as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert REASON in text and "Corporate Plan" not in text
