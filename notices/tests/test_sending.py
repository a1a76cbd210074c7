"""Every notice goes to exactly the right people, once, and never with a figure in it.

The council of `notices/tests/conftest.py`. Changes are made through the domain functions people's
pages call; `committed` runs what waits for the commit (the email task, on the immediate tasks
backend of the tests), as the real commit would.
"""

from __future__ import annotations

import datetime
import smtplib
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from indicators.models import Period, Value, ValueState
from indicators.workflow import StaleValueError, return_value, revise_value, submit_value
from notices import sending
from notices.inbox import set_email_choices
from notices.models import Notice, NoticeKind, PublicationNoticed
from notices.sending import (
    FIGURE_REMOVED,
    email_notices,
    notify_cycle_opened,
    notify_figure_returned,
    notify_reports_published,
    without_figures,
)
from notices.tasks import send_notice_emails
from notices.tests.conftest import LORRIES, LORRIES_TYPED, TONNES, TONNES_TYPED
from organisation.models import Role
from organisation.tests.factories import UserFactory
from organisation.tests.personas import OPEN_PERIOD, SIGNED_OFF_FIGURE, SUBMITTED_FIGURE
from reports import reporting
from returns.collection import EntryInput, save_return
from returns.cycles import close_cycle, open_cycle
from returns.signoff import APPROVE, RETURN, Decision, decide_figures
from scorecards.tests.builders import Returns
from strategy.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

