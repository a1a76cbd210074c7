"""What a report says: its cover summary, sections and appendices, as plain data.

`build_content` reads the golden thread for the report's committee (or year, or area of
interest) and period through the scorecard read models. The result holds only strings,
numbers and lists, so it can be frozen as the report's snapshot on approval and read back
unchanged by every output (web page, PDF, Word, Excel) and by the public site.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from charts.spc import spc_chart
from charts.svg import Chart
from status.direction import Direction
from status.numbers import ordinal
from status.polarity import Polarity
from status.quality import Quality
from status.rag import Rag
from status.rollup import roll_up
from status.spc import Assurance, Variation, spc_reading

SNAPSHOT_VERSION = 1

CONCERNING = {Variation.concerning_high, Variation.concerning_low}

# Live figures in narrative: "[value:ASC-01]" becomes the figure when the report is built.
TOKEN = re.compile(
    r"\[(value|target|status|direction|period|last_year|quartile|rank):([A-Za-z0-9_.-]+)\]"
)
# Tokens that need the indicator to be compared with other councils (benchmarking).
COMPARED_TOKENS = frozenset({"quartile", "rank"})
NOT_COMPARED = "not compared with other councils"


@dataclass
class Row:
    """One indicator's line in a report, as it was judged for the report's period."""

    code: str
    title: str
    owner: str
    frequency: str
    unit: str
    precision: int
    polarity: str
    period: str  # the label of the indicator's own period the figure belongs to
    figure: str | None  # exact, as a decimal string
    figure_shown: str
    target: str | None
    lower: str | None
    upper: str | None
    target_shown: str
    rag: str
    direction: str
    comparison: str  # "previous period" or "same period last year"
    comparison_period: str
    comparison_shown: str
    last_year_shown: str
    variation: str
    assurance: str
    commentary: str = ""
    reasons: str = ""
    actions: str = ""
    ambitions: list[str] = field(default_factory=list)  # codes
    series: list[list[str]] = field(default_factory=list)  # [period label, figure]
    baseline: list[int] | None = None  # first and last position in the series
    # What the latest point's limits were compared with (its own period's target), and where
    # the series was cut into phases: [position in the series, reason].
    spc_target: str | None = None
    spc_lower: str | None = None
    spc_upper: str | None = None
    spc_cuts: list[list] = field(default_factory=list)
    # The definition in force for the period, so the published page can explain the figure.
    measures: str = ""
    purpose: str = ""
    calculation: str = ""
    source: str = ""
    # Final, provisional or estimated (status.quality.Quality); snapshots older than this
    # field read as final.
    data_quality: str = "final"
    # How it compares with other councils (benchmarking.compared.Compared as a dict), for an
    # indicator linked to a published statistic; None otherwise, and in older snapshots.
    compared: dict | None = None

    @property
    def rag_label(self) -> str:
        return Rag(self.rag).label

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).label

    @property
    def variation_label(self) -> str:
        return Variation(self.variation).label

    @property
    def assurance_label(self) -> str:
        return Assurance(self.assurance).label

    @property
    def is_concerning(self) -> bool:
        return Variation(self.variation) in CONCERNING

    @property
    def quality(self) -> Quality:
        return Quality(self.data_quality)

    def _decimal(self, text: str | None) -> Decimal | None:
        return Decimal(text) if text is not None else None

    def points(self) -> list[tuple[str, Decimal]]:
        return [(label, Decimal(figure)) for label, figure in self.series]

    def chart(self, *, width: int = 720, height: int = 320, paper: bool = False) -> Chart | None:
        """The indicator's SPC chart, redrawn from the frozen series (None without one);
        `paper`: drawn for a document (`spc_chart`)."""
        if not self.series:
            return None
        points = self.points()
        polarity = Polarity(self.polarity)
        target, lower, upper = map(self._decimal, (self.spc_target, self.spc_lower, self.spc_upper))
        reading = spc_reading(
            [value for _, value in points],
            polarity,
            baseline=tuple(self.baseline) if self.baseline else None,
            cuts=[position for position, _reason in self.spc_cuts],
        )
        return spc_chart(
            title=f"{self.title}: statistical process control chart",
            points=points,
            phases=reading.phases,
            recalculations=tuple(reason for _position, reason in self.spc_cuts),
            assurance=Assurance(self.assurance),
            polarity=polarity,
            unit=self.unit,
            precision=self.precision,
            target=target,
            lower=lower,
            upper=upper,
            frequency=self.frequency,
            width=width,
            height=height,
            paper=paper,
        )


@dataclass
class Section:
    """A part of the report: an ambition's indicators and narrative, or an area of interest."""

    title: str
    anchor: str
    rows: list[Row]
    statuses: dict[str, int]
    directions: dict[str, int]
    going_well: str = ""
    not_going_well: str = ""
    being_done: str = ""
    introduction: str = ""


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric_columns: list[int] = field(default_factory=list)


