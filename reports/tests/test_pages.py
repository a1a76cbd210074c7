"""The report pages for staff: who may see and do what, and what each step changes.

Drafts are for the performance team and directors; councillors and officers read a report
once it is approved, before the public does. Each page is checked for every persona.
"""

import datetime
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from goldenthread.tests.test_permission_matrix import url_names
from indicators.models import Period
from organisation.tests.personas import OPEN_PERIOD, PERSONAS, SIGNED_OFF_FIGURE, build_town
from reports import reporting
from reports.models import OutputState, Report, ReportOutput, ReportState
from strategy.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

MEETING = datetime.datetime(2026, 11, 10, 18, 0, tzinfo=datetime.UTC)
NOW = datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)
SIGN_IN = "sign-in"


@pytest.fixture
def town():
    with time_machine.travel(NOW, tick=False):
        yield build_town()


@pytest.fixture
def reports(town):
    """A draft and an approved (still embargoed) report for the Place Scrutiny Committee."""
    with time_machine.travel(NOW, tick=False):
        meeting = MeetingFactory(committee=town.committee, starts_at=MEETING)
        period = Period.objects.get(kind="quarter", code=OPEN_PERIOD)

        def make(title):
            return reporting.create_report(
                by=town.person("performance"),
                kind="committee",
                period=period,
                title=title,
                committee=town.committee,
                meeting=meeting,
            )

        draft, approved = make("Draft paper"), make("Approved paper")
        reporting.approve_report(
            approved, by=town.person("director"), seen=reporting.seen_now(approved)
        )
        approved.refresh_from_db()
        yield {"draft": draft, "approved": approved}


def as_person(client, town, persona):
    user = town.person(persona)
    if user is not None:
        client.force_login(user)
    return client


