"""A committee report from draft to approval in Chromium, on the demo council; axe on each page.

The performance team writes the summary of the draft Cabinet report for Q2 2026/27, with a
live figure, asks for a first draft of the exceptions and saves; the Director of Place
approves it, and its PDF, Word and Excel files are made; a councillor reads it before the
public, under embargo until the meeting.
"""

import re
import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reports.models import Report, ReportState
from tests.browser.conftest import DEMO_PASSWORD, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def cabinet_draft() -> Report:
    return Report.objects.get(
        committee__code="cabinet", period__code="2026-27-Q2", kind="committee"
    )


def test_a_report_is_written_approved_and_read_before_the_public(
    page, live_server, demo_council, tmp_path
):
    report = cabinet_draft()
    assert report.state == ReportState.DRAFT

    # The performance team writes the summary.
    sign_in(page, live_server, "performance", DEMO_PASSWORD)
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    assert_accessible(page)
    page.goto(live_server.url + reverse("reports:report", args=[report.pk]))
    page.get_by_role("button", name="Edit the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write the report")
    assert_accessible(page)

    page.get_by_label("What is going well").fill(
        "Recycling reached [value:WST-01] against a target of [target:WST-01]."
    )
    page.get_by_label("Exceptions").fill("")
    page.get_by_role("button", name="Write a first draft of the exceptions").click()
    expect(page.get_by_label("Exceptions")).to_have_value(re.compile(r"indicators? (is|are) Red"))
    page.get_by_role("button", name="Save the report").click()
    expect(page.get_by_text("Report saved")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Recycling reached \d+\.\d%"))).to_be_visible()
    sign_out(page)

    # The director approves it; its files are made.
    sign_in(page, live_server, "director", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("reports:report", args=[report.pk]))
    page.get_by_role("button", name="Approve for release").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve the report for release")
    expect(page.get_by_text("published on the council's performance pages when the meeting"))
    assert_accessible(page)
    # Approving makes the PDF, Word and Excel files in this request: allow it time.
    page.get_by_role("button", name="Approve the report").click(timeout=90_000)
    expect(page.get_by_text("Report approved")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Cabinet" in text and "Recycling reached" in text
    sign_out(page)

    # A councillor reads it before the public does.
    sign_in(page, live_server, "councillor", DEMO_PASSWORD)
    page.get_by_role("link", name="Reports", exact=True).click()
    row = page.get_by_role("row").filter(has_text="Cabinet, 16 December 2026")
    expect(row).to_contain_text("embargoed until 16 December 2026, 14:00")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quarterly performance report")
    expect(page.get_by_role("button", name="Edit the report")).to_have_count(0)
    assert_accessible(page)
    # And the public cannot: its page is not found without signing in.
    sign_out(page)
    response = page.goto(live_server.url + reverse("reports:report", args=[report.pk]))
    assert "/sign-in/" in response.url


def test_a_published_report_is_withdrawn_with_a_reason(
    page, live_server, demo_council, browser_errors
):
    # The refused form answers 400, and the withdrawn report's public page 404: both expected.
    browser_errors.allow(r"status of (400|404)")
    report = Report.objects.get(
        committee__code="cabinet", period__code="2026-27-Q1", kind="committee"
    )
    sign_in(page, live_server, "performance", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("reports:report", args=[report.pk]))
    expect(page.get_by_text("Published", exact=True)).to_be_visible()

    # Its files can be made again, with progress shown until they are ready.
    page.get_by_role("button", name=re.compile(r"Make the file.*Excel workbook")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Excel workbook ready")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the report").click()

    page.get_by_role("button", name="Withdraw from publication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Withdraw the report from publication"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw the report").click()
    expect(page.get_by_role("link", name="Enter the reason")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reason").fill("The fly-tipping figure for June was double counted.")
    page.get_by_role("button", name="Withdraw the report").click()

    expect(page.get_by_text("Report withdrawn from publication")).to_be_visible()
    reason = page.get_by_text("The fly-tipping figure for June was double counted.")
    expect(reason.first).to_be_visible()
    report.refresh_from_db()
    assert report.state == ReportState.WITHDRAWN
    public = page.goto(live_server.url + reverse("publishing:report", args=[report.pk]))
    assert public.status == 404