@dataclass
class Appendix:
    """A section another capability adds (risks, finance, change): text and tables."""

    title: str
    anchor: str
    introduction: str = ""
    tables: list[Table] = field(default_factory=list)


@dataclass
class Exceptions:
    """Indicator codes needing members' attention, per STATUS-RULES' exceptions."""

    red: list[str] = field(default_factory=list)
    worsening: list[str] = field(default_factory=list)
    concerning: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.red or self.worsening or self.concerning or self.missing)


@dataclass
class Timeliness:
    period_end: str  # ISO date
    last_signoff: str | None = None
    meeting: str | None = None
    days_to_signoff: int | None = None
    days_to_meeting: int | None = None


@dataclass
class ReportContent:
    kind: str
    kind_label: str
    title: str
    council: str
    council_code: str
    committee: str
    meeting_starts_at: str | None  # ISO datetime
    meeting_venue: str
    period_code: str
    period_label: str
    period_kind: str
    report_of: str
    contact: str
    purpose: str
    recommendations: str
    going_well: str
    not_going_well: str
    being_done: str
    exceptions_text: str
    area_text: str
    rag_rule: str
    statuses: dict[str, int]
    directions: dict[str, int]
    exceptions: Exceptions
    timeliness: Timeliness | None
    sections: list[Section]
    appendices: list[Appendix]
    built_at: str  # ISO datetime
    approved_by: str = ""
    approved_at: str | None = None
    version: int = SNAPSHOT_VERSION

    # Reading

    def rows(self) -> list[Row]:
        """Every indicator once, in the order of first appearance."""
        seen: dict[str, Row] = {}
        for section in self.sections:
            for row in section.rows:
                seen.setdefault(row.code, row)
        return list(seen.values())

    def row(self, code: str) -> Row | None:
        return next((row for row in self.rows() if row.code == code), None)

    def exception_rows(self, kind: str) -> list[Row]:
        return [row for code in getattr(self.exceptions, kind) if (row := self.row(code))]

    def data_quality_rows(self) -> list[Row]:
        """The data quality note: every figure in the report that is not final (provisional or
        estimated), in report order. An approved report's rows are its frozen snapshot, so
        these are the figures still provisional or estimated when it was approved."""
        return [row for row in self.rows() if row.quality.is_marked]

    @property
    def data_qualities(self) -> list[Quality]:
        """The marked qualities the report's footnote explains, in a fixed order."""
        found = {row.quality for row in self.data_quality_rows()}
        return [quality for quality in Quality if quality in found]

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        return _counts(Rag, self.statuses)

    @property
    def direction_counts(self) -> list[tuple[str, str, int]]:
        return _counts(Direction, self.directions)

    @property
    def meeting_at(self) -> datetime | None:
        if not self.meeting_starts_at:
            return None
        return timezone.localtime(datetime.fromisoformat(self.meeting_starts_at))

    @property
    def approved_on(self) -> datetime | None:
        if not self.approved_at:
            return None
        return timezone.localtime(datetime.fromisoformat(self.approved_at))

    # Freezing

    def to_snapshot(self) -> dict:
        return asdict(self)

    def snapshot_hash(self) -> str:
        return content_hash(self.to_snapshot())

    def reading_hash(self) -> str:
        """The hash of what a reader sees: the snapshot without when it was built or who
        approved it, so the same report read twice hashes the same."""
        reading = self.to_snapshot()
        for name in UNREAD_FIELDS:
            reading.pop(name, None)
        return content_hash(reading)

    @classmethod
    def from_snapshot(cls, data: dict) -> ReportContent:
        data = dict(data)
        data["exceptions"] = Exceptions(**data["exceptions"])
        data["timeliness"] = Timeliness(**data["timeliness"]) if data["timeliness"] else None
        data["sections"] = [
            Section(**{**s, "rows": [Row(**r) for r in s["rows"]]}) for s in data["sections"]
        ]
        data["appendices"] = [
            Appendix(**{**a, "tables": [Table(**t) for t in a["tables"]]})
            for a in data["appendices"]
        ]
        return cls(**data)