def status(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return SIGN_IN
    return response.status_code


# Who may GET each page. Columns in PERSONAS order:
#   off   off2  appr  appr2 dir   perf  admin cllr  anon
# fmt: off
PAGES = {
    "reports:list":              (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN),
    "reports:new":               (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "reports:report draft":      (404, 404, 404, 404, 200, 200, 200, 404, SIGN_IN),
    "reports:report approved":   (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN),
    "reports:edit draft":        (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "reports:approve draft":     (404, 404, 404, 404, 200, 403, 200, 404, SIGN_IN),
    "reports:reopen approved":   (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "reports:withdraw approved": (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "reports:hold approved":     (403, 403, 403, 403, 403, 200, 200, 403, SIGN_IN),
    "reports:output draft":      (404, 404, 404, 404, 200, 200, 200, 404, SIGN_IN),
    "reports:output approved":   (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN),
    "reports:download draft":    (404, 404, 404, 404, 200, 200, 200, 404, SIGN_IN),
    "reports:download approved": (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN),
}
# fmt: on
POSTS = {"reports:make_file"}  # POST only: checked below


def made_output(report, *, draft):
    output = ReportOutput.objects.create(
        report=report,
        format="pdf",
        state=OutputState.DONE,
        is_draft=draft,
        content_hash=report.snapshot_hash,
        requested_at=timezone.now(),
        finished_at=timezone.now(),
        size=4,
    )
    output.file.save("paper.pdf", ContentFile(b"%PDF"), save=True)
    return output


def page_url(name, reports):
    url_name, _, which = name.partition(" ")
    if url_name in ("reports:list", "reports:new"):
        return reverse(url_name)
    report = reports[which]
    if url_name in ("reports:output", "reports:download"):
        output = made_output(report, draft=which == "draft")
        return reverse(url_name, args=[output.pk])
    return reverse(url_name, args=[report.pk])


@pytest.mark.parametrize(
    ("page", "persona", "expected"),
    [
        pytest.param(page, persona, expected, id=f"{page}-{persona}")
        for page, row in PAGES.items()
        for persona, expected in zip(PERSONAS, row, strict=True)
    ],
)
def test_who_may_see_each_page(client, town, reports, page, persona, expected):
    response = as_person(client, town, persona).get(page_url(page, reports))

    assert status(response) == expected


def test_every_reports_url_is_in_the_table():
    tested = {name.partition(" ")[0] for name in PAGES} | POSTS

    assert url_names("reports") == tested


def test_the_list_hides_drafts_from_those_who_may_not_see_them(client, town, reports):
    councillor_sees = as_person(client, town, "councillor").get(reverse("reports:list"))
    content = councillor_sees.content.decode()

    assert "Approved paper" in content
    assert "Draft paper" not in content
    assert "embargoed until 10 November 2026, 18:00" in content


def test_each_report_link_in_the_list_says_which_report_it_is(client, town, reports):
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.names, self.inside = [], False

        def handle_starttag(self, tag, attrs):
            if tag == "a" and "/reports/" in dict(attrs).get("href", ""):
                self.inside = True
                self.names.append("")

        def handle_endtag(self, tag):
            if tag == "a":
                self.inside = False

        def handle_data(self, data):
            if self.inside:
                self.names[-1] += data

    for report in reports.values():
        report.title = "Quarterly performance report"
        report.save(update_fields=["title"])
    page = as_person(client, town, "performance").get(reverse("reports:list")).content.decode()
    links = Links()
    links.feed(page[page.index("<table") :])

    report_links = [name for name in links.names if name.startswith("Quarterly")]
    assert len(report_links) == len(reports)
    assert all(town.committee.name in name or "No meeting" in page for name in report_links)
    assert len(set(report_links)) == len({(r.meeting_id, r.period_id) for r in reports.values()})
    assert ">None<" not in page


def test_a_councillor_reads_an_approved_report_before_the_public(client, town, reports):
    url = reverse("reports:report", args=[reports["approved"].pk])

    content = as_person(client, town, "councillor").get(url).content.decode()

    assert f"{SIGNED_OFF_FIGURE}%" in content
    assert "Approve for release" not in content and "Edit the report" not in content


def test_creating_a_report_from_the_page(client, town, reports):
    meeting = reports["draft"].meeting
    period = reports["draft"].period
    client = as_person(client, town, "performance")

    with time_machine.travel(NOW, tick=False):
        refused = client.post(reverse("reports:new"), {"kind": "committee", "period": period.pk})
        made = client.post(
            reverse("reports:new"),
            {"kind": "committee", "meeting": meeting.pk, "period": period.pk, "title": ""},
        )

    assert refused.status_code == 400
    assert "Select the meeting that receives the report" in refused.content.decode()
    report = Report.objects.latest("pk")
    assert made["Location"] == reverse("reports:edit", args=[report.pk])
    assert (report.title, report.committee, report.created_by) == (
        "Quarterly performance report",
        town.committee,
        town.person("performance"),
    )


def edit_form(report, **fields):
    return {"lock_version": report.lock_version, "title": report.title, **fields}


def test_editing_saves_and_a_stale_copy_is_refused(client, town, reports):
    report = reports["draft"]
    url = reverse("reports:edit", args=[report.pk])
    client = as_person(client, town, "performance")

    saved = client.post(url, edit_form(report, purpose="To update members"))
    stale = client.post(url, edit_form(report, purpose="Something else"))

    assert saved["Location"] == reverse("reports:report", args=[report.pk])
    assert stale.status_code == 400
    assert "your changes were not saved" in stale.content.decode()
    report.refresh_from_db()
    assert report.purpose == "To update members"


def test_unknown_extra_indicator_codes_are_named(client, town, reports):
    report = reports["draft"]
    url = reverse("reports:edit", args=[report.pk])

    response = as_person(client, town, "performance").post(
        url, edit_form(report, extra_codes="PRK-01, NOPE-9")
    )

    assert response.status_code == 400
    assert "No indicator has the code NOPE-9" in response.content.decode()
    assert not report.extra_indicators.exists()


def test_a_first_draft_of_the_exceptions_fills_the_box_without_saving(client, town, reports):
    report = reports["draft"]
    url = reverse("reports:edit", args=[report.pk])

    response = as_person(client, town, "performance").post(
        url, edit_form(report, draft_exceptions="1")
    )

    assert response.status_code == 200
    assert "with no figure by the deadline" in response.content.decode()
    report.refresh_from_db()
    assert report.exceptions_text == ""


def test_approving_from_the_page_queues_every_file(
    client, town, reports, django_capture_on_commit_callbacks
):
    report = reports["draft"]
    url = reverse("reports:approve", args=[report.pk])
    director = as_person(client, town, "director")
    opened = director.get(url)

    with django_capture_on_commit_callbacks() as queued:
        response = director.post(url, approval_form(opened))

    assert response["Location"] == reverse("reports:report", args=[report.pk])
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert sorted(report.outputs.values_list("format", flat=True)) == ["docx", "pdf", "xlsx"]
    assert len(queued) == 4  # a task for each file, and one for the councillors' notice emails


def approval_form(page):
    """The hidden fields of the approval form: the version the director is reading."""
    return {
        name: page.context[name] for name in ("seen_version", "seen_hash") if name in page.context
    }


def test_an_approval_form_opened_before_an_edit_approves_nothing(client, town, reports):
    report = reports["draft"]
    url = reverse("reports:approve", args=[report.pk])
    director = as_person(client, town, "director")
    opened = director.get(url)
    # The performance team edits the report while the director's form is open.
    reporting.save_report(
        report,
        by=town.person("performance"),
        lock_version=report.lock_version,
        purpose="Changed after the director opened the form",
    )

    response = director.post(url, approval_form(opened))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Priya Perform changed this report on" in page
    assert "It has not been approved" in page
    assert f'href="{reverse("reports:report", args=[report.pk])}"' in page
    assert "Approve the report</button>" not in page
    report.refresh_from_db()
    assert (report.state, report.snapshot) == (ReportState.DRAFT, None)


def test_the_report_page_sends_the_version_read_to_the_approval_form(client, town, reports):
    report = reports["draft"]
    director = as_person(client, town, "director")
    read = director.get(reverse("reports:report", args=[report.pk]))
    approve_link = read.context["approve_url"]
    reporting.save_report(
        report, by=town.person("performance"), lock_version=report.lock_version, purpose="New"
    )

    form = director.get(approve_link)

    assert "Priya Perform changed this report on" in form.content.decode()
    assert "Approve the report</button>" not in form.content.decode()
    read_version = dict(parse_qsl(urlsplit(approve_link).query))
    assert director.post(approve_link, read_version).status_code == 409
    # Read again, the new version is approved.
    fresh = director.get(
        director.get(reverse("reports:report", args=[report.pk])).context["approve_url"]
    )
    approved = director.post(reverse("reports:approve", args=[report.pk]), approval_form(fresh))
    assert approved.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert report.snapshot["purpose"] == "New"


def test_the_approval_form_says_a_report_without_a_meeting_waits_for_the_committee(
    client, town, reports
):
    with time_machine.travel(NOW, tick=False):
        annual = reporting.create_report(
            by=town.person("performance"),
            kind="annual",
            period=Period.objects.get(kind="financial_year", code="2026-27"),
            title="Annual performance report",
        )
        page = as_person(client, town, "director").get(reverse("reports:approve", args=[annual.pk]))

    assert (
        "It is published on the council's performance pages at 10 November 2026, 18:00"
        in page.content.decode()
    )


def test_a_report_without_a_meeting_never_shows_none_for_it(client, town, reports):
    # The annual report's page once read "Meeting: None".
    annual = reporting.create_report(
        by=town.person("performance"),
        kind="annual",
        period=Period.objects.get(kind="financial_year", code="2026-27"),
        title="Annual performance report",
    )
    client = as_person(client, town, "performance")

    report_page = client.get(reverse("reports:report", args=[annual.pk])).content.decode()
    list_page = client.get(reverse("reports:list")).content.decode()

    for page in (report_page, list_page):
        assert not re.search(r">\s*None\b", page)
    assert "No meeting" in list_page


def test_withdrawing_needs_a_reason_and_is_recorded(client, town, reports):
    report = reports["approved"]
    url = reverse("reports:withdraw", args=[report.pk])
    client = as_person(client, town, "performance")

    refused = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Figure corrected"})

    assert refused.status_code == 400
    assert "Enter the reason" in refused.content.decode()
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.withdrawal_reason) == (ReportState.WITHDRAWN, "Figure corrected")


@pytest.mark.parametrize(
    ("persona", "expected"),
    list(zip(PERSONAS, (404, 404, 404, 404, 403, 302, 302, 404, SIGN_IN), strict=True)),
)
def test_who_may_ask_for_a_file(client, town, reports, persona, expected):
    report = reports["draft"]
    url = reverse("reports:make_file", args=[report.pk])

    response = as_person(client, town, persona).post(url, {"format": "pdf"})

    assert status(response) == expected
    made = report.outputs.filter(format="pdf", is_draft=True).exists()
    assert made is (expected == 302)


def test_changing_the_publication_time_from_the_page(client, town, reports):
    report = reports["approved"]
    url = reverse("reports:hold", args=[report.pk])
    client = as_person(client, town, "performance")

    with time_machine.travel(NOW, tick=False):
        refused = client.post(url, {"publish_after": "12/11/2026 09:00", "reason": ""})
        done = client.post(
            url, {"publish_after": "12/11/2026 09:00", "reason": "Meeting moved to Thursday"}
        )

    assert refused.status_code == 400
    assert "Enter why the publication time is changing" in refused.content.decode()
    assert done["Location"] == reverse("reports:report", args=[report.pk])
    report.refresh_from_db()
    assert timezone.localtime(report.publish_after).strftime("%d/%m/%Y %H:%M") == (
        "12/11/2026 09:00"
    )
