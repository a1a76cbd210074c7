"""Writing, approving, releasing and withdrawing a report, through its domain functions.

The small council of `organisation.tests.personas`: the Place Scrutiny Committee receives
Waste's three indicators; for Q2 one is a draft, one awaits sign-off and one (WST-03, 47.3%)
is signed off. The committee meets on 10 November 2026 at 6pm.
"""

import datetime
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import Period, Value
from organisation.tests.personas import (
    DRAFT_FIGURE,
    OPEN_PERIOD,
    SIGNED_OFF_FIGURE,
    SUBMITTED_FIGURE,
    build_town,
)
from reports import reporting
from reports.building import build_content, report_content
from reports.models import ReportEventKind, ReportState
from reports.publication import is_released, release_time, released_reports
from strategy.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

MEETING = datetime.datetime(2026, 11, 10, 18, 0, tzinfo=datetime.UTC)
BEFORE = MEETING - datetime.timedelta(minutes=1)
AFTER = MEETING + datetime.timedelta(minutes=1)


@pytest.fixture
def town():
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC)):
        return build_town()


@pytest.fixture
def meeting(town):
    return MeetingFactory(committee=town.committee, starts_at=MEETING, venue="Council chamber")


@pytest.fixture
def report(town, meeting):
    with time_machine.travel(datetime.datetime(2026, 10, 21, 9, tzinfo=datetime.UTC)):
        return reporting.create_report(
            by=town.person("performance"),
            kind="committee",
            period=Period.objects.get(kind="quarter", code=OPEN_PERIOD),
            title="Quarterly performance report",
            committee=town.committee,
            meeting=meeting,
        )


def approve(town, report, when=datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)):
    seen = reporting.seen_now(report)  # the director reads it, then approves at `when`
    with time_machine.travel(when):
        return reporting.approve_report(report, by=town.person("director"), seen=seen)


def test_a_report_holds_the_committees_signed_off_figures_and_never_a_draft(town, report):
    # A still clock: the snapshot's timestamps must not happen to contain a figure's digits.
    with time_machine.travel(datetime.datetime(2026, 10, 22, 9, tzinfo=datetime.UTC), tick=False):
        content = build_content(report)

    assert [row.code for row in content.rows()] == ["WST-01", "WST-02", "WST-03"]
    assert content.row("WST-03").figure_shown == f"{SIGNED_OFF_FIGURE}%"
    assert content.row("WST-01").figure_shown == ""  # its draft is not a figure yet
    frozen = json.dumps(content.to_snapshot())
    assert DRAFT_FIGURE not in frozen
    assert SUBMITTED_FIGURE not in frozen
    assert content.committee == "Place Scrutiny Committee"
    assert content.sections[0].title == "A cleaner place"


def test_only_the_performance_team_creates_and_edits_reports(town, report):
    with pytest.raises(PermissionDenied):
        reporting.create_report(
            by=town.person("councillor"),
            kind="annual",
            period=report.period,
            title="Annual report",
        )
    with pytest.raises(PermissionDenied):
        reporting.save_report(
            report, by=town.person("director"), lock_version=report.lock_version, title="New"
        )


def test_narrative_tokens_are_filled_with_live_figures(town, report):
    reporting.save_report(
        report,
        by=town.person("performance"),
        lock_version=report.lock_version,
        going_well="Commercial recycling reached [value:WST-03] ([status:WST-03]).",
    )

    report.refresh_from_db()
    content = report_content(report)

    assert content.going_well.startswith(f"Commercial recycling reached {SIGNED_OFF_FIGURE}% (")
    assert "[value:" not in content.going_well


def test_a_token_naming_an_indicator_outside_the_report_is_refused(town, report):
    with pytest.raises(ValidationError) as refused:
        reporting.save_report(
            report,
            by=town.person("performance"),
            lock_version=report.lock_version,
            going_well="Libraries at [value:LIB-01]",
        )

    assert "[value:LIB-01] names LIB-01" in refused.value.message_dict["going_well"][0]
    report.refresh_from_db()
    assert report.going_well == ""


def test_an_extra_indicator_makes_it_valid_and_adds_an_area_of_interest(town, report):
    from indicators.models import Indicator

    reporting.save_report(
        report,
        by=town.person("performance"),
        lock_version=report.lock_version,
        going_well="Libraries at [value:LIB-01]",
        area_text="Members asked about libraries",
        extra_indicators=[Indicator.objects.get(code="LIB-01")],
    )

    report.refresh_from_db()
    content = report_content(report)
    assert content.sections[-1].title == "Areas of interest"
    assert [row.code for row in content.sections[-1].rows] == ["LIB-01"]
    assert content.sections[-1].introduction == "Members asked about libraries"


