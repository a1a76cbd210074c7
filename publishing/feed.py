"""The Atom feed of published reports, and the sitemap of public addresses."""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from publishing.addresses import DATA, PAGE, public_addresses
from publishing.published import Publication
from scorecards.exports import xml_text

FEED_SIZE = 50


def _summary(report) -> str:
    content = report.content
    parts = [
        content.purpose,
        content.going_well and f"What is going well: {content.going_well}",
        content.not_going_well and f"What is not going well: {content.not_going_well}",
    ]
    text = " ".join(p for p in parts if p)
    if report.committee_name and report.meeting_starts_at:
        text = (
            f"Received by {report.committee_name} on {report.meeting_starts_at:%-d %B %Y}. {text}"
        ).strip()
    return text or report.title


def atom_feed(
    publication: Publication, *, absolute: Callable[[str], str], council_name: str
) -> bytes:
    """The latest released reports, newest release first. Text a feed cannot hold (control
    characters pasted into a title) is left out rather than failing the whole feed."""
    council_name = xml_text(council_name)
    feed = Atom1Feed(
        title=f"{council_name}: published performance reports",
        link=absolute(reverse("publishing:reports")),
        description="Performance reports published by the council, newest first.",
        feed_url=absolute(reverse("publishing:feed")),
        language="en-GB",
        feed_guid=absolute(reverse("publishing:feed")),
        author_name=council_name,
    )
    reports = publication.latest_reports(FEED_SIZE)
    for report in publication.load(reports):
        link = absolute(reverse("publishing:report", args=[report.pk]))
        feed.add_item(
            title=xml_text(report.name),
            link=link,
            description=xml_text(_summary(report)),
            unique_id=link,
            pubdate=report.released_at,
            updateddate=report.released_at,
            categories=[xml_text(report.kind_label), xml_text(report.period.label)],
        )
    return feed.writeString("utf-8").encode()


def sitemap(publication: Publication, *, absolute: Callable[[str], str]) -> str:
    """Every public page and data file; report downloads are reached from their pages."""
    entries = [
        (absolute(a.path), a.modified)
        for a in public_addresses(publication)
        if a.kind in (PAGE, DATA)
    ]
    return render_to_string("publishing/sitemap.xml", {"entries": entries})
