"""What the public may see at one moment: the released reports and the figures frozen in them.

Everything on the public site and in the open data is read from here, and everything here is
read from `reports.publication.released_reports(now)` and the snapshots those reports froze on
approval. Nothing is read from live figures: a draft, an approved report still under embargo
and a withdrawn report contribute nothing, not even the fact that an indicator exists.

A `Publication` is built once per request (one query for the released reports, one for any
snapshots not yet in the cache) and answers every question a public page asks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from django.core.cache import cache
from django.db.models import Max, Prefetch

from charts.svg import Chart
from reports.content import ReportContent, Row, Section, roll_up_rows
from reports.models import Report, ReportKind, ReportState
from reports.outputs.paper import data_quality_lead
from reports.publication import release_times, released_reports
from status.direction import Direction
from status.rag import Rag
from strategy.models import Ambition, Outcome

CACHE_PREFIX = "publishing:content"
CACHE_SECONDS = 7 * 24 * 60 * 60  # a snapshot never changes under its hash
UNLINKED = "Not linked to an ambition"
# The address of a period's indicators linked to no ambition, as an ambition's code would be
# (an ambition given that code keeps its own page).
NOT_LINKED = "not-linked"
# A scorecard of more rows than this lists each ambition's indicators on the ambition's own
# page, and only how they stand on its own (a county's would otherwise be 2 MiB of table);
# an ambition's page shows this many rows a page.
ROWS_ON_ONE_PAGE = 150

# The order reports are listed in, with their headings on the public site.
KIND_HEADINGS = (
    (ReportKind.COMMITTEE, "Quarterly performance reports"),
    (ReportKind.ANNUAL, "Annual performance reports"),
    (ReportKind.AREA, "Reports on areas of interest"),
)


@dataclass(frozen=True)
class PublishedPeriod:
    code: str
    label: str
    kind: str  # "quarter" or "financial_year"
    starts_on: date
    ends_on: date

    @property
    def is_quarter(self) -> bool:
        return self.kind == "quarter"

    @property
    def kind_label(self) -> str:
        return "Quarter" if self.is_quarter else "Financial year"

    @property
    def order_key(self) -> tuple[date, date]:
        # Latest first; a year's fourth quarter before the year that ends with it.
        return (self.ends_on, self.starts_on)


@dataclass
class PublishedReport:
    """A released report: the model (its snapshot left in the database) and its content."""

    report: Report
    released_at: datetime
    period: PublishedPeriod
    content: ReportContent | None = None  # filled in by Publication when a page needs it

    @property
    def pk(self) -> int:
        return self.report.pk

    @property
    def kind(self) -> str:
        return self.report.kind

    @property
    def kind_label(self) -> str:
        return self.report.get_kind_display()

    @property
    def title(self) -> str:
        return self.report.title

    @property
    def name(self) -> str:
        """The title, with the period and committee where the title leaves them out: councils
        give every quarter's report the same title."""
        name = self.title
        if self.period.label not in name:
            name = f"{name}: {self.period.label}"
        if self.committee_name and self.committee_name not in name:
            name = f"{name} – {self.committee_name}"
        return name

    @property
    def committee_name(self) -> str:
        return self.report.committee.name if self.report.committee else ""

    @property
    def meeting_starts_at(self) -> datetime | None:
        return self.report.meeting.starts_at if self.report.meeting else None


@dataclass(frozen=True)
class PublishedRow:
    """One indicator's frozen line, the released report it came from and that report's period."""

    row: Row
    report: PublishedReport
    period: PublishedPeriod

    @property
    def code(self) -> str:
        return self.row.code