def test_a_save_from_an_older_copy_is_refused_and_changes_nothing(town, report):
    performance = town.person("performance")
    reporting.save_report(report, by=performance, lock_version=1, purpose="First")

    with pytest.raises(reporting.StaleReport, match="Priya Perform changed this report"):
        reporting.save_report(report, by=performance, lock_version=1, purpose="Second")

    report.refresh_from_db()
    assert (report.purpose, report.lock_version) == ("First", 2)


def test_approval_freezes_the_content_against_later_changes(town, report):
    approve(town, report)
    report.refresh_from_db()

    Value.objects.filter(pk=town.signed_off.pk).update(figure="12.5")

    assert report.state == ReportState.APPROVED
    assert report_content(report).row("WST-03").figure_shown == f"{SIGNED_OFF_FIGURE}%"
    assert build_content(report).row("WST-03").figure_shown == "12.5%"
    assert list(report.events.values_list("kind", flat=True)) == [
        ReportEventKind.CREATED,
        ReportEventKind.APPROVED,
    ]


def test_a_figure_still_provisional_at_approval_stays_in_the_data_quality_note(town, report):
    Value.objects.filter(pk=town.signed_off.pk).update(data_quality="provisional")
    assert [r.code for r in build_content(report).data_quality_rows()] == ["WST-03"]
    approve(town, report)
    report.refresh_from_db()

    Value.objects.filter(pk=town.signed_off.pk).update(data_quality="final")

    frozen = report_content(report)
    assert [(r.code, r.data_quality) for r in frozen.data_quality_rows()] == [
        ("WST-03", "provisional")
    ]
    assert [q.label for q in frozen.data_qualities] == ["Provisional"]
    assert build_content(report).data_quality_rows() == []


def test_a_snapshot_frozen_before_data_quality_was_recorded_reads_as_final(town, report):
    approve(town, report)
    report.refresh_from_db()
    older = json.loads(json.dumps(report.snapshot))
    for section in older["sections"]:
        for row in section["rows"]:
            del row["data_quality"]

    content = type(report_content(report)).from_snapshot(older)

    assert {row.data_quality for row in content.rows()} == {"final"}
    assert content.data_quality_rows() == []


def test_an_approval_of_a_copy_read_before_an_edit_is_refused(town, report):
    # The director opens the approval form; then the performance team changes the narrative.
    seen = reporting.seen_now(report)
    reporting.save_report(
        report,
        by=town.person("performance"),
        lock_version=report.lock_version,
        purpose="Written after the director read the report",
    )

    with pytest.raises(reporting.ChangedSinceRead) as refused:
        reporting.approve_report(report, by=town.person("director"), seen=seen)

    assert "Priya Perform changed this report on" in str(refused.value)
    report.refresh_from_db()
    assert (report.state, report.snapshot, report.approved_by) == (ReportState.DRAFT, None, None)
    assert ReportEventKind.APPROVED not in report.events.values_list("kind", flat=True)

    approved = reporting.approve_report(
        report, by=town.person("director"), seen=reporting.seen_now(report)
    )
    assert approved.snapshot["purpose"] == "Written after the director read the report"


def test_an_approval_of_a_copy_read_before_a_figure_changed_is_refused(town, report):
    seen = reporting.seen_now(report)
    Value.objects.filter(pk=town.signed_off.pk).update(figure="12.5")

    with pytest.raises(reporting.ChangedSinceRead, match="figures in it have changed"):
        reporting.approve_report(report, by=town.person("director"), seen=seen)

    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_a_director_approves_but_never_a_report_they_edited_last(town, report):
    with pytest.raises(PermissionDenied):
        reporting.approve_report(
            report, by=town.person("performance"), seen=reporting.seen_now(report)
        )
    admin = town.person("admin")
    reporting.save_report(report, by=admin, lock_version=report.lock_version, purpose="x")
    with pytest.raises(PermissionDenied):
        reporting.approve_report(report, by=admin, seen=reporting.seen_now(report))

    approved = reporting.approve_report(
        report, by=town.person("director"), seen=reporting.seen_now(report)
    )

    assert approved.approved_by == town.person("director")


def test_a_report_is_released_when_its_meeting_starts(town, report):
    approve(town, report)
    report.refresh_from_db()

    assert release_time(report) == MEETING
    assert not is_released(report, BEFORE)
    assert is_released(report, MEETING)
    assert list(released_reports(AFTER)) == [report]


def test_a_draft_is_never_released(town, report):
    assert not is_released(report, AFTER + datetime.timedelta(days=400))


def test_a_later_publish_after_time_holds_the_report_back(town, report):
    later = MEETING + datetime.timedelta(days=1)
    reporting.save_report(
        report, by=town.person("performance"), lock_version=1, publish_after=later
    )
    approve(town, report)
    report.refresh_from_db()

    assert not is_released(report, AFTER)
    assert is_released(report, later)
    assert release_time(report) == later


