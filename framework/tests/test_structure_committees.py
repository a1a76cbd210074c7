"""Committees managed on the framework pages: adding and changing them, the indicators that
report to each (a new version of each indicator joining or leaving), and their meetings,
moved or cancelled with a reason that moves a waiting report's release."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from framework import committees
from indicators.models import Indicator, Lifecycle, Period
from indicators.tests.factories import IndicatorFactory
from organisation.tests.personas import OPEN_PERIOD, build_town, sign_in
from reports import reporting
from reports.models import ReportEventKind
from reports.publication import release_time
from strategy.models import Committee, Meeting
from strategy.tests.factories import CommitteeFactory, MeetingFactory

pytestmark = pytest.mark.django_db

REASON = "Terms of reference agreed by full council"
MEETING = datetime.datetime(2026, 11, 10, 18, 0, tzinfo=datetime.UTC)
BEFORE = MEETING - datetime.timedelta(days=1)


@pytest.fixture
def town():
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC)):
        return build_town()


@pytest.fixture
def team(client, town):
    return sign_in(client, town.personas["performance"])


@pytest.fixture
def meeting(town):
    return MeetingFactory(committee=town.committee, starts_at=MEETING, venue="Council chamber")


def text_of(client, name, *args) -> str:
    response = client.get(reverse(f"framework:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_each_committee_with_its_indicators_and_next_meeting(team, town, meeting):
    with time_machine.travel(BEFORE):
        text = text_of(team, "committees")

    assert "Place Scrutiny Committee" in text
    assert "10 November 2026, 18:00" in text
    row = text.split("Place Scrutiny Committee")[1].split("</tr>")[0]
    assert 'govuk-table__cell--numeric">3</td>' in row


def test_the_list_takes_one_query_whatever_the_number_of_committees(team, town):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            text_of(team, "committees")
        return len(queries)

    few = count()
    for _ in range(4):
        committee = CommitteeFactory()
        MeetingFactory(committee=committee)
        IndicatorFactory(committees=[committee])

    assert count() == few


def test_the_team_adds_a_committee_and_changes_it_with_a_reason(team, town):
    response = team.post(
        reverse("framework:committee_add"),
        {
            "name": "Cabinet",
            "code": "cabinet",
            "kind": "cabinet",
            "remit": "Executive decisions",
            "remit_ambitions": [town.ambition.pk],
            "receives_full_scorecard": "on",
        },
    )
    cabinet = Committee.objects.get(code="cabinet")
    assert response["Location"] == reverse("framework:committee", args=[cabinet.pk])
    assert list(cabinet.remit_ambitions.all()) == [town.ambition]

    url = reverse("framework:committee_edit", args=[cabinet.pk])
    form = {"name": "Cabinet", "kind": "cabinet", "remit": "Executive decisions on the budget"}
    refused = team.post(url, form)
    assert refused.status_code == 400
    cabinet.refresh_from_db()
    assert cabinet.remit == "Executive decisions"

    team.post(url, {**form, "remit_units": [town.place.pk], "reason": REASON})

    cabinet.refresh_from_db()
    assert cabinet.remit == "Executive decisions on the budget"
    assert cabinet.receives_full_scorecard is False
    assert list(cabinet.remit_units.all()) == [town.place]
    text = text_of(team, "committee", cabinet.pk)
    history = text.split('id="history"')[1]
    assert REASON in history
    assert "Executive decisions on the budget" in history
    assert "Place (#" in history  # the unit added to the remit


def test_a_name_or_code_already_used_is_refused_naming_the_field(team, town):
    response = team.post(
        reverse("framework:committee_add"),
        {"name": "place scrutiny committee", "code": "place-scrutiny", "kind": "scrutiny"},
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "Name: there is already a committee called" in text
    assert "Code: “place-scrutiny” is already used by “Place Scrutiny Committee”" in text
    assert Committee.objects.count() == 1


def test_the_committees_indicators_change_as_new_versions_of_each_indicator(team, town):
    parks = Indicator.objects.get(code="PRK-01")
    keep = Indicator.objects.filter(code__in=["WST-01", "WST-02"])
    url = reverse("framework:committee_indicators", args=[town.committee.pk])

    response = team.post(
        url,
        {
            "indicators": [*keep.values_list("pk", flat=True), parks.pk],
            "effective_from": "2026-10-01",
            "reason": REASON,
        },
    )

    assert response.status_code == 302
    codes = set(town.committee.indicators.values_list("code", flat=True))
    assert codes == {"WST-01", "WST-02", "PRK-01"}
    parks.refresh_from_db()
    left = Indicator.objects.get(code="WST-03")
    for indicator in (parks, left):
        latest = indicator.versions.order_by("-number").first()
        assert latest.effective_from == datetime.date(2026, 10, 1)
        assert latest.change_reason == REASON
    assert parks.versions.get(number=1).committee_ids == []
    assert parks.versions.get(number=2).committee_ids == [town.committee.pk]
    assert left.versions.get(number=1).committee_ids == [town.committee.pk]
    assert left.versions.get(number=2).committee_ids == []
    assert Indicator.objects.get(code="WST-01").version == 1  # unchanged, no new version

    history = text_of(team, "committee", town.committee.pk).split('id="history"')[1]
    assert "Remit changed" in history and REASON in history
    assert "PRK-01 Parks with a Green Flag" in history


def test_a_remit_change_needs_a_reason_and_a_date_not_before_a_current_version(team, town):
    parks = Indicator.objects.get(code="PRK-01")
    url = reverse("framework:committee_indicators", args=[town.committee.pk])
    chosen = [*town.committee.indicators.values_list("pk", flat=True), parks.pk]
    versions = parks.versions.count()

    no_reason = team.post(url, {"indicators": chosen, "effective_from": "2026-10-01"})
    too_early = team.post(
        url, {"indicators": chosen, "effective_from": "2020-01-01", "reason": REASON}
    )

    assert no_reason.status_code == too_early.status_code == 400
    assert committees.REMIT_REASON_REQUIRED in no_reason.content.decode()
    assert "Takes effect from: for PRK-01, the new definition must take effect on or after" in (
        too_early.content.decode()
    )
    assert parks.versions.count() == versions
    assert not parks.committees.exists()


def test_retired_indicators_are_not_offered_and_keep_their_committees(team, town):
    retired = IndicatorFactory(
        code="OLD-01", committees=[town.committee], lifecycle=Lifecycle.RETIRED
    )

    text = text_of(team, "committee_indicators", town.committee.pk)
    assert "OLD-01" not in text
    team.post(
        reverse("framework:committee_indicators", args=[town.committee.pk]),
        {"indicators": [], "effective_from": "2026-10-01", "reason": REASON},
    )

    assert list(retired.committees.all()) == [town.committee]
    assert not Indicator.objects.filter(code="WST-01", committees=town.committee).exists()


def test_a_meeting_is_added_and_a_clash_is_refused(team, town, meeting):
    url = reverse("framework:meeting_add", args=[town.committee.pk])

    team.post(url, {"starts_on": "2027-02-09", "starts_time": "18:30", "venue": "Chamber"})
    clash = team.post(url, {"starts_on": "2026-11-10", "starts_time": "18:00"})

    assert Meeting.objects.filter(committee=town.committee).count() == 2
    assert clash.status_code == 400
    assert "Date: Place Scrutiny Committee already meets at that time" in clash.content.decode()
    assert "Meetings" in text_of(team, "committee", town.committee.pk)


def test_a_bad_time_is_refused_naming_the_field(team, town):
    response = team.post(
        reverse("framework:meeting_add", args=[town.committee.pk]),
        {"starts_on": "2027-02-31", "starts_time": "25:00"},
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "Date: enter a real date" in text
    assert "Time: enter a real time on the 24-hour clock" in text
    assert not Meeting.objects.exists()


@pytest.fixture
def approved_report(town, meeting):
    with time_machine.travel(datetime.datetime(2026, 10, 21, 9, tzinfo=datetime.UTC)):
        report = reporting.create_report(
            by=town.person("performance"),
            kind="committee",
            period=Period.objects.get(kind="quarter", code=OPEN_PERIOD),
            title="Quarterly performance report",
            committee=town.committee,
            meeting=meeting,
        )
    seen = reporting.seen_now(report)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)):
        return reporting.approve_report(
            report, by=town.person("director"), seen=seen, make_files=False
        )


def move(client, meeting, day: str, *, cancelled="no", reason="Chamber booked for an election"):
    return client.post(
        reverse("framework:meeting", args=[meeting.pk]),
        {
            "starts_on": day,
            "starts_time": "18:00",
            "venue": meeting.venue,
            "is_cancelled": cancelled,
            "reason": reason,
        },
    )


def test_moving_a_meeting_moves_its_reports_release_and_records_why(
    team, town, meeting, approved_report
):
    with time_machine.travel(BEFORE):
        refused = move(team, meeting, "2026-11-12", reason="")
        assert refused.status_code == 400
        assert committees.MEETING_REASON_REQUIRED in refused.content.decode()
        meeting.refresh_from_db()
        assert meeting.starts_at == MEETING

        assert move(team, meeting, "2026-11-12").status_code == 302

    later = MEETING + datetime.timedelta(days=2)
    meeting.refresh_from_db()
    approved_report.refresh_from_db()
    assert meeting.starts_at == later
    assert release_time(approved_report) == later
    event = approved_report.events.last()
    assert event.kind == ReportEventKind.HELD
    assert event.reason.endswith(": Chamber booked for an election")
    history = text_of(team, "meeting", meeting.pk).split('id="history"')[1]
    assert "Chamber booked for an election" in history
    assert "Priya Perform" in history


def test_cancelling_a_meeting_holds_its_report_back(team, town, meeting, approved_report):
    with time_machine.travel(BEFORE):
        move(team, meeting, "2026-11-10", cancelled="yes", reason="Not quorate")

    meeting.refresh_from_db()
    approved_report.refresh_from_db()
    assert meeting.is_cancelled
    assert release_time(approved_report) is None
    assert "Cancelled meeting" in text_of(team, "meeting", meeting.pk)


def test_a_published_reports_meeting_cannot_be_moved_later(team, town, meeting, approved_report):
    entries = AuditEntry.objects.count()

    with time_machine.travel(MEETING + datetime.timedelta(hours=1)):
        response = move(team, meeting, "2026-11-20", reason="Adjourned")

    assert response.status_code == 400
    assert "withdraw it before moving its meeting later" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.starts_at == MEETING
    assert AuditEntry.objects.count() == entries
