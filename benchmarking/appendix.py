"""A report's benchmarking appendix: where the council stands among other councils for each
indicator in the report that is compared with a published statistic, with the source."""

from __future__ import annotations

from indicators.models import Indicator
from organisation.models import Council
from reports.appendices import AppendixRequest
from reports.content import Appendix, Table

from .compared import compared_for

HEADERS = [
    "Indicator",
    "Period",
    "Our figure",
    "Rank",
    "Quartile",
    "Group median",
    "Compared with",
]


def benchmarking_appendix(request: AppendixRequest) -> Appendix | None:
    """None when no indicator in the report is compared, or none has a published position
    by the end of the report's period."""
    council = Council.objects.first()
    indicators = dict(
        Indicator.objects.filter(code__in=request.indicator_codes).values_list("pk", "code")
    )
    compared = compared_for(indicators, council=council, ends_by=request.period.ends_on)
    if not compared:
        return None
    rows = sorted(
        ((indicators[pk], found) for pk, found in compared.items()), key=lambda item: item[0]
    )
    sources = sorted({(c.source, c.publisher, c.licence, c.url) for _code, c in rows})
    return Appendix(
        title="How we compare with other councils",
        anchor="how-we-compare",
        introduction=(
            "Where the council stands among other councils for the indicators in this report "
            "that are compared with a published statistic, in the latest published period "
            f"that had ended by {request.period.ends_on.day} {request.period.ends_on:%B %Y}. "
            "Rank 1 is the best; the quartile is of the comparator group, best first. Our "
            "figure is our own signed-off year value where we have one, else the figure "
            "published for our area. The figures come from "
            + "; ".join(
                f"{source}, {publisher} ({licence}{', ' + url if url else ''})"
                for source, publisher, licence, url in sources
            )
            + "."
        ),
        tables=[
            Table(
                caption="Indicators compared with other councils",
                headers=HEADERS,
                rows=[
                    [
                        f"{code}: {c.metric_title}",
                        c.period,
                        f"{c.figure_shown} ({c.figure_source})",
                        c.rank_label,
                        c.quartile_label,
                        c.median_shown,
                        c.group + (f". {c.definition_note}" if c.definition_note else ""),
                    ]
                    for code, c in rows
                ],
                numeric_columns=[2, 5],
            )
        ],
    )
