"""Nothing unpublished leaves through any public page, file, feed, sitemap or export.

The Q2 report (see conftest) is approved but its meeting starts at 6pm on 24 November: at
one second to six every public address must refuse it or leave it out, down to the single
figure; from six o'clock every one of them shows it. A later "publish after" time, a
withdrawal, a draft and a cancelled meeting each keep it (or its figures) off the site.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from publishing.tests.conftest import (
    AFTER,
    BEFORE,
    EMBARGOED,
    EMBARGOED_CODE,
    EMBARGOED_INDICATOR,
    EMBARGOED_ONLY_SHOWN,
    EMBARGOED_SHOWN,
    EMBARGOED_TITLE,
    LATER,
    PUBLISHED_SHOWN,
    PUBLISHED_TITLE,
    Q1,
    Q2,
    at,
    made_file,
)
from reports.models import Report
from reports.reporting import hold_report, withdraw_report

pytestmark = pytest.mark.django_db


def listings(published) -> list[str]:
    """Every public address that lists or summarises what is published."""
    pk = published.released.pk
    return [
        reverse("publishing:home"),
        reverse("publishing:scorecards"),
        reverse("publishing:scorecard", args=[Q1]),
        reverse("publishing:ambition", args=[Q1, "greener"]),
        reverse("publishing:indicators"),
        reverse("publishing:indicator", args=["RCY-01"]),
        reverse("publishing:indicator", args=["LIB-01"]),
        reverse("publishing:reports"),
        reverse("publishing:report", args=[pk]),
        reverse("publishing:download", args=[pk, "pdf"]),
        reverse("publishing:data"),
        reverse("publishing:schema"),
        reverse("publishing:period_data", args=[Q1, "csv"]),
        reverse("publishing:period_data", args=[Q1, "json"]),
        reverse("publishing:indicator_data", args=["RCY-01", "csv"]),
        reverse("publishing:indicator_data", args=["RCY-01", "json"]),
        reverse("publishing:sitemap"),
        reverse("publishing:feed"),
    ]


def embargoed_addresses(report: Report) -> list[str]:
    """The addresses that exist only once the Q2 report is published."""
    return [
        reverse("publishing:scorecard", args=[Q2]),
        reverse("publishing:ambition", args=[Q2, "greener"]),
        reverse("publishing:indicator", args=[EMBARGOED_CODE]),
        reverse("publishing:report", args=[report.pk]),
        reverse("publishing:download", args=[report.pk, "pdf"]),
        reverse("publishing:period_data", args=[Q2, "csv"]),
        reverse("publishing:period_data", args=[Q2, "json"]),
        reverse("publishing:indicator_data", args=[EMBARGOED_CODE, "csv"]),
        reverse("publishing:indicator_data", args=[EMBARGOED_CODE, "json"]),
    ]


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode()


def everything_public(client, published) -> str:
    """The text of every listing, each of which must answer."""
    texts = []
    for address in listings(published):
        response = client.get(address)
        assert response.status_code == 200, address
        texts.append(body(response))
    return "\n".join(texts)


def assert_hidden(text: str, report: Report) -> None:
    for secret in (*EMBARGOED, f"/performance/reports/{report.pk}/"):
        assert secret not in text, f"{secret!r} is public"


def assert_not_found(client, address: str) -> None:
    response = client.get(address)
    never_existed = client.get(reverse("publishing:report", args=[987654]))
    assert response.status_code == 404, address
    # The same answer as for something that never existed: nothing to learn from it.
    assert body(response) == body(never_existed)
    assert response.headers.get("Content-Type") == never_existed.headers.get("Content-Type")


# --- the embargo itself ------------------------------------------------------------------------


def test_before_the_meeting_begins_no_listing_shows_the_report_or_its_figures(client, published):
    with at(BEFORE):
        text = everything_public(client, published)
    assert_hidden(text, published.embargoed)
    # The published quarter is there all along.
    assert PUBLISHED_TITLE in text
    assert PUBLISHED_SHOWN in text


def test_before_the_meeting_begins_its_own_addresses_are_not_found(client, published):
    with at(BEFORE):
        for address in embargoed_addresses(published.embargoed):
            assert_not_found(client, address)


def test_from_the_start_of_the_meeting_everything_appears(client, published):
    with at(AFTER):
        text = everything_public(client, published)
        for address in embargoed_addresses(published.embargoed):
            response = client.get(address)
            assert response.status_code == 200, address
            text += body(response)
    for shown in (EMBARGOED_TITLE, EMBARGOED_SHOWN, EMBARGOED_CODE, EMBARGOED_INDICATOR):
        assert shown in text
    assert EMBARGOED_ONLY_SHOWN in text


def test_the_indicator_page_moves_to_the_new_figure_at_the_meeting(client, published):
    address = reverse("publishing:indicator", args=["RCY-01"])
    with at(BEFORE):
        before = client.get(address).content.decode()
    with at(AFTER):
        after = client.get(address).content.decode()
    assert f"Latest published figure: <strong>{PUBLISHED_SHOWN}</strong>" in before
    assert EMBARGOED_SHOWN not in before
    assert f"Latest published figure: <strong>{EMBARGOED_SHOWN}</strong>" in after


def test_the_export_holds_only_what_is_published(published, tmp_path):
    with at(BEFORE):
        call_command("export_public_site", str(tmp_path / "before"), verbosity=0)
    with at(AFTER):
        call_command("export_public_site", str(tmp_path / "after"), verbosity=0)

    def exported(folder: Path) -> str:
        return "\n".join(
            p.read_bytes().decode("utf-8", "replace")
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix != ".js" and p.suffix != ".css"
        )

    before, after = exported(tmp_path / "before"), exported(tmp_path / "after")
    assert_hidden(before, published.embargoed)
    assert not (tmp_path / "before" / "performance" / "scorecards" / Q2).exists()
    assert PUBLISHED_TITLE in before
    assert EMBARGOED_TITLE in after
    assert EMBARGOED_SHOWN in after
    report_folder = tmp_path / "after" / "performance" / "reports" / str(published.embargoed.pk)
    assert (report_folder / "index.html").exists()
    [pdf] = (report_folder / "download" / "pdf").glob("*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.name in (report_folder / "download" / "pdf" / "index.html").read_text()


def exported_files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_an_export_into_the_same_folder_drops_a_withdrawn_report(published, tmp_path):
    site = tmp_path / "site"
    with at(AFTER):
        call_command("export_public_site", str(site), verbosity=0)
        report_folder = site / "performance" / "reports" / str(published.embargoed.pk)
        assert (report_folder / "index.html").exists()
        withdraw_report(published.embargoed, by=published.performance, reason="Wrong figure")
        call_command("export_public_site", str(site), verbosity=0)
        call_command("export_public_site", str(tmp_path / "fresh"), verbosity=0)

    assert not report_folder.exists()
    assert exported_files(site) == exported_files(tmp_path / "fresh")
    text = "\n".join(
        (site / name).read_bytes().decode("utf-8", "replace")
        for name in exported_files(site)
        if not name.endswith((".js", ".css"))
    )
    assert_hidden(text, published.embargoed)


def test_an_export_never_replaces_a_folder_it_did_not_write(published, tmp_path):
    folder = tmp_path / "web"
    folder.mkdir()
    (folder / "notes.txt").write_text("The council's own notes")

    with at(AFTER), pytest.raises(CommandError, match="not written by export_public_site"):
        call_command("export_public_site", str(folder), verbosity=0)

    assert exported_files(folder) == {"notes.txt"}
    assert (folder / "notes.txt").read_text() == "The council's own notes"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "media") == ["web"]


# --- a report without a meeting waits for the committee reports of its period ------------------


NO_MEETING_TITLE = "Q2 performance at a glance"


@pytest.fixture
def no_meeting(published) -> Report:
    """A report with no meeting for Q2, approved before the Q2 meeting, holding RCY-01's and
    SEC-01's embargoed figures: without a meeting it would otherwise be public at once."""
    with at(datetime.datetime(2026, 11, 21, 10, tzinfo=datetime.UTC)):
        report = published.report(title=NO_MEETING_TITLE, period_code=Q2, kind="annual")
    report.refresh_from_db()
    assert EMBARGOED_SHOWN in str(report.snapshot)  # it holds the committee's figures
    return report


