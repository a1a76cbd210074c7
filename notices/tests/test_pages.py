"""The notice pages: each person sees, opens and marks only their own, and chooses their emails.

Who may use each URL is also in `goldenthread/tests/test_permission_matrix.py`.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.workflow import return_value
from notices.inbox import email_choices
from notices.models import Notice, NoticeKind, NoticePreference
from notices.views import ALL_READ, SAVED

pytestmark = pytest.mark.django_db

LIST = reverse("notices:list")
SETTINGS = reverse("notices:settings")


def returned(people, reason="Check the September round"):
    """Waste's submitted figure returned: Waste's data owners are told."""
    return_value(value=people.town.submitted, by=people["approver"], reason=reason)
    return Notice.objects.get(recipient=people["officer"])


def notice_for(person, n: int, *, read=False) -> Notice:
    return Notice.objects.create(
        recipient=person,
        kind=NoticeKind.CYCLE_OPENED,
        key=f"test:{n}",
        subject=f"Notice number {n}",
        summary="Something happened",
        link=reverse("returns:mine"),
        created_at=timezone.now(),
        read_at=timezone.now() if read else None,
        email_wanted=False,
    )


def test_a_person_sees_their_own_notices_and_nobody_elses(client, people):
    returned(people)
    client.force_login(people["officer"])

    page = client.get(LIST).content.decode()

    assert "Returned for correction: Household waste composted, Q2 2026/27" in page
    assert "Their reason: Check the September round" in page
    assert "(1 unread)" in page  # in the header
    client.force_login(people["other_officer"])
    other = client.get(LIST).content.decode()
    assert "Returned for correction" not in other
    assert "You have no notices yet." in other
    assert "unread)" not in other


def test_opening_a_notice_marks_it_read_and_goes_where_it_points(client, people):
    notice = returned(people)
    client.force_login(people["officer"])

    response = client.get(reverse("notices:open", args=[notice.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("returns:service", args=[people.town.cycle.pk, "waste"])
    notice.refresh_from_db()
    assert notice.read_at is not None
    page = client.get(LIST).content.decode()
    assert "unread)" not in page
    assert "You have no unread notices." in page


def test_nobody_opens_someone_elses_notice(client, people):
    notice = returned(people)
    client.force_login(people["place_officer"])  # told of the same event, in their own notice

    response = client.get(reverse("notices:open", args=[notice.pk]))

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_as_read_marks_only_the_persons_own(client, people):
    returned(people)
    client.force_login(people["officer"])

    response = client.post(reverse("notices:read_all"), follow=True)

    assert ALL_READ in response.content.decode()
    assert not Notice.objects.filter(recipient=people["officer"], read_at__isnull=True).exists()
    assert Notice.objects.get(recipient=people["place_officer"]).read_at is None


def test_the_email_settings_are_saved_and_shown_again(client, people):
    officer = people["officer"]
    client.force_login(officer)
    page = client.get(SETTINGS).content.decode()
    assert page.count('type="checkbox"') == 5
    assert page.count("checked") == 5  # every kind by email until switched off

    response = client.post(
        SETTINGS, {"email_kinds": ["figure_returned", "cycle_opened"]}, follow=True
    )

    assert SAVED in response.content.decode()
    assert email_choices(officer) == {"figure_returned", "cycle_opened"}
    assert response.content.decode().count("checked") == 2
    assert NoticePreference.objects.filter(user=people["other_officer"]).count() == 0


def test_an_unknown_kind_is_refused_and_nothing_is_saved(client, people):
    client.force_login(people["officer"])

    response = client.post(SETTINGS, {"email_kinds": ["figure_returned", "all_the_figures"]})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert NoticePreference.objects.count() == 0


def test_someone_not_signed_in_is_sent_to_sign_in(client, people):
    notice = returned(people)

    for url in (LIST, SETTINGS, reverse("notices:open", args=[notice.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_list_asks_the_same_number_of_queries_however_many_notices(client, people):
    officer = people["officer"]
    client.force_login(officer)
    for n in range(2):
        notice_for(officer, n)
        notice_for(officer, 100 + n, read=True)
    client.get(LIST)  # the session and the like, once
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(2, 30):
        notice_for(officer, n)
        notice_for(officer, 100 + n, read=True)

    with CaptureQueriesContext(connection) as many:
        page = client.get(LIST).content.decode()

    assert len(many) == len(few)
    assert "30 unread" in page
    assert page.count("Notice number") == 60