def test_a_cancelled_meeting_holds_the_report_until_a_time_is_set(town, report, meeting):
    approve(town, report)
    meeting.is_cancelled = True
    meeting.save()
    report.refresh_from_db()

    assert not is_released(report, AFTER + datetime.timedelta(days=30))
    assert release_time(report) is None


def test_approval_after_the_meeting_releases_at_once(town, report):
    late = AFTER + datetime.timedelta(days=2)
    approve(town, report, when=late)
    report.refresh_from_db()

    assert not is_released(report, AFTER)
    assert is_released(report, late)


@pytest.fixture
def without_meeting(town):
    """An annual report for 2026/27, with no meeting: it holds WST-03's Q2 figure too."""
    with time_machine.travel(datetime.datetime(2026, 10, 21, 9, tzinfo=datetime.UTC)):
        return reporting.create_report(
            by=town.person("performance"),
            kind="annual",
            period=Period.objects.get(kind="financial_year", code="2026-27"),
            title="Annual performance report",
        )


def test_a_report_without_a_meeting_waits_for_the_committee_report_of_its_period(
    town, report, without_meeting
):
    approve(town, report)  # the committee's Q2 report: embargoed until its meeting
    approve(town, without_meeting)
    without_meeting.refresh_from_db()

    assert not is_released(without_meeting, BEFORE)
    assert is_released(without_meeting, MEETING)
    assert release_time(without_meeting) == MEETING


def test_a_draft_committee_report_holds_it_back_until_its_meeting(town, report, without_meeting):
    approve(town, without_meeting)  # the committee's report is still being written
    without_meeting.refresh_from_db()

    assert not is_released(without_meeting, BEFORE)
    assert is_released(without_meeting, MEETING)
    assert release_time(without_meeting) == MEETING


def test_a_held_committee_report_holds_it_back_longer(town, report, meeting, without_meeting):
    approve(town, report)
    approve(town, without_meeting)
    meeting.is_cancelled = True
    meeting.save()
    without_meeting.refresh_from_db()
    assert release_time(without_meeting) is None
    assert not is_released(without_meeting, AFTER + datetime.timedelta(days=30))

    later = MEETING + datetime.timedelta(days=7)
    with time_machine.travel(BEFORE):
        reporting.hold_report(
            report, by=town.person("performance"), publish_after=later, reason="Moved"
        )

    assert release_time(without_meeting) == later
    assert not is_released(without_meeting, later - datetime.timedelta(seconds=1))
    assert is_released(without_meeting, later)


def test_a_withdrawn_committee_report_holds_nothing_back(town, report, without_meeting):
    approve(town, report)
    approve(town, without_meeting)
    with time_machine.travel(BEFORE):
        reporting.withdraw_report(report, by=town.person("performance"), reason="Wrong figure")
    without_meeting.refresh_from_db()

    assert is_released(without_meeting, BEFORE)
    assert release_time(without_meeting) == without_meeting.approved_at


def test_moving_a_meeting_records_the_new_publication_time_on_every_report_it_moves(
    town, report, meeting, without_meeting
):
    approve(town, report)
    approve(town, without_meeting)
    later = MEETING + datetime.timedelta(days=2)
    performance = town.person("performance")
    with time_machine.travel(BEFORE):
        with pytest.raises(ValidationError, match="Enter why the meeting is changing"):
            reporting.change_meeting(
                meeting, by=performance, starts_at=later, is_cancelled=False, reason=" "
            )
        with pytest.raises(PermissionDenied):
            reporting.change_meeting(
                meeting, by=town.person("director"), starts_at=later, is_cancelled=False, reason="x"
            )
        reporting.change_meeting(
            meeting, by=performance, starts_at=later, is_cancelled=False, reason="Room booked"
        )

    meeting.refresh_from_db()
    assert meeting.starts_at == later
    for moved in (report, without_meeting):
        moved.refresh_from_db()
        assert release_time(moved) == later
        event = moved.events.last()
        assert (event.kind, event.by) == (ReportEventKind.HELD, performance)
        assert event.reason == (
            "Place Scrutiny Committee meeting moved from 10 November 2026, 18:00 to "
            "12 November 2026, 18:00, published at 12 November 2026, 18:00: Room booked"
        )


def test_the_meeting_of_a_published_report_cannot_be_moved_later(town, report, meeting):
    approve(town, report)

    with time_machine.travel(AFTER), pytest.raises(ValidationError, match="withdraw it"):
        reporting.change_meeting(
            meeting,
            by=town.person("performance"),
            starts_at=AFTER + datetime.timedelta(days=1),
            is_cancelled=False,
            reason="Adjourned",
        )

    meeting.refresh_from_db()
    assert meeting.starts_at == MEETING