@dataclass(frozen=True)
class Counts:
    """Roll-up counts of rows by status and by direction (never an averaged colour)."""

    statuses: list[tuple[str, str, int]]  # (slug, label, count) for every status
    directions: list[tuple[str, str, int]]
    total: int

    @classmethod
    def of(cls, rows: list[Row]) -> Counts:
        statuses, directions = roll_up_rows(rows)
        return cls(
            statuses=[(s.value, s.label, statuses.get(s.value, 0)) for s in Rag],
            directions=[(d.value, d.label, directions.get(d.value, 0)) for d in Direction],
            total=len(rows),
        )

    def count(self, status: str) -> int:
        return next(n for slug, _, n in self.statuses if slug == status)

    @property
    def green(self) -> int:
        return self.count(Rag.green)

    @property
    def amber(self) -> int:
        return self.count(Rag.amber)

    @property
    def red(self) -> int:
        return self.count(Rag.red)

    @property
    def rag_total(self) -> int:
        return sum(self.count(s) for s in (Rag.green, Rag.amber, Rag.red))

    @property
    def without_rag(self) -> int:
        """Indicators with no Green, Amber or Red: data only, pending or missing."""
        return self.total - self.rag_total

    @property
    def direction_summary(self) -> str:
        """Counts by direction in words, leaving out the directions no indicator has."""
        parts = [f"{label.lower()} {n}" for _, label, n in self.directions if n]
        return "; ".join(parts) if parts else "none"

    @property
    def share_on_target(self) -> Decimal | None:
        """Green ÷ (Green + Amber + Red); None when no indicator has a target."""
        return Decimal(self.count(Rag.green)) / self.rag_total if self.rag_total else None


