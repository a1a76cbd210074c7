"""What a committee paper says in words, shared by its PDF and Word versions.

Both files read the same content in the same order: the header block, the one-page summary,
the exceptions, a section per ambition, the appendices and "About this report". The wording
lives here once, so the two files cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reports.content import ReportContent, Row, Section, Timeliness, draft_exceptions_text
from status.direction import Direction
from status.numbers import format_value
from status.quality import Quality
from status.rag import Rag, RagRule

DRAFT_MARKER = "DRAFT – not for publication"

INDICATOR_HEADERS = (
    "Indicator",
    "Period",
    "Figure",
    "Target",
    "Status",
    "Direction of travel",
    "Variation and assurance",
    "Owner",
)
NUMERIC_COLUMNS = (2, 3)


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, with line breaks inside one kept as spaces."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    joined = (" ".join(line.strip() for line in block.splitlines()) for block in blocks)
    return [block.strip() for block in joined if block.strip()]


def long_date(day: date | None) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}" if day else ""


def short_date(iso: str | None) -> str:
    if not iso:
        return ""
    day = date.fromisoformat(iso[:10])
    return f"{day.day} {day:%B %Y}"


def meeting_date(content: ReportContent) -> str:
    return long_date(content.meeting_at.date()) if content.meeting_at else ""


def full_title(content: ReportContent) -> str:
    """The title with its period, unless the title already names it."""
    if content.period_label and content.period_label not in content.title:
        return f"{content.title}: {content.period_label}"
    return content.title


def document_title(content: ReportContent) -> str:
    """The title a PDF reader or Word shows in its title bar."""
    to = f" – {content.committee}" if content.committee else ""
    return f"{full_title(content)}{to} – {content.council}"


def header_facts(content: ReportContent) -> list[tuple[str, str]]:
    """The labelled lines at the top of a committee paper (empty ones left out)."""
    facts = [
        ("Report to", content.committee),
        ("Date of meeting", meeting_date(content)),
        ("Report of", content.report_of),
        ("Contact officer", content.contact),
        ("Period covered", content.period_label),
    ]
    return [(label, value) for label, value in facts if value]


def counts_sentence(statuses: dict[str, int]) -> str:
    """'7 indicators: 5 Green, 1 Amber and 1 Red.' (statuses with none left out)."""
    total = sum(statuses.values())
    parts = [f"{statuses[r.value]} {r.label}" for r in Rag if statuses.get(r.value)]
    noun = "indicator" if total == 1 else "indicators"
    if not parts:
        return f"{total} {noun}."
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"{total} {noun}: {listed}."


@dataclass(frozen=True)
class ExceptionList:
    """The indicators of one kind of exception, with the heading they are listed under."""

    kind: str
    heading: str
    rows: list[Row]


EXCEPTION_HEADINGS = {
    "red": "Red: outside the tolerance of their target",
    "worsening": "Worsening since the comparison period",
    "concerning": "Special cause variation of concern",
    "missing": "Missing: no figure by the deadline",
}

# The exceptions are a table per kind, each indicator on a row: a member reads down a column
# rather than through a paragraph of names and figures.
EXCEPTION_HEADERS = ("Indicator", "Figure", "Target", "Status", "Direction of travel", "Owner")
EXCEPTION_NUMERIC_COLUMNS = (1, 2)


def exception_lists(content: ReportContent) -> list[ExceptionList]:
    return [
        ExceptionList(kind=kind, heading=heading, rows=content.exception_rows(kind))
        for kind, heading in EXCEPTION_HEADINGS.items()
    ]


def exception_cells(row: Row) -> list[str]:
    """The row's cells under EXCEPTION_HEADERS, as plain text."""
    return [
        f"{row.code} {row.title}",
        figure_with_quality(row),
        target_text(row),
        row.rag_label,
        row.direction_label,
        row.owner,
    ]


def exceptions_commentary(content: ReportContent) -> list[str]:
    """The officer's words on the exceptions, as paragraphs; none when they are still the
    generated first draft, which only lists what the exceptions' tables show."""
    if content.exceptions_text == draft_exceptions_text(content):
        return []
    return paragraphs(content.exceptions_text)


def needing_attention(content: ReportContent) -> list[Row]:
    """Every indicator that is an exception of any kind, once, in report order."""
    codes = {code for found in exception_lists(content) for code in (r.code for r in found.rows)}
    return [row for row in content.rows() if row.code in codes]


def timeliness_lines(timeliness: Timeliness | None) -> list[str]:
    if timeliness is None:
        return ["No reporting cycle is linked to this period, so timeliness is not measured."]
    lines = [f"The period ended on {short_date(timeliness.period_end)}."]
    if timeliness.last_signoff:
        lines.append(
            f"The last figure was signed off on {short_date(timeliness.last_signoff)}: "
            f"{_days(timeliness.days_to_signoff)} after the end of the period."
        )
    else:
        lines.append("No figure has been signed off yet.")
    if timeliness.meeting:
        lines.append(
            f"The meeting on {short_date(timeliness.meeting)} is "
            f"{_days(timeliness.days_to_meeting)} after the end of the period."
        )
    return lines