REASON = "73,519.25 tonnes leaves out the garden waste rounds: add them and resubmit"
MEETING = datetime.datetime(2026, 11, 10, 18, 0, tzinfo=datetime.UTC)
BEFORE = MEETING - datetime.timedelta(minutes=1)
AFTER = MEETING + datetime.timedelta(minutes=1)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block left for the commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def told(kind) -> set[str]:
    return set(Notice.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def emailed() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def addresses(*usernames) -> list[str]:
    return sorted(f"{username}@example.gov.uk" for username in usernames)


def figures_said(*typed) -> list[str]:
    """Which of the figures, as typed, any notice or email says (none, ever)."""
    said = [f"{n.subject}\n{n.summary}\n{n.link}" for n in Notice.objects.all()]
    said += [f"{message.subject}\n{message.body}" for message in mail.outbox]
    text = "\n".join(said)
    return [figure for figure in typed if figure in text]


def submitted_tonnes(people, by=None):
    """Waste's tonnes figure, entered and submitted (by the performance team, unless `by`)."""
    returns = Returns()
    returns.officer = by or people["performance"]
    return returns.submitted(people.tonnes, OPEN_PERIOD, TONNES)


def submit(people, *typed, by=None):
    """Waste's return saved and submitted on its page: (indicator, figure) pairs."""
    inputs = [
        EntryInput(indicator=indicator, entries={"figure": Decimal(figure)}, expected_version=None)
        for indicator, figure in typed
    ]
    return save_return(
        cycle=people.town.cycle,
        service=people.town.waste,
        inputs=inputs,
        by=by or people["officer"],
        submit=True,
    )


# --- A figure returned ----------------------------------------------------------------------


def test_a_returned_figure_tells_its_data_owners_and_who_submitted_it_with_the_reason(
    people, committed
):
    value = submitted_tonnes(people)

    with committed():
        return_value(value=value, by=people["approver"], reason=REASON)

    # Waste's data owners (its own, and Place's, above it) and the performance team member who
    # submitted it; never the approver who returned it, Parks, People, councillors or leavers.
    assert told(NoticeKind.FIGURE_RETURNED) == {"officer", "place-officer", "performance"}
    assert emailed() == addresses("officer", "place-officer", "performance")
    notice = Notice.objects.get(recipient=people["officer"])
    assert notice.subject == "Returned for correction: Household waste collected, Q2 2026/27"
    assert notice.summary == (
        "Asha Patel returned WST-10 Household waste collected (Waste and Recycling, Q2 2026/27) "
        f"for correction.\nTheir reason: {FIGURE_REMOVED} tonnes leaves out the garden waste "
        "rounds: add them and resubmit"
    )
    assert notice.link == reverse("returns:service", args=[people.town.cycle.pk, "waste"])
    email = next(m for m in mail.outbox if m.to == ["officer@example.gov.uk"])
    assert email.subject == notice.subject
    assert "leaves out the garden waste rounds" in email.body
    assert f"http://127.0.0.1:8000/notices/{notice.pk}/" in email.body  # opens, marks it read
    assert "Testshire Council performance team" in email.body
    assert figures_said(*TONNES_TYPED) == []


def test_a_returned_figure_is_told_once_however_often_the_event_is_told(people, committed):
    value = submitted_tonnes(people)
    with committed():
        returned = return_value(value=value, by=people["approver"], reason="Check the rounds")

    with committed():
        notify_figure_returned(value=returned, by=people["approver"], reason="Check the rounds")
        send_notice_emails.enqueue()
    email_notices()

    assert Notice.objects.count() == 3
    assert len(mail.outbox) == 3


def test_returning_the_resubmitted_figure_again_is_a_new_notice(people, committed):
    value = submitted_tonnes(people, by=people["officer"])
    with committed():
        value = return_value(value=value, by=people["approver"], reason="Check the rounds")
    value = submit_value(value=value, by=people["officer"])

    with committed():
        return_value(value=value, by=people["approver"], reason="Still short")

    mine = Notice.objects.filter(recipient=people["officer"]).order_by("pk")
    assert [n.summary.rsplit(": ", 1)[1] for n in mine] == ["Check the rounds", "Still short"]


def test_a_return_that_rolls_back_tells_nobody(people, committed):
    town = people.town
    other = submitted_tonnes(people)
    decisions = [
        Decision(town.submitted, RETURN, "Check the September round", town.submitted.lock_version),
        Decision(other, RETURN, "Check the tonnage", other.lock_version - 1),  # out of date
    ]

    with committed(), pytest.raises(StaleValueError):
        decide_figures(decisions=decisions, by=people["approver"])

    assert Value.objects.get(pk=town.submitted.pk).state == ValueState.SUBMITTED
    assert Notice.objects.count() == 0
    assert mail.outbox == []


# --- Figures submitted ----------------------------------------------------------------------


def test_a_submitted_return_tells_the_services_approvers_in_one_notice(people, committed):
    with committed():
        submit(people, (people.tonnes, TONNES), (people.lorries, LORRIES))

    # Waste's approver only: not Parks' or People's approvers, the director or the submitter.
    assert told(NoticeKind.FIGURES_SUBMITTED) == {"approver"}
    notice = Notice.objects.get()
    assert notice.subject == "2 figures to sign off: Waste and Recycling, Q2 2026/27"
    assert notice.summary == (
        "Olu Adeyemi submitted 2 figures for your sign-off:\n"
        "- WST-10 Household waste collected (Waste and Recycling, Q2 2026/27)\n"
        "- WST-11 Lorry kilometres driven (Waste and Recycling, Q2 2026/27)"
    )
    assert notice.link == reverse("returns:service_sign_off", args=[people.town.cycle.pk, "waste"])
    assert emailed() == addresses("approver")
    assert figures_said(*TONNES_TYPED, *LORRIES_TYPED) == []


def test_saving_a_return_without_submitting_tells_nobody(people, committed):
    inputs = [EntryInput(people.tonnes, {"figure": Decimal(TONNES)}, expected_version=None)]
    with committed():
        save_return(
            cycle=people.town.cycle,
            service=people.town.waste,
            inputs=inputs,
            by=people["officer"],
            submit=False,
        )

    assert Notice.objects.count() == 0


def test_whoever_submitted_is_never_asked_to_sign_off_their_own_figures(people, committed):
    manager = UserFactory(
        username="both", roles=[Role.DATA_OWNER, Role.APPROVER], units=[people.town.waste]
    )

    with committed():
        submit(people, (people.tonnes, TONNES), by=manager)

    assert told(NoticeKind.FIGURES_SUBMITTED) == {"approver"}
    assert Notice.objects.get().subject == "1 figure to sign off: Waste and Recycling, Q2 2026/27"


def test_a_revised_signed_off_figure_goes_back_to_its_approver(people, committed):
    with committed():
        revise_value(
            value=people.town.signed_off,
            entries={"figure": Decimal("48.6")},
            by=people["officer"],
            reason="The contractor corrected the tonnage",
        )

    assert told(NoticeKind.FIGURES_SUBMITTED) == {"approver"}
    assert Notice.objects.get().summary.startswith(
        "Olu Adeyemi revised a signed-off figure. It needs your sign-off again:\n"
        "- WST-03 Commercial waste recycled"
    )
    assert figures_said("48.6", SIGNED_OFF_FIGURE) == []


# --- Reports approved and published ---------------------------------------------------------


@pytest.fixture
def report(people):
    town = people.town
    meeting = MeetingFactory(committee=town.committee, starts_at=MEETING)
    with time_machine.travel(datetime.datetime(2026, 10, 21, 9, tzinfo=datetime.UTC)):
        return reporting.create_report(
            by=town.person("performance"),
            kind="committee",
            period=Period.objects.get(code=OPEN_PERIOD),
            title="Quarterly performance report",
            committee=town.committee,
            meeting=meeting,
        )


def approve(people, report, when=datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)):
    seen = reporting.seen_now(report)
    with time_machine.travel(when):
        return reporting.approve_report(report, by=people["director"], seen=seen, make_files=False)