# Fields of the snapshot that record its making, not what the report says.
UNREAD_FIELDS = ("built_at", "approved_by", "approved_at")


def content_hash(snapshot: dict) -> str:
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _counts(choices, counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(slug, label, count) for every member, in declaration order."""
    return [(member.value, member.label, counts.get(member.value, 0)) for member in choices]


def roll_up_rows(rows: list[Row]) -> tuple[dict[str, int], dict[str, int]]:
    summary = roll_up([Rag(r.rag) for r in rows], [Direction(r.direction) for r in rows])
    return (
        {status.value: n for status, n in summary.statuses.items()},
        {direction.value: n for direction, n in summary.directions.items()},
    )


def exceptions_of(rows: list[Row]) -> Exceptions:
    return Exceptions(
        red=[r.code for r in rows if r.rag == Rag.red],
        worsening=[r.code for r in rows if r.direction == Direction.worsening],
        concerning=[r.code for r in rows if r.is_concerning],
        missing=[r.code for r in rows if r.rag == Rag.missing],
    )


# Narrative tokens


def token_problems(text: str, codes: set[str], compared: set[str] | None = None) -> list[str]:
    """Tokens in `text` naming indicators that are not in the report, or (given `compared`,
    the codes of those compared with other councils) asking where an indicator that is not
    compared stands."""
    problems = []
    for match in TOKEN.finditer(text):
        what, code = match.groups()
        if code not in codes:
            problems.append(f"{match.group(0)} names {code}, which is not in this report")
        elif compared is not None and what in COMPARED_TOKENS and code not in compared:
            problems.append(
                f"{match.group(0)} names {code}, which is not compared with other councils: "
                "link it to a published statistic on its framework page first"
            )
    return problems


def fill_tokens(text: str, rows: dict[str, Row]) -> str:
    """Replace each token with the live figure it names (left as typed if unknown)."""

    def value_of(match: re.Match) -> str:
        what, code = match.groups()
        row = rows.get(code)
        if row is None:
            return match.group(0)
        match what:
            case "value":
                return row.figure_shown or "no figure"
            case "target":
                return row.target_shown or "no target"
            case "status":
                return row.rag_label
            case "direction":
                return row.direction_label.lower()
            case "period":
                return row.period
            case "quartile":
                return row.compared["quartile_label"].lower() if row.compared else NOT_COMPARED
            case "rank":
                compared = row.compared
                if not compared:
                    return NOT_COMPARED
                return f"{ordinal(compared['rank'])} of {compared['of']}"
            case _:
                return row.last_year_shown or "no figure"

    return TOKEN.sub(value_of, text)


def draft_exceptions_text(content: ReportContent) -> str:
    """A first draft of the exceptions narrative, for an officer to edit."""
    paragraphs = []

    def names(rows: list[Row], with_figures: bool) -> str:
        parts = []
        for row in rows:
            if with_figures and row.figure_shown:
                against = f" against a target of {row.target_shown}" if row.target_shown else ""
                parts.append(f"{row.title} ({row.code}): {row.figure_shown}{against}")
            else:
                parts.append(f"{row.title} ({row.code})")
        return "; ".join(parts)

    for kind, lead, with_figures in (
        ("red", "{n} Red: ", True),
        ("worsening", "{n} worsening since the comparison period: ", True),
        ("concerning", "{n} showing special cause variation of concern: ", False),
        ("missing", "{n} missing, with no figure by the deadline: ", False),
    ):
        rows = content.exception_rows(kind)
        if rows:
            count = f"{len(rows)} indicator{'s are' if len(rows) != 1 else ' is'}"
            paragraphs.append(lead.format(n=count) + names(rows, with_figures) + ".")
    if not paragraphs:
        return "No indicator is Red, worsening, of concern or missing this period."
    return "\n\n".join(paragraphs)


def local_iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def iso_day(day: date | None) -> str | None:
    return day.isoformat() if day else None