def _days(days: int | None) -> str:
    if days is None:
        return "an unknown number of days"
    return f"{days} day{'s' if days != 1 else ''}"


# An indicator's line in a table


def figure_text(row: Row) -> str:
    return row.figure_shown or "No figure"


def target_text(row: Row) -> str:
    return row.target_shown or "No target"


def direction_detail(row: Row) -> str:
    """What the direction compares with: 'from 220 in Q1 2026/27 (previous period)'."""
    if not row.figure_shown:
        return "no figure to compare"
    if not row.comparison_shown:
        return f"no figure for the {row.comparison}"
    when = f" in {row.comparison_period}" if row.comparison_period else ""
    return f"from {row.comparison_shown}{when} ({row.comparison})"


def direction_text(row: Row) -> str:
    """'Improving from 220 in Q1 2026/27 (previous period)', or 'Not comparable: …'."""
    detail = direction_detail(row)
    joiner = " " if detail.startswith("from ") else ": "
    return f"{row.direction_label}{joiner}{detail}"


def quality_label(row: Row) -> str:
    """'Provisional' or 'Estimated', the marker beside a figure that is not final; '' else."""
    return row.quality.label if row.quality.is_marked else ""


def figure_with_quality(row: Row) -> str:
    """'575 (Provisional)': the figure with its marker, for a file that is only text."""
    label = quality_label(row)
    return f"{figure_text(row)} ({label})" if label else figure_text(row)


def indicator_cells(row: Row) -> list[str]:
    """The row's cells under INDICATOR_HEADERS, as plain text."""
    return [
        f"{row.code} {row.title}",
        row.period,
        figure_with_quality(row),
        target_text(row),
        row.rag_label,
        direction_text(row),
        spc_words(row),
        row.owner,
    ]


def spc_words(row: Row) -> str:
    """The SPC reading: the latest point's variation, then the assurance on the target."""
    if row.variation == row.assurance and row.variation.startswith("not_enough_data"):
        return row.variation_label
    return f"{row.variation_label}; {row.assurance_label.lower()}"


def figure_sentence(row: Row) -> str:
    """'237 against a target of 230 in Q2 2026/27. Improving from 220 in Q1 2026/27 (…).'"""
    when = f" in {row.period}" if row.period else ""
    if row.figure_shown:
        against = f" against a target of {row.target_shown}" if row.target_shown else ""
        marked = f" ({quality_label(row).lower()})" if quality_label(row) else ""
        figure = f"{row.figure_shown}{marked}{against}{when}."
    else:
        figure = f"No figure{when}."
    return f"{figure} {direction_text(row)}."


def notes(row: Row) -> list[tuple[str, list[str]]]:
    """The officer's words on the figure: commentary, reasons and actions, as paragraphs."""
    found = [
        ("Commentary", paragraphs(row.commentary)),
        ("Reasons", paragraphs(row.reasons)),
        ("Actions", paragraphs(row.actions)),
    ]
    return [(label, text) for label, text in found if text]


def recent_figures(row: Row, count: int = 6) -> str:
    """The last few figures of the series, in words, for a file without the chart."""
    recent = row.series[-count:]
    if not recent:
        return ""
    shown = "; ".join(f"{label}: {figure}" for label, figure in _shown_series(row, recent))
    return f"Recent figures – {shown}."


def _shown_series(row: Row, series: list[list[str]]) -> list[tuple[str, str]]:
    return [
        (label, format_value(Decimal(figure), row.precision, row.unit)) for label, figure in series
    ]


# Data quality


def qualities_of(rows: list[Row]) -> list[Quality]:
    """The marked qualities among `rows`, in a fixed order: what a footnote must explain."""
    found = {row.quality for row in rows}
    return [quality for quality in Quality if quality.is_marked and quality in found]


def quality_footnotes(qualities: list[Quality]) -> list[str]:
    """'Provisional: may change when final data are available.' for each marked quality."""
    return [f"{quality.label}: {quality.meaning}" for quality in qualities if quality.is_marked]


def data_quality_lead(content: ReportContent) -> str:
    """The data quality note's opening sentence: whether any figure is not final, and when."""
    count = len(content.data_quality_rows())
    approved = bool(content.approved_at)
    if not count:
        if approved:
            return "Every figure in this report was final when the report was approved."
        return "Every figure in this report is final."
    figures = "1 figure" if count == 1 else f"{count} figures"
    if approved:
        verb = "was" if count == 1 else "were"
        return (
            f"When this report was approved on {short_date(content.approved_at)}, {figures} "
            f"in it {verb} not final:"
        )
    verb = "is" if count == 1 else "are"
    return f"{figures} in this report {verb} not final:"


def data_quality_lines(content: ReportContent) -> list[str]:
    """Each figure that is not final, by indicator and period:
    'WST-04 Fly-tipping incidents, Q2 2026/27: 575 (provisional)'."""
    return [
        f"{row.code} {row.title}, {row.period}: {row.figure_shown} ({quality_label(row).lower()})"
        for row in content.data_quality_rows()
    ]


# About this report

