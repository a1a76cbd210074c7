"""Every public address at one moment: for the sitemap and for exporting the site as files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from publishing.published import Publication
from reports.models import OutputFormat
from reports.reporting import current_output, current_outputs

PAGE, DATA, DOWNLOAD, META = "page", "data", "download", "meta"


@dataclass(frozen=True)
class Address:
    path: str
    kind: str  # PAGE, DATA, DOWNLOAD or META
    modified: datetime | None = None


def downloads(report, files: dict | None = None) -> list[tuple[str, str, object]]:
    """(format, label, output) for each of a released report's files that has been made;
    `files` is `current_outputs` of many reports, read once."""
    found = []
    for output_format in OutputFormat:
        if files is None:
            output = current_output(report, output_format)
        else:
            output = files.get((report.pk, output_format.value))
        if output is not None and output.file:
            found.append((output_format.value, output_format.label, output))
    return found


def public_addresses(publication: Publication) -> list[Address]:
    latest = publication.last_modified()

    def page(name, *args, modified=None):
        return Address(reverse(f"publishing:{name}", args=args), PAGE, modified or latest)

    def data(name, *args, modified=None):
        return Address(reverse(f"publishing:{name}", args=args), DATA, modified or latest)

    found = [
        page("home"),
        page("scorecards"),
        page("indicators"),
        page("reports"),
        page("data"),
        page("accessibility"),
        data("schema"),
    ]
    if publication.a_to_z_by_letter():
        found += [page("indicators_letter", letter.address) for letter in publication.letters()]
    for period in publication.periods():
        scorecard = publication.scorecard(period.code)
        released = max(r.released_at for r in scorecard.reports)
        found.append(page("scorecard", period.code, modified=released))
        for section in scorecard.sections:
            found.append(page("ambition", period.code, section.address, modified=released))
            found += [
                page("ambition_page", period.code, section.address, number, modified=released)
                for number in range(2, section.pages + 1)
            ]
        found += [
            data("period_data", period.code, extension, modified=released)
            for extension in ("csv", "json")
        ]
    for entry in publication.indicators():
        released = entry.latest.report.released_at
        found.append(page("indicator", entry.code, modified=released))
        found += [
            data("indicator_data", entry.code, extension, modified=released)
            for extension in ("csv", "json")
        ]
    files = current_outputs([report.report for report in publication.reports])
    for report in publication.reports:
        found.append(page("report", report.pk, modified=report.released_at))
        found += [
            Address(
                reverse("publishing:download", args=[report.pk, output_format]),
                DOWNLOAD,
                report.released_at,
            )
            for output_format, _, _ in downloads(report.report, files)
        ]
    found += [
        Address(reverse("publishing:sitemap"), META, latest),
        Address(reverse("publishing:feed"), META, latest),
    ]
    return found
