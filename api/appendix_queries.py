"""What the appendix endpoints answer: a released report's appendices (risks, finance, change,
how we compare with other councils), read from the report's snapshot only.

An appendix is what the report froze on approval, never the registers as they are now: a
risk reviewed since, or a budget changed, shows in the next report, not in this one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from api.queries import Links, appendix_link, report_link
from publishing.published import Publication, PublishedReport
from reports.content import Appendix, Table
from scorecards.exports import figure_safe, formula_safe


@dataclass(frozen=True)
class PublishedAppendix:
    report: PublishedReport
    appendix: Appendix

    def table(self, number: int) -> Table | None:
        """The appendix's table by its number, from 1."""
        tables = self.appendix.tables
        return tables[number - 1] if 1 <= number <= len(tables) else None


def appendices(publication: Publication, pk: int) -> list[PublishedAppendix] | None:
    """A released report's appendices in the report's order; None if it is not released."""
    report = publication.report(pk)  # its snapshot, from the cache or in one query
    if report is None:
        return None
    return [PublishedAppendix(report, appendix) for appendix in report.content.appendices]


def appendix(publication: Publication, pk: int, anchor: str) -> PublishedAppendix | None:
    return next((a for a in appendices(publication, pk) or [] if a.appendix.anchor == anchor), None)


def appendix_resources(found: Sequence[PublishedAppendix], links: Links) -> list[dict]:
    resources = []
    for published in found:
        report, appendix = published.report, published.appendix
        resources.append(
            {
                **appendix_link(report, appendix, links),
                "introduction": appendix.introduction,
                "tables": [
                    {
                        "number": number,
                        "caption": table.caption,
                        "headers": table.headers,
                        "rows": table.rows,
                        "numeric_columns": table.numeric_columns,
                        "csv_url": links.api(
                            "appendix", report.pk, appendix.anchor, format="csv", table=number
                        ),
                    }
                    for number, table in enumerate(appendix.tables, start=1)
                ],
                "report": report_link(report, links),
            }
        )
    return resources


def table_as_csv(table: Table) -> str:
    """One table as CSV, its headings the header row, in the open data files' form (UTF-8,
    CRLF). Every cell is guarded against spreadsheet formulas, as the report's own exports
    do: a figure keeps its sign ("-45,679"), any other text starting with "=", "+", "-" or
    "@" is written after an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([formula_safe(heading) for heading in table.headers])
    figures = set(table.numeric_columns)
    for row in table.rows:
        writer.writerow(
            [
                figure_safe(cell) if column in figures else formula_safe(cell)
                for column, cell in enumerate(row)
            ]
        )
    return out.getvalue()