@dataclass(frozen=True)
class PublicSection:
    """An ambition's indicators on a public scorecard (or those linked to no ambition)."""

    code: str  # the ambition's code; "" for the indicators linked to none
    title: str
    description: str
    rows: list[PublishedRow]
    counts: Counts
    narrative: Section | None  # the report section carrying the ambition's narrative

    @property
    def anchor(self) -> str:
        return f"ambition-{self.code}" if self.code else NOT_LINKED

    @property
    def address(self) -> str:
        """What stands for the ambition's code in the address of its own page."""
        return self.code or NOT_LINKED

    @property
    def pages(self) -> int:
        """How many pages its own page takes, `ROWS_ON_ONE_PAGE` rows each."""
        return max(1, -(-len(self.rows) // ROWS_ON_ONE_PAGE))

    @property
    def lines(self) -> list[Row]:
        return [r.row for r in self.rows]

    @property
    def has_narrative(self) -> bool:
        n = self.narrative
        return bool(n and (n.going_well or n.not_going_well or n.being_done))


@dataclass(frozen=True)
class PublicScorecard:
    period: PublishedPeriod
    reports: list[PublishedReport]  # the released reports for the period, latest approved first
    sections: list[PublicSection]
    rows: list[PublishedRow]  # every indicator once
    counts: Counts

    def section(self, address: str) -> PublicSection | None:
        """The section of the ambition of this code, else (`NOT_LINKED`) of the indicators
        linked to none."""
        found = next((s for s in self.sections if s.code and s.code == address), None)
        if found is None and address == NOT_LINKED:
            found = next((s for s in self.sections if not s.code), None)
        return found

    @property
    def linked_total(self) -> int:
        """Indicators linked to at least one ambition (the rest are "not linked")."""
        return sum(1 for r in self.rows if r.row.ambitions)

    @property
    def unlinked_total(self) -> int:
        return self.counts.total - self.linked_total


@dataclass(frozen=True)
class IndicatorEntry:
    """An indicator in the A to Z: its latest published line."""

    code: str
    title: str
    latest: PublishedRow


DIGITS = "0–9"  # the A to Z's heading for titles that begin with anything but a letter


@dataclass(frozen=True)
class Letter:
    """The A to Z's indicators whose titles begin with one letter (or not with a letter)."""

    name: str  # "A", or `DIGITS`
    entries: list[IndicatorEntry]

    @property
    def address(self) -> str:
        """What stands for the letter in the address of its own page."""
        return "0-9" if self.name == DIGITS else self.name.lower()


def by_letter(entries: list[IndicatorEntry]) -> list[Letter]:
    """The A to Z's entries by the first letter of their titles, letters in order."""
    letters: dict[str, list[IndicatorEntry]] = {}
    for entry in entries:
        first = entry.title[:1].upper()
        letters.setdefault(first if first.isalpha() else DIGITS, []).append(entry)
    return [Letter(name, letters[name]) for name in sorted(letters)]


@dataclass(frozen=True)
class PublicIndicator:
    code: str
    latest: PublishedRow  # the latest released line: its chart and series
    readings: list[PublishedRow]  # one per published period, latest first
    ambitions: list[tuple[str, str]]  # (code, title)

    @property
    def title(self) -> str:
        return self.latest.row.title


class Publication:
    """The public view of the council's performance at `now`."""

    def __init__(self, now: datetime):
        self.now = now
        reports = list(released_reports(now).defer("snapshot"))
        released_at = release_times(reports)
        self.reports: list[PublishedReport] = [
            PublishedReport(report=r, released_at=released_at[r.pk], period=_period_of(r))
            for r in reports
        ]

    # Identity, for HTTP caching

    @cached_property
    def ambitions(self) -> list[Ambition]:
        # With each one's plan and outcomes, which the API gives beside it (two queries).
        outcomes = Outcome.objects.order_by("order", "title").only(
            "code", "title", "description", "order", "ambition_id"
        )
        return list(
            Ambition.objects.select_related("plan")
            .order_by("order", "title")
            .only(
                "code",
                "title",
                "description",
                "order",
                "plan__title",
                "plan__kind",
                "plan__starts_on",
                "plan__ends_on",
            )
            .prefetch_related(Prefetch("outcomes", queryset=outcomes))
        )

    def fingerprint(self) -> str:
        """Changes whenever anything public changes: a report released, withdrawn or
        replaced, an ambition renamed or reordered, its plan or its outcomes changed."""
        parts = [f"{r.pk}:{r.report.snapshot_hash}" for r in self.reports]
        parts += [f"{a.code}:{a.order}:{a.title}:{a.description}" for a in self.ambitions]
        parts += [
            f"{a.code}:plan:{a.plan.title}:{a.plan.kind}:{a.plan.starts_on}:{a.plan.ends_on}"
            for a in self.ambitions
        ]
        parts += [
            f"{a.code}:outcome:{o.code}:{o.title}:{o.description}"
            for a in self.ambitions
            for o in a.outcomes.all()
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]

    def last_modified(self) -> datetime | None:
        """The latest release or withdrawal: a withdrawal changes the site too."""
        moments = [r.released_at for r in self.reports]
        withdrawn = Report.objects.filter(
            state=ReportState.WITHDRAWN, withdrawn_at__lte=self.now
        ).aggregate(latest=Max("withdrawn_at"))["latest"]
        if withdrawn is not None:
            moments.append(withdrawn)
        return max(moments) if moments else None

    # Reports

    def load(self, reports: list[PublishedReport]) -> list[PublishedReport]:
        """Fill in the content of `reports` from the cache, reading any missing snapshots in
        one query."""
        wanted = {_cache_key(r): r for r in reports if r.content is None}
        if not wanted:
            return reports
        for key, content in cache.get_many(list(wanted)).items():
            wanted.pop(key).content = content
        if wanted:
            by_pk = {r.pk: r for r in wanted.values()}
            fresh = {}
            for pk, snapshot in Report.objects.filter(pk__in=by_pk).values_list("pk", "snapshot"):
                published = by_pk[pk]
                published.content = ReportContent.from_snapshot(snapshot)
                fresh[_cache_key(published)] = published.content
            cache.set_many(fresh, CACHE_SECONDS)
        return reports

    def report(self, pk: int) -> PublishedReport | None:
        found = next((r for r in self.reports if r.pk == pk), None)
        return self.load([found])[0] if found else None

    def reports_by_kind(self) -> list[tuple[str, str, list[PublishedReport]]]:
        """(kind, heading, reports) for each kind with a released report, latest first."""
        grouped = []
        for kind, heading in KIND_HEADINGS:
            of_kind = [r for r in self.reports if r.kind == kind]
            if of_kind:
                grouped.append((kind.value, heading, of_kind))
        return grouped

    def latest_reports(self, count: int = 3) -> list[PublishedReport]:
        return sorted(self.reports, key=lambda r: r.released_at, reverse=True)[:count]

    # Periods and scorecards

    def periods(self) -> list[PublishedPeriod]:
        """Every period a released report covers, latest first."""
        unique = {r.period.code: r.period for r in self.reports}
        return sorted(unique.values(), key=lambda p: p.order_key, reverse=True)

    def quarters(self) -> list[PublishedPeriod]:
        return [p for p in self.periods() if p.is_quarter]

    def years(self) -> list[PublishedPeriod]:
        return [p for p in self.periods() if not p.is_quarter]

    def period(self, code: str) -> PublishedPeriod | None:
        return next((p for p in self.periods() if p.code == code), None)

    def latest_period(self) -> PublishedPeriod | None:
        """The latest published quarter (else the latest published year)."""
        return next(iter(self.quarters() or self.periods()), None)

    def reports_for(self, period: PublishedPeriod) -> list[PublishedReport]:
        """The period's released reports, the latest approved first: where two reports hold
        the same indicator, the later approval is the one shown."""
        of_period = [r for r in self.reports if r.period.code == period.code]
        return sorted(of_period, key=lambda r: (r.report.approved_at, r.pk), reverse=True)

    def rows_for(self, period: PublishedPeriod) -> list[PublishedRow]:
        """Every indicator published for the period, once, by code."""
        merged: dict[str, PublishedRow] = {}
        for report in self.load(self.reports_for(period)):
            for row in report.content.rows():
                merged.setdefault(row.code, PublishedRow(row, report, period))
        return [merged[code] for code in sorted(merged)]

    def scorecard(self, period_code: str) -> PublicScorecard | None:
        period = self.period(period_code)
        if period is None:
            return None
        reports = self.reports_for(period)
        rows = self.rows_for(period)
        return PublicScorecard(
            period=period,
            reports=reports,
            sections=self._sections(rows, reports),
            rows=rows,
            counts=Counts.of([r.row for r in rows]),
        )

    def _sections(
        self, rows: list[PublishedRow], reports: list[PublishedReport]
    ) -> list[PublicSection]:
        known = {a.code: a for a in self.ambitions}
        # An ambition since removed keeps the title its report gave it.
        report_sections = {}
        for report in reports:
            for section in report.content.sections:
                if section.anchor.startswith("ambition-"):
                    report_sections.setdefault(section.anchor.removeprefix("ambition-"), section)
        codes = [a.code for a in self.ambitions]
        codes += sorted({c for r in rows for c in r.row.ambitions if c not in known})
        sections = []
        for code in codes:
            in_ambition = [r for r in rows if code in r.row.ambitions]
            if not in_ambition:
                continue
            ambition = known.get(code)
            narrative = report_sections.get(code)
            sections.append(
                PublicSection(
                    code=code,
                    title=ambition.title if ambition else narrative.title if narrative else code,
                    description=ambition.description if ambition else "",
                    rows=in_ambition,
                    counts=Counts.of([r.row for r in in_ambition]),
                    narrative=narrative,
                )
            )
        unlinked = [r for r in rows if not r.row.ambitions]
        if unlinked:
            sections.append(
                PublicSection(
                    code="",
                    title=UNLINKED,
                    description="",
                    rows=unlinked,
                    counts=Counts.of([r.row for r in unlinked]),
                    narrative=None,
                )
            )
        return sections

    def periods_with(self, ambition_code: str) -> list[PublishedPeriod]:
        """The published periods in which the ambition has indicators."""
        self.load(self.reports)
        periods = self.periods()
        if ambition_code == NOT_LINKED and not any(
            ambition_code in r.row.ambitions for p in periods for r in self.rows_for(p)
        ):  # no ambition has the code: the indicators linked to none
            return [p for p in periods if any(not r.row.ambitions for r in self.rows_for(p))]
        return [
            p for p in periods if any(ambition_code in r.row.ambitions for r in self.rows_for(p))
        ]

    # Indicators

    @cached_property
    def _rows_by_code(self) -> dict[str, list[PublishedRow]]:
        """Every indicator's published lines, one per period, latest period first."""
        by_code: dict[str, list[PublishedRow]] = {}
        self.load(self.reports)  # every snapshot, in one query at most
        for period in self.periods():
            for published in self.rows_for(period):
                by_code.setdefault(published.code, []).append(published)
        return by_code

    def indicators(self) -> list[IndicatorEntry]:
        """Every indicator with a published figure, A to Z by title."""
        entries = [
            IndicatorEntry(code=code, title=rows[0].row.title, latest=rows[0])
            for code, rows in self._rows_by_code.items()
        ]
        return sorted(entries, key=lambda e: (e.title.casefold(), e.code))

    def letters(self) -> list[Letter]:
        return by_letter(self.indicators())

    def a_to_z_by_letter(self) -> bool:
        """Whether the A to Z is too long for one page: each letter then has a page of its
        own (a county's would otherwise be 2,000 rows)."""
        return len(self._rows_by_code) > ROWS_ON_ONE_PAGE

    def indicator(self, code: str) -> PublicIndicator | None:
        readings = self._rows_by_code.get(code)
        if not readings:
            return None
        latest = readings[0]
        titles = {a.code: a.title for a in self.ambitions}
        return PublicIndicator(
            code=code,
            latest=latest,
            readings=readings,
            ambitions=[(c, titles.get(c, c)) for c in latest.row.ambitions],
        )


# Reading one report


@dataclass(frozen=True)
class ReportSection:
    section: Section
    counts: Counts
    charts: list[Chart]  # SPC charts of the section's indicators showing variation of concern


def report_sections(content: ReportContent) -> list[ReportSection]:
    """Each section of a report with its roll-up, and the SPC charts of its indicators showing
    variation of concern, each charted once, where it first appears. (Every indicator's own
    page has its chart; charting them all would make a report too heavy to read on a phone.)"""
    concerning = set(content.exceptions.concerning)
    charted: set[str] = set()
    sections = []
    for section in content.sections:
        charts = []
        for row in section.rows:
            if row.code in concerning and row.code not in charted and row.series:
                charted.add(row.code)
                charts.append(row.chart())
        sections.append(ReportSection(section, Counts.of(section.rows), charts))
    return sections


EXCEPTION_HEADINGS = (
    ("red", "Red: outside the tolerance of the target"),
    ("worsening", "Worsening since the comparison period"),
    ("concerning", "Special cause variation of concern"),
    ("missing", "No figure by the deadline"),
)


def exception_groups(content: ReportContent) -> list[tuple[str, str, list[Row]]]:
    """(kind, heading, rows) for each kind of exception, as STATUS-RULES defines them."""
    return [(kind, heading, content.exception_rows(kind)) for kind, heading in EXCEPTION_HEADINGS]


def document_context(content: ReportContent) -> dict:
    """What `publishing/_report_document.html` needs to show a report's content."""
    return {
        "content": content,
        "counts": Counts.of(content.rows()),
        "sections": report_sections(content),
        "exception_groups": exception_groups(content),
        "data_quality_lead": data_quality_lead(content),
    }


def _period_of(report: Report) -> PublishedPeriod:
    p = report.period
    return PublishedPeriod(
        code=p.code, label=p.label, kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on
    )


def _cache_key(report: PublishedReport) -> str:
    return f"{CACHE_PREFIX}:{report.pk}:{report.report.snapshot_hash}"
