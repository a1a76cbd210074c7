"""The public pages, as a member of the public sees them (never signed in)."""

from __future__ import annotations

import datetime
import html as html_module
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from charts.bars import comparison_bars
from indicators.models import Period
from indicators.tests.factories import IndicatorFactory
from publishing import comparisons
from publishing.tests.conftest import (
    AFTER,
    BEFORE,
    EMBARGOED_TITLE,
    LATER,
    PUBLISHED_SHOWN,
    PUBLISHED_TITLE,
    Q1,
    Q2,
    at,
    made_file,
)
from scorecards.narratives import save_narrative
from strategy.models import Ambition

pytestmark = pytest.mark.django_db


def words(html: str) -> str:
    """The page's text, each element's words apart from the next's."""
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def text_of(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return words(response.content.decode())


def test_home_shows_the_latest_quarter_and_its_ambitions(client, published):
    with at(BEFORE):
        page = text_of(client, reverse("publishing:home"))
    assert "How Testshire Council is performing" in page
    assert "Q1 2026/27 at a glance" in page
    assert "50% on target (1 of 2 indicators with a target)" in page
    assert "1 Red: outside tolerance" in page
    assert "A greener Testshire" in page
    assert "Thriving communities" in page
    assert PUBLISHED_TITLE in page
    with at(AFTER):
        assert "Q2 2026/27 at a glance" in text_of(client, reverse("publishing:home"))


def test_home_says_so_when_nothing_is_published(client, db):
    page = text_of(client, reverse("publishing:home"))
    assert "No performance figures have been published yet" in page


def test_the_scorecard_groups_indicators_by_ambition_in_the_council_order(client, published):
    with at(AFTER):
        response = client.get(reverse("publishing:scorecard", args=[Q2]))
    html = response.content.decode()
    greener, homes = html.index('id="ambition-greener"'), html.index('id="ambition-homes"')
    assert greener < html.index("SEC-01") < homes < html.index("LIB-01")
    page = words(html)
    assert "3 indicators published for Q2 2026/27" in page
    assert EMBARGOED_TITLE in page
    # The period switcher links to every published quarter.
    assert f'href="{reverse("publishing:scorecard", args=[Q1])}"' in html
    assert '<strong aria-current="page">Q2 2026/27</strong>' in html


def test_a_scorecard_too_long_for_one_page_lists_each_ambition_s_on_its_own(
    client, published, monkeypatch
):
    monkeypatch.setattr("publishing.published.ROWS_ON_ONE_PAGE", 2)  # the quarter has 3
    with at(AFTER):
        response = client.get(reverse("publishing:scorecard", args=[Q2]))
        greener = reverse("publishing:ambition", args=[Q2, "greener"])
        ambition = text_of(client, greener)
    html = response.content.decode()
    page = words(html)

    assert "This scorecard has 3 indicators, too many for one page" in page
    assert "SEC-01" not in html and "LIB-01" not in html  # no rows here …
    assert f'href="{greener}"' in html
    assert "See the 2 indicators of A greener Testshire for Q2 2026/27" in page
    assert "SEC-01" in ambition  # … they are on the ambition's page
    # Every ambition's counts are still here.
    assert html.count('class="gt-ambition"') == 2


def test_an_ambition_s_page_shows_its_indicators_a_page_at_a_time(client, published, monkeypatch):
    monkeypatch.setattr("publishing.published.ROWS_ON_ONE_PAGE", 1)  # the ambition has 2 in Q2
    greener = reverse("publishing:ambition", args=[Q2, "greener"])
    second_page = reverse("publishing:ambition_page", args=[Q2, "greener", 2])
    with at(AFTER):
        first = client.get(greener).content.decode()
        second = client.get(second_page).content.decode()
        beyond = client.get(reverse("publishing:ambition_page", args=[Q2, "greener", 3]))
        again = client.get(reverse("publishing:ambition_page", args=[Q2, "greener", 1]))
        sitemap = client.get(reverse("publishing:sitemap")).content.decode()

    assert "Indicators 1 to 1 of 2, page 1 of 2" in words(first)
    assert "Indicators 2 to 2 of 2, page 2 of 2" in words(second)
    on_first = {code for code in ("RCY-01", "SEC-01") if code in first}
    on_second = {code for code in ("RCY-01", "SEC-01") if code in second}
    assert len(on_first) == len(on_second) == 1 and on_first != on_second
    assert f'href="{second_page}" rel="next"' in first
    assert f'href="{greener}" rel="prev"' in second
    assert beyond.status_code == again.status_code == 404  # page 1 has one address
    assert second_page in sitemap  # and the static export writes every page


def test_an_ambition_s_narrative_is_on_its_first_page_only(client, published, monkeypatch):
    with at(datetime.datetime(2026, 11, 21, 10, tzinfo=datetime.UTC)):
        save_narrative(
            subject=Ambition.objects.get(code="greener"),
            period=Period.objects.get(code=Q2),
            going_well="Garden waste rounds doubled.",
            not_going_well="",
            being_done="",
            by=published.performance,
        )
        published.report(
            title="Q2 with the narrative", period_code=Q2, meeting=published.q2_meeting
        )
    monkeypatch.setattr("publishing.published.ROWS_ON_ONE_PAGE", 1)  # the ambition has 2 in Q2
    greener = reverse("publishing:ambition", args=[Q2, "greener"])
    with at(AFTER):
        first = words(client.get(greener).content.decode())
        second_html = client.get(
            reverse("publishing:ambition_page", args=[Q2, "greener", 2])
        ).content.decode()

    assert "What the council says" in first and "Garden waste rounds doubled." in first
    assert "Garden waste rounds doubled." not in second_html
    assert f'href="{greener}#narrative-heading"' in second_html
    assert "What the council says about A greener Testshire is on the first page." in words(
        second_html
    )


def test_indicators_linked_to_no_ambition_have_a_page_of_their_own(client, published, monkeypatch):
    with at(datetime.datetime(2026, 11, 21, 10, tzinfo=datetime.UTC)):
        loose = IndicatorFactory(
            code="LOOSE-01", title="Complaints answered on time", in_sets=["strategic"]
        )
        published.returns.signed_off(loose, Q2, "80")
        published.report(
            title="Q2 with every indicator", period_code=Q2, meeting=published.q2_meeting
        )
    not_linked = reverse("publishing:ambition", args=[Q2, "not-linked"])
    monkeypatch.setattr("publishing.published.ROWS_ON_ONE_PAGE", 2)  # the quarter has 4: paged
    with at(AFTER):
        scorecard = client.get(reverse("publishing:scorecard", args=[Q2])).content.decode()
        page = text_of(client, not_linked)

    assert f'href="{not_linked}"' in scorecard and "LOOSE-01" not in scorecard
    assert "See the 1 indicator linked to no ambition for Q2 2026/27" in words(scorecard)
    assert "Indicators, Q2 2026/27" in page and "Not linked to an ambition" in page
    assert "Complaints answered on time" in page and "Household waste recycled" not in page


def test_the_ambition_page_shows_its_indicators_and_narrative(client, published):
    with at(BEFORE):
        page = text_of(client, reverse("publishing:ambition", args=[Q1, "greener"]))
    assert "A greener Testshire" in page
    assert "Household waste recycled" in page
    assert PUBLISHED_SHOWN in page
    assert "Library visits" not in page
    with at(BEFORE):
        missing = client.get(reverse("publishing:ambition", args=[Q1, "no-such-ambition"]))
    assert missing.status_code == 404


def test_the_indicator_page_has_its_chart_history_and_definition(client, published):
    with at(LATER):
        response = client.get(reverse("publishing:indicator", args=["RCY-01"]))
    html = response.content.decode()
    page = words(html)
    assert "Household waste recycled: statistical process control chart" in page
    assert "Show the data as a table" in page
    assert "<svg" in html
    # One row per published period, latest first, each naming its report.
    history = page[page.index("Every published period") :]
    assert history.index("Q2 2026/27") < history.index("Q1 2026/27")
    assert EMBARGOED_TITLE in history and PUBLISHED_TITLE in history
    for fact in (
        "What is measured Household waste sent for reuse, recycling or composting",
        "Source of the data Waste data return to the government",
        "Unit %",
        "Polarity Higher is better",
        "Collected Quarterly",
        "Waste",
    ):
        assert fact in page
    assert "How we compare" not in page


def test_the_indicator_page_shows_a_comparison_where_one_is_registered(
    client, published, monkeypatch
):
    from decimal import Decimal

    def against_neighbours(indicator_code, period_code):
        if indicator_code != "RCY-01":
            return None
        return comparison_bars(
            title="Household waste recycled: nearest neighbours",
            items=[("Testshire", Decimal("41.2"), True), ("Borsetshire", Decimal("44.0"), False)],
            unit="%",
            precision=1,
        )

    monkeypatch.setattr(comparisons, "PUBLIC_COMPARISONS", [against_neighbours])
    with at(BEFORE):
        page = text_of(client, reverse("publishing:indicator", args=["RCY-01"]))
        other = text_of(client, reverse("publishing:indicator", args=["LIB-01"]))
    assert "How we compare" in page
    assert "Borsetshire" in page
    assert "How we compare" not in other


def test_indicators_a_to_z(client, published):
    with at(BEFORE):
        page = text_of(client, reverse("publishing:indicators"))
    assert "2 in all" in page
    assert page.index("Household waste recycled") < page.index("Library visits per resident")


def test_an_a_to_z_too_long_for_one_page_gives_each_letter_a_page(client, published, monkeypatch):
    monkeypatch.setattr("publishing.published.ROWS_ON_ONE_PAGE", 1)  # 2 indicators: split
    letter_h = reverse("publishing:indicators_letter", args=["h"])
    with at(BEFORE):
        index = client.get(reverse("publishing:indicators")).content.decode()
        h = client.get(letter_h).content.decode()
        missing = client.get(reverse("publishing:indicators_letter", args=["q"]))
        sitemap = client.get(reverse("publishing:sitemap")).content.decode()

    assert "too many for one page, so each letter has a page of its own" in words(index)
    assert "<table" not in index and "RCY-01" not in index  # no rows here …
    assert f'href="{letter_h}"' in index and "H (1)" in words(index)
    assert "Indicators beginning with H" in words(h)  # … they are on their letter's page
    assert "Household waste recycled" in h and "Library visits" not in h
    assert f'href="{letter_h}" aria-current="page"' in h
    assert missing.status_code == 404
    assert letter_h in sitemap and reverse("publishing:indicators_letter", args=["l"]) in sitemap


def test_an_a_to_z_on_one_page_has_no_letter_pages(client, published):
    with at(BEFORE):
        letter = client.get(reverse("publishing:indicators_letter", args=["h"]))
        sitemap = client.get(reverse("publishing:sitemap")).content.decode()
    assert letter.status_code == 404  # one address for each list of indicators
    assert "/indicators/letter/" not in sitemap


def test_the_reports_list_puts_annual_reports_under_their_own_heading(client, published):
    with at(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)):
        annual = published.report(
            title="Annual performance report 2025/26", period_code="2025-26", kind="annual"
        )
        page = text_of(client, reverse("publishing:reports"))
        report_page = text_of(client, reverse("publishing:report", args=[annual.pk]))
    quarterly = page.index("Quarterly performance reports")
    yearly = page.index("Annual performance reports")
    assert quarterly < page.index(PUBLISHED_TITLE) < yearly
    assert yearly < page.index("Annual performance report 2025/26")
    assert "Annual performance report" in report_page


