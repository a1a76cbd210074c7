"""Every count on a page says what it counts, and the counts add up: each page's summary equals
the sum of its sections and tables, on the demo council (loaded once for the module).

A page's roll-ups are read from their data attributes (`data-total`, `data-status`,
`data-count`); a section's indicators are the indicators its table links to.
"""

import re
from collections import Counter
from datetime import date

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from demo.generate import load_demo
from organisation.models import User
from reports.models import Report, ReportKind
from reports.publication import released_reports
from strategy.models import Ambition

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"

ROLL_UP = re.compile(r'<ul class="govuk-list gt-roll-up"[^>]*data-total="(\d+)">(.*?)</ul>', re.S)
STATUS = re.compile(r'data-status="(\w+)" data-count="(\d+)"')
SECTION = re.compile(r'<section class="gt-ambition".*?</section>', re.S)
INDICATOR_LINK = re.compile(r'href="/(?:scorecards|performance)/indicators/([\w-]+)/')


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hashing = override_settings(PASSWORD_HASHERS=[FAST_HASHER])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        load_demo(today=TODAY, seed=2026)
        yield
        transaction.set_rollback(True)


def roll_ups(html: str) -> list[tuple[int, Counter]]:
    return [
        (int(total), Counter({s: int(n) for s, n in STATUS.findall(body)}))
        for total, body in ROLL_UP.findall(html)
    ]


def assert_summary_is_the_sum_of_its_sections(html: str) -> None:
    summary_total, summary = roll_ups(html)[0]
    sections = SECTION.findall(html)
    assert sections, "the page has no sections"
    total, by_status = 0, Counter()
    for section in sections:
        [(section_total, section_statuses)] = roll_ups(section)[:1]
        linked = set(INDICATOR_LINK.findall(section))
        assert section_total == len(linked), section[:200]  # the roll-up counts its table
        assert section_total == sum(section_statuses.values())
        total += section_total
        by_status += section_statuses
    assert summary_total == sum(summary.values())
    assert (summary_total, summary) == (total, by_status)


def page(client, url, username=None) -> str:
    if username:
        client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("performance", lambda: reverse("scorecards:organisation")),
        ("councillor", lambda: reverse("scorecards:committee", args=["cabinet"])),
        ("director", lambda: reverse("scorecards:directorate", args=["place"])),
        (
            "performance",
            lambda: reverse(
                "scorecards:ambition", args=[Ambition.objects.order_by("order").first().code]
            ),
        ),
    ],
    ids=["organisation", "committee", "directorate", "ambition"],
)
def test_a_staff_scorecards_summary_adds_up_to_its_sections(demo, client, username, url):
    html = page(client, url(), username)

    assert_summary_is_the_sum_of_its_sections(html)
    total = roll_ups(html)[0][0]
    assert f"The sections below count the same {total} indicators." in html


def released():
    return released_reports(timezone.now()).select_related("period")


def test_a_reports_cover_adds_up_to_its_sections(demo, client):
    report = Report.objects.filter(kind=ReportKind.COMMITTEE, state="approved").first()

    assert_summary_is_the_sum_of_its_sections(
        page(client, reverse("reports:report", args=[report.pk]), "performance")
    )


def test_a_public_reports_cover_adds_up_to_its_sections(demo, client):
    report = released().filter(kind=ReportKind.COMMITTEE).first()

    assert_summary_is_the_sum_of_its_sections(
        page(client, reverse("publishing:report", args=[report.pk]))
    )


def test_the_public_scorecard_adds_up_to_its_ambitions(demo, client):
    quarter = released().filter(period__kind="quarter").order_by("-period__starts_on").first()

    html = page(client, reverse("publishing:scorecard", args=[quarter.period.code]))

    assert_summary_is_the_sum_of_its_sections(html)


def test_the_public_ambition_page_counts_its_table(demo, client):
    quarter = released().filter(period__kind="quarter").order_by("-period__starts_on").first()
    ambition = Ambition.objects.order_by("order").first()

    html = page(client, reverse("publishing:ambition", args=[quarter.period.code, ambition.code]))

    (total, statuses), *_ = roll_ups(html)
    assert total == sum(statuses.values()) == len(set(INDICATOR_LINK.findall(html))) > 0


def test_the_public_home_headline_adds_up_to_its_ambition_table(demo, client):
    html = page(client, reverse("publishing:home"))

    def headline(colour):
        found = re.search(
            rf'gt-headline-figure--{colour}">\s*<span class="gt-headline-figure__number">(\d+)<',
            html,
        )
        return int(found[1])

    def column(label):
        return sum(int(n) for n in re.findall(rf'data-label="{label}">(\d+)<', html))

    said = re.search(
        r"(\d+) indicators were published for .*?: (\d+) have a target and are Green, Amber or "
        r"Red; (\d+) have no target or no figure yet\. The table below counts the same (\d+) by "
        r"ambition: (\d+) linked to one of our ambitions and (\d+) linked to none\.",
        html,
    )
    assert said, "the headline does not say what it counts"
    total, with_target, without, same, linked, unlinked = map(int, said.groups())
    assert total == same == with_target + without == linked + unlinked == column("Indicators")
    assert with_target == headline("green") + headline("amber") + headline("red")
    for colour, label in (("green", "Green"), ("amber", "Amber"), ("red", "Red")):
        assert headline(colour) == column(label)