def test_an_approved_report_tells_the_councillors_it_is_ready_and_when_it_is_public(
    people, report, committed
):
    with committed():
        approve(people, report)

    assert told(NoticeKind.REPORT_APPROVED) == {"councillor", "cllr-two"}
    notice = Notice.objects.get(recipient=people["councillor"])
    assert notice.subject == "Ready to read: Quarterly performance report"
    assert notice.summary == (
        "Quarterly performance report (Place Scrutiny Committee, Q2 2026/27) is approved and "
        "ready to read. It will be public at 10 November 2026 at 18:00."
    )
    assert notice.link == reverse("reports:report", args=[report.pk])
    assert emailed() == addresses("councillor", "cllr-two")
    assert figures_said(SIGNED_OFF_FIGURE, SUBMITTED_FIGURE) == []


def test_a_report_is_told_as_published_once_when_the_clock_releases_it(people, report, committed):
    with committed():
        approve(people, report)
    mail.outbox.clear()

    with committed():
        assert notify_reports_published(now=BEFORE) == 0
        assert notify_reports_published(now=AFTER) == 1
        assert notify_reports_published(now=AFTER + datetime.timedelta(hours=1)) == 0
    out = StringIO()
    call_command("send_notices", stdout=out)

    assert told(NoticeKind.REPORT_PUBLISHED) == {"councillor", "cllr-two", "performance"}
    notice = Notice.objects.get(kind=NoticeKind.REPORT_PUBLISHED, recipient=people["councillor"])
    assert notice.subject == "Published: Quarterly performance report"
    assert notice.link == reverse("publishing:report", args=[report.pk])
    assert emailed() == addresses("councillor", "cllr-two", "performance")
    assert out.getvalue() == "Sent 0 notice email(s).\n"
    assert figures_said(SIGNED_OFF_FIGURE) == []


def test_a_report_approved_after_its_meeting_is_told_as_published_at_once(
    people, report, committed
):
    later = AFTER + datetime.timedelta(days=2)
    with committed():
        approve(people, report, when=later)
        assert notify_reports_published(now=later + datetime.timedelta(minutes=5)) == 0

    assert told(NoticeKind.REPORT_APPROVED) == set()
    assert told(NoticeKind.REPORT_PUBLISHED) == {"councillor", "cllr-two", "performance"}
    assert len(mail.outbox) == 3