def test_the_report_page_shows_the_report_as_approved(client, published):
    with at(BEFORE):
        response = client.get(reverse("publishing:report", args=[published.released.pk]))
    html = response.content.decode()
    page = words(html)
    for part in (
        PUBLISHED_TITLE,
        "Committee Strategy and Resources Committee",
        "Meeting 1 September 2026 at 7pm",  # 6pm UTC is 7pm in London in September
        "Purpose and recommendations",
        "To report the council's performance.",
        "What is going well Recycling is up.",
        "Exceptions",
        "Red: outside the tolerance of the target (1)",
        "A greener Testshire, Q1 2026/27",
        "Thriving communities, Q1 2026/27",
    ):
        assert part in page, part
    assert f'href="{reverse("publishing:download", args=[published.released.pk, "pdf"])}"' in html


def test_a_download_serves_the_approved_file(client, published):
    with at(BEFORE):
        response = client.get(reverse("publishing:download", args=[published.released.pk, "pdf"]))
        missing = client.get(reverse("publishing:download", args=[published.released.pk, "docx"]))
        unknown = client.get(reverse("publishing:download", args=[published.released.pk, "exe"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert missing.status_code == 404
    assert unknown.status_code == 404


def test_a_file_made_from_other_content_is_never_served(client, published):
    stale = made_file(published.released, "xlsx", b"an older version")
    stale.content_hash = "0" * 64
    stale.save()
    with at(BEFORE):
        response = client.get(reverse("publishing:download", args=[published.released.pk, "xlsx"]))
    assert response.status_code == 404


def test_the_accessibility_statement(client, published):
    with at(BEFORE):
        page = text_of(client, reverse("publishing:accessibility"))
    for part in (
        "Accessibility statement for Testshire Council’s performance pages",
        "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA",
        "Equality and Human Rights Commission (EHRC)",
        "Equality Advisory and Support Service",
        "axe-core",
        "keyboard",
        "performance@example.gov.uk",
    ):
        assert part in page, part


def test_the_sitemap_lists_every_page_and_data_file(client, published):
    with at(AFTER):
        response = client.get(reverse("publishing:sitemap"))
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    names = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [e.text for e in ET.fromstring(response.content).findall("s:url/s:loc", names)]
    for address in (
        reverse("publishing:home"),
        reverse("publishing:scorecard", args=[Q2]),
        reverse("publishing:ambition", args=[Q2, "greener"]),
        reverse("publishing:indicator", args=["SEC-01"]),
        reverse("publishing:report", args=[published.embargoed.pk]),
        reverse("publishing:period_data", args=[Q2, "csv"]),
        reverse("publishing:accessibility"),
    ):
        assert f"http://testserver{address}" in locations, address


def test_the_feed_lists_published_reports_newest_first(client, published):
    with at(AFTER):
        response = client.get(reverse("publishing:feed"))
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    atom = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(response.content).findall("a:entry", atom)
    titles = [e.find("a:title", atom).text for e in entries]
    assert titles == [
        f"{EMBARGOED_TITLE} – Strategy and Resources Committee",
        f"{PUBLISHED_TITLE} – Strategy and Resources Committee",
    ]
    link = entries[0].find("a:link", atom).get("href")
    assert link == f"http://testserver/performance/reports/{published.embargoed.pk}/"


def test_the_navigation_marks_the_current_section(client, published):
    with at(BEFORE):
        html = client.get(reverse("publishing:indicators")).content.decode()
        nested = client.get(reverse("publishing:indicator", args=["RCY-01"])).content.decode()
    assert 'href="/performance/indicators/" aria-current="page"' in html
    assert 'href="/performance/indicators/" aria-current="true"' in nested
    assert "Sign out" not in html


# --- Data quality ---------------------------------------------------------------------------

MARKER = re.compile(r'<strong class="govuk-tag govuk-tag--teal gt-data-quality">([^<]+)</strong>')
NOTE = 'id="data-quality-note"'
PROVISIONAL_NOTE = "Provisional : may change when final data are available."


def marked_rows(html: str) -> dict[str, list[str]]:
    """Each table row's indicator code (or period) and the data quality markers in it."""
    found = {}
    for row in re.findall(r'<tr class="govuk-table__row"[^>]*>(.*?)</tr>', html, re.S):
        code = re.search(r'<span class="gt-indicator-code">([^<]+)</span>', row)
        key = code[1] if code else words(re.search(r"<th[^>]*>(.*?)</th>", row, re.S)[1])
        found[key] = MARKER.findall(row)
    return found


def test_a_figure_provisional_when_approved_is_marked_on_every_public_page(
    client, published, provisional
):
    with at(LATER):
        pages = {
            name: client.get(address).content.decode()
            for name, address in {
                "scorecard": reverse("publishing:scorecard", args=[Q2]),
                "ambition": reverse("publishing:ambition", args=[Q2, "homes"]),
                "a to z": reverse("publishing:indicators"),
                "report": reverse("publishing:report", args=[provisional.pk]),
            }.items()
        }
        indicator = client.get(reverse("publishing:indicator", args=["LIB-01"])).content.decode()
        final = client.get(reverse("publishing:indicator", args=["RCY-01"])).content.decode()
        q1 = client.get(reverse("publishing:scorecard", args=[Q1])).content.decode()

    # Made final after approval: the published figure stays as it was approved.
    for name, html in pages.items():
        rows = marked_rows(html)
        assert rows["LIB-01"] == ["Provisional"], name
        assert rows.get("RCY-01", []) == [], name
        assert html.count(NOTE) == 1, name
        assert PROVISIONAL_NOTE in words(html), name
    history = marked_rows(indicator[indicator.index("Every published period") :])
    assert history["Q2 2026/27"] == ["Provisional"]
    assert history["Q1 2026/27"] == []
    assert MARKER.findall(indicator[: indicator.index("Every published period")]) == [
        "Provisional",
        "Provisional",
    ]  # the latest figure, in the lead and in the summary
    assert indicator.count(NOTE) == 1
    assert not MARKER.search(final) and NOTE not in final
    assert not MARKER.search(q1) and NOTE not in q1


def test_the_report_page_has_a_data_quality_note(client, published, provisional):
    with at(LATER):
        page = text_of(client, reverse("publishing:report", args=[provisional.pk]))
        original = text_of(client, reverse("publishing:report", args=[published.embargoed.pk]))

    note = page[page.index("Data quality When") :]
    assert note.startswith(
        "Data quality When this report was approved on 25 November 2026, 1 figure in it was "
        "not final: LIB-01 Library visits per resident , Q2 2026/27: 12.9% Provisional "
        f"{PROVISIONAL_NOTE}"
    )
    assert "Every figure in this report was final when the report was approved." in original


def test_the_a_to_z_files_titles_beginning_with_no_letter_under_0_to_9():
    from publishing.published import DIGITS, IndicatorEntry, by_letter

    entries = [
        IndicatorEntry(code=code, title=title, latest=None)
        for code, title in (("A1", "apples"), ("N1", "16-year-olds in learning"), ("E1", "Éclair"))
    ]
    letters = by_letter(entries)
    assert [(letter.name, letter.address) for letter in letters] == [
        (DIGITS, "0-9"),
        ("A", "a"),
        ("É", "é"),
    ]
    assert [e.code for e in letters[0].entries] == ["N1"]