TOLERANCE = (
    "its tolerance (a share of the target the council sets, unless the indicator or its target "
    "sets its own)"
)
RAG_RULE_WORDS = {
    RagRule.tolerance.label: (
        "Each figure is compared with its target. It is Green when it meets the target, Amber "
        f"when it misses by no more than {TOLERANCE}, and Red when it misses by more."
    ),
    RagRule.tolerance_and_trend.label: (
        "Each figure is compared with its target. It is Green when it meets the target or misses "
        f"by no more than {TOLERANCE}. Outside the tolerance it is Amber if it has improved on "
        "the same period last year, and Red if it has not."
    ),
}


def about_paragraphs(content: ReportContent) -> list[str]:
    rule = RAG_RULE_WORDS.get(content.rag_rule, "")
    built = short_date(content.built_at)
    approved = (
        f"It was approved by {content.approved_by} on {short_date(content.approved_at)}."
        if content.approved_at and content.approved_by
        else "It has not been approved: it is a draft and may change."
    )
    return [
        f"The council judges figures by the “{content.rag_rule}” rule. {rule} Figures are judged "
        "as they are shown, rounded to the indicator's decimal places as Excel rounds. An "
        "indicator with no target, or one that only describes demand, is Data only. A figure "
        "not yet due is Pending; one not given by the deadline is Missing.",
        "Direction of travel compares the figure with the previous period, or with the same "
        "period last year for figures that build up over the year or vary with the seasons. It "
        "says Improving or Worsening according to whether higher or lower is better for that "
        "indicator, and Increasing or Decreasing where neither is better. Not comparable means "
        "there is no figure to compare with.",
        "The charts are statistical process control charts (XmR charts, as in the NHS “Making "
        "Data Count” approach). The mean and the process limits show the range figures "
        "normally fall within. A point outside the limits, a run of seven or more on one side of "
        "the mean, a trend of six or more rising or falling, or two of three points close to a "
        "limit is special cause variation: something has changed, for better (improving) or "
        "worse (concerning). Otherwise the variation is common cause. Assurance says whether "
        "the target is consistently met, consistently missed, or hit and miss within the "
        "limits. A chart needs at least 12 figures.",
        "The counts of indicators by status are simple counts: there is no overall colour.",
        "Every figure is final unless it is marked. "
        + " ".join(quality_footnotes([Quality.provisional, Quality.estimated]))
        + " The data quality note in the summary lists the figures that are not final.",
        f"The figures were read on {built}. {approved}",
    ]


def appendix_heading(number: int, title: str) -> str:
    """'Appendix A: Risks' for the first appendix."""
    letter = chr(ord("A") + number) if number < 26 else str(number + 1)
    return f"Appendix {letter}: {title}"


def summary_narrative(content: ReportContent) -> list[tuple[str, list[str], str]]:
    """The one-page summary's three parts: each heading, the officer's narrative and a
    sentence of what the figures say (counts of the report's own rows, never made up)."""
    return [
        ("What is going well", paragraphs(content.going_well), _going_well_fact(content)),
        ("What is not going well", paragraphs(content.not_going_well), _not_well_fact(content)),
        ("What is being done", paragraphs(content.being_done), _being_done_fact(content)),
    ]


def _going_well_fact(content: ReportContent) -> str:
    total = sum(content.statuses.values())
    if not total:
        return ""
    green = content.statuses.get(Rag.green.value, 0)
    improving = content.directions.get(Direction.improving.value, 0)
    return (
        f"{green} of the {total} indicators {_is(green)} Green; {improving} {_is(improving)} "
        "improving."
    )


def _is(count: int) -> str:
    return "is" if count == 1 else "are"


def _not_well_fact(content: ReportContent) -> str:
    attention = needing_attention(content)
    if not attention:
        return "No indicator is Red, worsening, of concern or missing this period."
    kinds = [
        f"{len(found.rows)} {EXCEPTION_SHORT_NAMES[found.kind]}"
        for found in exception_lists(content)
        if found.rows
    ]
    listed = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
    noun = "indicator needs" if len(attention) == 1 else "indicators need"
    return f"{len(attention)} {noun} attention ({listed}); each is listed under Exceptions."


EXCEPTION_SHORT_NAMES = {
    "red": "Red",
    "worsening": "worsening",
    "concerning": "special cause of concern",
    "missing": "missing",
}


def _being_done_fact(content: ReportContent) -> str:
    attention = needing_attention(content)
    if not attention:
        return ""
    acted = sum(1 for row in attention if row.actions.strip())
    needing = f"{len(attention)} indicator{'s' if len(attention) != 1 else ''} needing attention"
    if not acted:
        return f"No actions are recorded yet for the {needing}."
    return (
        f"Officers have recorded actions for {acted} of the {needing}; they are given with "
        "each indicator in its section."
    )


def section_narrative(section: Section) -> list[tuple[str, list[str]]]:
    found = [
        ("Going well", paragraphs(section.going_well)),
        ("Not going well", paragraphs(section.not_going_well)),
        ("Being done", paragraphs(section.being_done)),
    ]
    return [(label, text) for label, text in found if text]