def test_a_report_without_a_meeting_stays_hidden_until_the_committee_report_is_released(
    client, published, no_meeting
):
    with at(BEFORE):
        text = everything_public(client, published)
        assert_not_found(client, reverse("publishing:report", args=[no_meeting.pk]))
        for code in (Q2, "2026-27"):
            assert_not_found(client, reverse("publishing:period_data", args=[code, "json"]))
    assert_hidden(text, published.embargoed)
    assert NO_MEETING_TITLE not in text

    with at(AFTER):
        text = everything_public(client, published)
        assert client.get(reverse("publishing:report", args=[no_meeting.pk])).status_code == 200
    assert NO_MEETING_TITLE in text and EMBARGOED_SHOWN in text


def test_the_export_leaves_out_a_report_without_a_meeting_until_then(
    published, no_meeting, tmp_path
):
    with at(BEFORE):
        call_command("export_public_site", str(tmp_path / "site"), verbosity=0)

    text = "\n".join(
        (tmp_path / "site" / name).read_bytes().decode("utf-8", "replace")
        for name in exported_files(tmp_path / "site")
        if not name.endswith((".js", ".css"))
    )
    assert_hidden(text, published.embargoed)
    assert NO_MEETING_TITLE not in text


# --- what else holds a report back -------------------------------------------------------------