def test_a_release_found_days_late_is_recorded_without_telling_anyone(people, report, committed):
    with committed():
        approve(people, report)
        assert notify_reports_published(now=MEETING + datetime.timedelta(days=10)) == 0

    assert told(NoticeKind.REPORT_PUBLISHED) == set()
    assert PublicationNoticed.objects.get(report=report).told is False


def test_a_withdrawn_report_is_never_told_as_published(people, report, committed):
    approve(people, report)
    with time_machine.travel(BEFORE):
        reporting.withdraw_report(report, by=people["performance"], reason="A figure is wrong")

    with committed():
        assert notify_reports_published(now=AFTER) == 0

    assert told(NoticeKind.REPORT_PUBLISHED) == set()


# --- A reporting cycle opened ---------------------------------------------------------------


def test_opening_a_cycle_tells_the_data_owners_and_approvers_of_services_with_figures_due(
    people, committed
):
    town = people.town
    with committed():
        open_cycle(cycle=town.planned_cycle, by=people["performance"])

    assert told(NoticeKind.CYCLE_OPENED) == {
        "officer",
        "other-officer",
        "place-officer",
        "approver",
        "other-approver",
        "people-approver",
    }
    officer = Notice.objects.get(recipient=people["officer"])
    assert officer.subject == "Q3 2026/27 returns are open: due by 20 January 2027"
    assert officer.summary.endswith(
        "Your services with figures due:\n- Waste and Recycling: 5 figures"
    )
    assert officer.link == reverse("returns:service", args=[town.planned_cycle.pk, "waste"])
    place = Notice.objects.get(recipient=people["place_officer"])
    assert place.summary.endswith("\n- Parks: 1 figure\n- Waste and Recycling: 5 figures")
    assert place.link == reverse("returns:mine")
    assert Notice.objects.get(recipient=people["people_approver"]).summary.endswith(
        "\n- Libraries: 1 figure"
    )
    assert Notice.objects.get(recipient=people["approver"]).link == reverse("returns:sign_off")
    assert len(mail.outbox) == 6

    with committed():
        notify_cycle_opened(cycle=town.planned_cycle)
    assert Notice.objects.count() == 6
    assert len(mail.outbox) == 6


def test_reopening_a_cycle_tells_them_again(people, committed):
    town = people.town
    with committed():
        open_cycle(cycle=town.closed_cycle, by=people["performance"], reason="A late correction")

    assert len(told(NoticeKind.CYCLE_OPENED)) == 6
    notice = Notice.objects.get(recipient=people["officer"])
    assert notice.subject == "Q1 2026/27 returns reopened"
    assert "A late correction" not in notice.summary  # the team's words stay in the cycle's log

    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        close_cycle(cycle=town.closed_cycle, by=people["performance"], reason="Corrected")
        with committed():
            open_cycle(cycle=town.closed_cycle, by=people["performance"], reason="Once more")
    assert Notice.objects.filter(recipient=people["officer"]).count() == 2


# --- Email: as each person chooses, once, and again after a failure ------------------------


def test_a_person_who_wants_no_email_of_a_kind_still_sees_the_notice(people, committed):
    officer = people["officer"]
    set_email_choices(user=officer, email_kinds=set(NoticeKind.values) - {"figure_returned"})

    with committed():
        return_value(value=people.town.submitted, by=people["approver"], reason="Check it")

    notice = Notice.objects.get(recipient=officer)
    assert (notice.email_wanted, notice.emailed_at) == (False, None)
    assert emailed() == addresses("place-officer")


def test_switching_email_off_stops_a_notice_not_yet_emailed(people):
    return_value(value=people.town.submitted, by=people["approver"], reason="Check it")
    set_email_choices(user=people["officer"], email_kinds=set())

    email_notices()

    assert emailed() == addresses("place-officer")
    assert Notice.objects.filter(recipient=people["officer"]).exists()