def test_a_meeting_no_approved_report_waits_for_moves_without_a_reason(town, report, meeting):
    later = MEETING + datetime.timedelta(days=2)

    reporting.change_meeting(
        meeting, by=town.person("councillor"), starts_at=later, is_cancelled=False, reason=""
    )

    meeting.refresh_from_db()
    assert meeting.starts_at == later
    assert ReportEventKind.HELD not in report.events.values_list("kind", flat=True)


def test_withdrawal_is_recorded_and_takes_the_report_down(town, report):
    approve(town, report)
    with time_machine.travel(AFTER):
        with pytest.raises(ValidationError):
            reporting.withdraw_report(report, by=town.person("performance"), reason=" ")
        with pytest.raises(PermissionDenied):
            reporting.withdraw_report(report, by=town.person("director"), reason="Wrong")
        reporting.withdraw_report(
            report, by=town.person("performance"), reason="A figure was wrong"
        )
    report.refresh_from_db()

    assert report.state == ReportState.WITHDRAWN
    assert not is_released(report, AFTER + datetime.timedelta(days=1))
    event = report.events.get(kind=ReportEventKind.WITHDRAWN)
    assert (event.by, event.reason) == (town.person("performance"), "A figure was wrong")


def test_a_published_report_cannot_be_reopened_without_withdrawing_it(town, report):
    approve(town, report)
    with time_machine.travel(AFTER), pytest.raises(ValidationError, match="withdraw it"):
        reporting.reopen_report(report, by=town.person("performance"), reason="Typo")


def test_reopening_before_release_cancels_the_approval(town, report):
    approve(town, report)
    with time_machine.travel(BEFORE):
        reporting.reopen_report(report, by=town.person("performance"), reason="Typo in summary")
    report.refresh_from_db()

    assert (report.state, report.snapshot, report.approved_by) == (ReportState.DRAFT, None, None)
    assert report.events.last().reason == "Typo in summary"
    assert not is_released(report, AFTER)


def test_missing_files_are_queued_once_for_each_approved_report(town, report):
    from io import StringIO

    from django.core.management import call_command

    with time_machine.travel(BEFORE):
        reporting.approve_report(
            report,
            by=town.person("director"),
            seen=reporting.seen_now(report),
            make_files=False,
        )
    out = StringIO()

    call_command("make_report_files", stdout=out)
    call_command("make_report_files", stdout=out)

    assert out.getvalue().splitlines() == ["Queued 3 report files.", "Queued 0 report files."]
    assert sorted(report.outputs.values_list("format", "is_draft")) == [
        ("docx", False),
        ("pdf", False),
        ("xlsx", False),
    ]


def test_an_appendix_slots_in_when_its_capability_has_data(town, report, monkeypatch):
    from reports.appendices import REPORT_APPENDICES
    from reports.content import Appendix, Table

    asked = []

    def risks(request):
        asked.append(request)
        return Appendix(
            title="Strategic risks",
            anchor="risks",
            tables=[Table(caption="Risks", headers=["Risk", "Score"], rows=[["Fire", "12"]])],
        )

    monkeypatch.setattr("reports.appendices.REPORT_APPENDICES", [*REPORT_APPENDICES, risks])
    with_risks = build_content(report)
    monkeypatch.setattr("reports.appendices.REPORT_APPENDICES", [lambda request: None])
    without = build_content(report)

    assert [a.title for a in with_risks.appendices] == ["Strategic risks"]
    assert asked[0].committee == town.committee
    assert asked[0].indicator_codes == {"WST-01", "WST-02", "WST-03"}
    assert without.appendices == []
    frozen = type(with_risks).from_snapshot(with_risks.to_snapshot())
    assert frozen.appendices[0].tables[0].rows == [["Fire", "12"]]


def test_a_publication_time_holds_an_approved_report_and_is_recorded(town, report):
    approve(town, report)
    later = MEETING + datetime.timedelta(days=3)
    with time_machine.travel(BEFORE):
        with pytest.raises(PermissionDenied):
            reporting.hold_report(
                report, by=town.person("director"), publish_after=later, reason="Moved"
            )
        with pytest.raises(ValidationError):
            reporting.hold_report(
                report, by=town.person("performance"), publish_after=BEFORE, reason="Past"
            )
        reporting.hold_report(
            report, by=town.person("performance"), publish_after=later, reason="Moved"
        )
    report.refresh_from_db()

    assert not is_released(report, AFTER)
    assert is_released(report, later)
    assert report.events.last().kind == ReportEventKind.HELD
    assert report.events.last().reason.endswith(": Moved")


def test_a_published_report_cannot_be_held_back(town, report):
    approve(town, report)
    with time_machine.travel(AFTER), pytest.raises(ValidationError, match="withdraw it"):
        reporting.hold_report(
            report,
            by=town.person("performance"),
            publish_after=AFTER + datetime.timedelta(days=1),
            reason="Too late",
        )