def test_a_later_publish_after_time_holds_a_report_back_after_its_meeting(client, published):
    held_until = AFTER + datetime.timedelta(hours=1)
    title = "Q2 update for the committee, held until the press briefing"
    with at(BEFORE - datetime.timedelta(days=1)):
        # Its meeting (1 September) has long begun; only "publish after" holds it.
        held = published.report(
            title=title, period_code=Q2, meeting=published.q1_meeting, publish_after=held_until
        )
        made_file(held)
    with at(BEFORE):
        text = everything_public(client, published)
        assert_not_found(client, reverse("publishing:report", args=[held.pk]))
        assert_not_found(client, reverse("publishing:download", args=[held.pk, "pdf"]))
    assert title not in text
    assert_hidden(text, published.embargoed)

    with at(held_until - datetime.timedelta(seconds=1)):
        assert title not in everything_public(client, published)
    with at(held_until):
        assert title in everything_public(client, published)
        assert client.get(reverse("publishing:report", args=[held.pk])).status_code == 200


def test_a_withdrawn_report_disappears_everywhere(client, published):
    with at(LATER):
        assert EMBARGOED_TITLE in everything_public(client, published)
        withdraw_report(published.embargoed, by=published.performance, reason="A figure was wrong")
    with at(LATER + datetime.timedelta(minutes=1)):
        text = everything_public(client, published)
        for address in embargoed_addresses(published.embargoed):
            assert_not_found(client, address)
    assert_hidden(text, published.embargoed)
    assert PUBLISHED_TITLE in text


def test_a_draft_never_appears(client, published):
    title = "Draft Q2 report nobody has approved"
    with at(BEFORE - datetime.timedelta(days=1)):
        draft = published.report(
            title=title, period_code=Q2, meeting=published.q1_meeting, approve=False
        )
    for moment in (BEFORE, LATER):
        with at(moment):
            text = everything_public(client, published)
            assert_not_found(client, reverse("publishing:report", args=[draft.pk]))
        assert title not in text
    # Before the approved Q2 report's meeting, the draft's figures are nowhere either.
    with at(BEFORE):
        assert_hidden(everything_public(client, published), published.embargoed)


def test_a_cancelled_meeting_holds_the_report_back_until_a_publication_time_is_set(
    client, published
):
    meeting = published.q2_meeting
    meeting.is_cancelled = True
    meeting.save()
    with at(LATER):
        text = everything_public(client, published)
        for address in embargoed_addresses(published.embargoed):
            assert_not_found(client, address)
    assert_hidden(text, published.embargoed)

    # The performance team sets a time to publish it without the meeting.
    with at(AFTER):
        hold_report(
            published.embargoed,
            by=published.performance,
            publish_after=LATER,
            reason="The meeting was cancelled; publish on Thursday",
        )
    with at(LATER - datetime.timedelta(seconds=1)):
        assert EMBARGOED_TITLE not in everything_public(client, published)
    with at(LATER):
        assert EMBARGOED_TITLE in everything_public(client, published)


def test_the_export_writes_every_page_of_a_paged_ambition_and_each_letter_of_the_a_to_z(
    published, tmp_path, monkeypatch
):
    monkeypatch.setattr("publishing.published.ROWS_ON_ONE_PAGE", 1)  # every list is split
    site = tmp_path / "site"
    with at(AFTER):
        call_command("export_public_site", str(site), verbosity=0)

    greener = site / "performance" / "scorecards" / Q2 / "greener"
    first = (greener / "index.html").read_text()
    second = (greener / "page-2" / "index.html").read_text()
    assert "page 1 of 2" in first and "page 2 of 2" in second
    assert ("RCY-01" in first) != ("RCY-01" in second)  # each row on one page of the two
    letters = site / "performance" / "indicators" / "letter"
    written = sorted(p.name for p in letters.iterdir() if (p / "index.html").exists())
    a_to_z = (site / "performance" / "indicators" / "index.html").read_text()
    assert written and all(f"/performance/indicators/letter/{x}/" in a_to_z for x in written)
    assert "RCY-01" in (letters / "h" / "index.html").read_text()  # Household waste recycled