def test_a_person_without_an_email_address_sees_the_notice_only_in_the_product(people, committed):
    people.place_officer.email = ""
    people.place_officer.save()

    with committed():
        return_value(value=people.town.submitted, by=people["approver"], reason="Check it")

    assert Notice.objects.get(recipient=people.place_officer).email_wanted is False
    assert emailed() == addresses("officer")


def test_an_email_that_fails_waits_for_the_next_run_and_goes_once(people, committed, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("notices.sending.send_mail", refuse)
    with committed():
        return_value(value=people.town.submitted, by=people["approver"], reason="Check it")
    assert Notice.objects.filter(emailed_at__isnull=False).count() == 0
    monkeypatch.undo()

    first, second = StringIO(), StringIO()
    call_command("send_notices", stdout=first)
    call_command("send_notices", stdout=second)

    assert (first.getvalue(), second.getvalue()) == (
        "Sent 2 notice email(s).\n",
        "Sent 0 notice email(s).\n",
    )
    assert emailed() == addresses("officer", "place-officer")


def test_a_notice_another_run_has_emailed_is_not_emailed_again(people):
    return_value(value=people.town.submitted, by=people["approver"], reason="Check it")
    read_by_a_second_worker = list(Notice.objects.filter(emailed_at__isnull=True))

    email_notices()
    again = [sending._email_one(notice, timezone.now()) for notice in read_by_a_second_worker]

    assert again == [False, False]
    assert len(mail.outbox) == 2


# --- Numbers taken out of words -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("73519.25 is too high", f"{FIGURE_REMOVED} is too high"),
        ("Is 73,519.250 right?", f"Is {FIGURE_REMOVED} right?"),
        ("Down to -73519.25, check", f"Down to -{FIGURE_REMOVED}, check"),
        ("Check the 3 rounds and 73519", "Check the 3 rounds and 73519"),
        ("Numerator 120 of 400", f"Numerator {FIGURE_REMOVED} of {FIGURE_REMOVED}"),
    ],
)
def test_a_reason_quoting_the_figure_loses_the_figure(text, expected):
    numbers = [Decimal(TONNES), Decimal("120"), Decimal("400")]

    assert without_figures(text, numbers) == expected


# --- "To sign off" notices are done once the figures are decided -----------------------------


def test_a_to_sign_off_notice_is_read_once_every_figure_it_names_is_decided(people, committed):
    other_approver = UserFactory(
        username="second_approver", roles=[Role.APPROVER], units=[people.town.waste]
    )
    with committed():
        saved = submit(people, (people.tonnes, TONNES), (people.lorries, LORRIES))
    tonnes, lorries = sorted(saved.values, key=lambda value: value.indicator.code)
    asked = Notice.objects.filter(kind=NoticeKind.FIGURES_SUBMITTED)
    assert {n.recipient.username for n in asked} == {"approver", other_approver.username}

    decide_figures(
        decisions=[Decision(tonnes, APPROVE, "", tonnes.lock_version)], by=people["approver"]
    )
    assert all(notice.read_at is None for notice in asked.all())  # lorries still waits

    return_value(value=lorries, by=other_approver, reason="Check the mileage")
    # Both approvers' notices are done, whoever decided; the officer's notice of the return is
    # news, not done.
    assert all(notice.read_at is not None for notice in asked.all())
    told_of_the_return = Notice.objects.filter(kind=NoticeKind.FIGURE_RETURNED)
    assert told_of_the_return and all(notice.read_at is None for notice in told_of_the_return)


def test_deciding_a_figure_leaves_other_notices_alone(people, committed):
    with committed():
        submit(people, (people.tonnes, TONNES))
        (lorries,) = submit(people, (people.lorries, LORRIES)).values
    first, second = Notice.objects.filter(kind=NoticeKind.FIGURES_SUBMITTED).order_by("pk")

    decide_figures(
        decisions=[Decision(lorries, APPROVE, "", lorries.lock_version)], by=people["approver"]
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is None and second.read_at is not None
