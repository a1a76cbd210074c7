"""The audit log's pages: for administrators and internal audit only; filtered, paged, exported
as CSV holding what the page shows, and headed by the chain's check."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.chain import append
from audit.context import acting, paused
from audit.models import AuditEntry
from organisation.models import Role
from organisation.tests.factories import UserFactory
from organisation.tests.personas import PERSONAS, build_town, sign_in
from strategy.tests.factories import CommitteeFactory

pytestmark = pytest.mark.django_db

LOG, EXPORT = reverse("audit:log"), reverse("audit:export")


@pytest.fixture
def town():
    return build_town()


@pytest.fixture
def auditor():
    with paused():  # made before the log these tests write starts
        return UserFactory(
            username="auditor", first_name="Nadia", last_name="Osei", roles=[Role.AUDITOR]
        )


def entry_numbers(response) -> list[int]:
    return [int(n) for n in re.findall(r'id="entry-(\d+)"', response.content.decode())]


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# --- Who may read it -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LOG, EXPORT])
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_administrators_and_internal_audit_read_the_log(client, town, persona, url):
    response = sign_in(client, town.person(persona)).get(url)

    if persona == "admin":
        assert response.status_code == 200
    elif persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("url", [LOG, EXPORT])
def test_internal_audit_reads_the_log(client, town, auditor, url):
    assert sign_in(client, auditor).get(url).status_code == 200


def test_the_navigation_offers_the_log_to_those_who_may_read_it(client, town, auditor):
    link = f'href="{LOG}"'

    assert link in sign_in(client, auditor).get(reverse("scorecards:organisation")).content.decode()
    admin_page = sign_in(client, town.person("admin")).get(reverse("scorecards:organisation"))
    assert link in admin_page.content.decode()
    officer_page = sign_in(client, town.person("officer")).get(reverse("scorecards:organisation"))
    assert link not in officer_page.content.decode()


# --- What the page shows ---------------------------------------------------------------------


def test_an_entry_shows_who_when_where_why_and_before_and_after(client, auditor):
    person = UserFactory(first_name="Priya", last_name="Perform", username="priya")
    committee = CommitteeFactory(name="Place Scrutiny Committee", remit="Waste")
    with acting(person, source="command", reason="Housing joins the remit"):
        committee.remit = "Waste and housing"
        committee.save()
    entry = AuditEntry.objects.order_by("-sequence").first()

    page = sign_in(client, auditor).get(LOG).content.decode()

    section = page[page.index(f'id="entry-{entry.sequence}"') :]
    section = section[: section.index("</section>")]
    for shown in (
        "Committee changed: Place Scrutiny Committee",
        "Priya Perform (priya)",
        "Command",
        "Housing joins the remit",
        "Remit",
        '<td class="govuk-table__cell govuk-!-text-break-word">Waste</td>',
        "Waste and housing",
    ):
        assert shown in section, shown
    assert 'class="gt-table-wrapper" tabindex="0" role="region"' in section


def test_the_page_says_the_chain_is_intact_up_to_its_last_entry(client, town, auditor):
    last = AuditEntry.objects.order_by("-sequence").first()

    page = sign_in(client, auditor).get(LOG).content.decode()

    intact = f"The log is intact: {last.sequence} entries checked, up to entry {last.sequence}."
    assert intact in page
    assert last.entry_hash in page


def test_the_page_names_the_first_entry_tampered_with(client, town, auditor):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
        else:
            cursor.execute("DROP TRIGGER audit_entry_append_only")
        cursor.execute("UPDATE audit_auditentry SET reason = 'Nothing happened' WHERE sequence = 7")

    page = sign_in(client, auditor).get(LOG).content.decode()

    assert "The log has been tampered with at entry 7: it was changed after it was written." in page
    assert "The 6 entries before it check out." in page


# --- Filters, pages and the CSV export -------------------------------------------------------


@pytest.fixture
def varied(auditor):
    """Committee changes by Priya on 1 March, a cycle's by Sam on 2 March, a command's on 3."""
    with paused():
        priya = UserFactory(first_name="Priya", last_name="Perform", username="priya")
        sam = UserFactory(first_name="Sam", last_name="Shaw", username="sam")
    made = [
        (datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC), priya, "strategy.committee"),
        (datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC), sam, "indicators.reportingcycle"),
        (datetime.datetime(2026, 3, 3, 10, tzinfo=datetime.UTC), None, "strategy.committee"),
    ]
    for at, person, object_type in made:
        with time_machine.travel(at, tick=False):
            append(
                action="changed",
                object_type=object_type,
                object_id="1",
                object_label="Place Scrutiny Committee" if "committee" in object_type else "Q2",
                before={"remit": "Old"},
                after={"remit": "New"},
                reason=f"Because of {at:%-d %B}",
                actor=person,
                actor_name=person.get_full_name() if person else "",
                source="page" if person else "command",
            )
    return priya, sam


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, [3, 2, 1]),
        ({"object_type": "strategy.committee"}, [3, 1]),
        ({"actor": "priya"}, [1]),
        ({"actor": "none"}, [3]),
        ({"date_from": "2026-03-02"}, [3, 2]),
        ({"date_to": "2026-03-02"}, [2, 1]),
        ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, [2]),
        ({"text": "2 march"}, [2]),
        ({"text": "scrutiny", "date_from": "2026-03-02"}, [3]),
    ],
)
def test_the_filters_pick_entries_and_the_export_holds_the_same(
    client, auditor, varied, query, expected
):
    if query.get("actor") == "priya":
        query = {**query, "actor": str(varied[0].pk)}
    sign_in(client, auditor)

    page = client.get(LOG, query)
    rows = csv_rows(client.get(EXPORT, query))

    assert entry_numbers(page) == expected
    assert [int(row["Entry"]) for row in rows] == expected
    for row in rows:
        entry = AuditEntry.objects.get(pk=row["Entry"])
        assert (row["What"], row["Object"], row["Reason"], row["Entry hash"]) == (
            entry.action,
            entry.object_label,
            entry.reason,
            entry.entry_hash,
        )
        assert (row["Before"], row["After"]) == ('{"remit": "Old"}', '{"remit": "New"}')
        assert row["Who"] == entry.actor_name


def test_a_backwards_date_range_is_an_error_naming_the_field(client, auditor, varied):
    page = sign_in(client, auditor).get(LOG, {"date_from": "2026-03-03", "date_to": "2026-03-01"})

    content = page.content.decode()
    assert "There is a problem" in content
    assert '<a href="#id_date_to">' in content
    assert entry_numbers(page) == [3]  # the valid filter still applies


def test_the_export_cannot_smuggle_a_spreadsheet_formula(client, auditor):
    append(
        action="changed",
        object_type="strategy.committee",
        object_label='=HYPERLINK("http://example.com")',
        reason="+1 cmd",
        source="page",
    )

    [row] = csv_rows(sign_in(client, auditor).get(EXPORT))

    assert row["Object"] == '\'=HYPERLINK("http://example.com")'
    assert row["Reason"] == "'+1 cmd"


def committee_changes(numbers):
    for n in numbers:
        append(action="changed", object_type="committee", object_label=f"C{n}", source="page")


def test_the_log_is_paged_newest_first_in_a_fixed_number_of_queries(client, auditor):
    committee_changes(range(60))
    sign_in(client, auditor)
    client.get(LOG)  # sessions and the like, once

    with CaptureQueriesContext(connection) as first_page:
        page_one = client.get(LOG)
    page_two = client.get(LOG, {"page": 2})
    committee_changes(range(60, 200))
    with CaptureQueriesContext(connection) as longer_log:
        client.get(LOG)

    assert entry_numbers(page_one) == list(range(60, 10, -1))
    assert entry_numbers(page_two) == list(range(10, 0, -1))
    assert 'rel="next"' in page_one.content.decode()
    assert len(longer_log) == len(first_page)
