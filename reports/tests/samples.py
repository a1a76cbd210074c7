"""A small report's content built by hand, for testing its files without a database.

Two sections of two indicators each: GRN-01 Amber (recycling, with a chart), GRN-02 Red and
worsening with special cause variation of concern (fly-tipping, with reasons and actions),
RES-01 Missing (no figure), RES-02 Green with no series (no chart). One appendix with a table.
The narrative's tokens are already filled, as `build_content` leaves them.
"""

from __future__ import annotations

from reports.content import (
    Appendix,
    ReportContent,
    Row,
    Section,
    Table,
    Timeliness,
    exceptions_of,
    roll_up_rows,
)

COUNCIL = "Sample Borough Council"
COMMITTEE = "Overview and Scrutiny Committee"
TITLE = "Quarterly performance report"
PERIOD = "Q2 2026/27"
SECTION_TITLES = ("A cleaner, greener borough", "A council that works well")
APPENDIX_TITLE = "Corporate risks"
APPENDIX_CAPTION = "Risks scored 15 or more"
INJECTED = '=HYPERLINK("http://example.com/steal","Click")'

QUARTERS = [  # Q1 2023/24 … Q2 2026/27
    f"Q{quarter} {year}/{(year + 1) % 100:02d}"
    for year in range(2023, 2027)
    for quarter in (1, 2, 3, 4)
][:14]
RECYCLING = ["44.1", "45.0", "44.6", "45.3", "45.9", "46.0", "46.4", "46.8", "47.0", "47.5"]
RECYCLING += ["47.9", "48.2", "48.5", "48.9"]
MONTHS = [
    "July 2025",
    "Aug 2025",
    "Sept 2025",
    "Oct 2025",
    "Nov 2025",
    "Dec 2025",
    "Jan 2026",
    "Feb 2026",
    "Mar 2026",
    "Apr 2026",
    "May 2026",
    "June 2026",
    "July 2026",
    "Aug 2026",
    "Sept 2026",
]
FLY_TIPPING = ["180", "175", "190", "185", "178", "182", "188", "176", "181", "187", "179"]
FLY_TIPPING += ["184", "186", "183", "240"]


def row(**facts) -> Row:
    """A Row with plain defaults, changed by `facts`."""
    defaults = {
        "code": "TST-01",
        "title": "Test indicator",
        "owner": "Performance",
        "frequency": "quarterly",
        "unit": "%",
        "precision": 1,
        "polarity": "higher_is_better",
        "period": PERIOD,
        "figure": None,
        "figure_shown": "",
        "target": None,
        "lower": None,
        "upper": None,
        "target_shown": "",
        "rag": "data_only",
        "direction": "not_comparable",
        "comparison": "previous period",
        "comparison_period": "Q1 2026/27",
        "comparison_shown": "",
        "last_year_shown": "",
        "variation": "not_enough_data",
        "assurance": "not_enough_data",
    }
    return Row(**{**defaults, **facts})


def sample_rows() -> tuple[list[Row], list[Row]]:
    greener = [
        row(
            code="GRN-01",
            title="Household waste recycled",
            owner="Waste and Recycling",
            figure="48.9",
            figure_shown="48.9%",
            target="50.0",
            target_shown="50.0%",
            rag="amber",
            direction="improving",
            comparison_shown="48.5%",
            last_year_shown="46.8%",
            variation="improving_high",
            assurance="consistently_fails",
            commentary="Recycling rose for the ninth quarter running.",
            ambitions=["greener"],
            series=[[label, figure] for label, figure in zip(QUARTERS, RECYCLING, strict=True)],
        ),
        row(
            code="GRN-02",
            title="Fly-tipping incidents reported",
            owner="Street Scene",
            frequency="monthly",
            unit="number",
            precision=0,
            polarity="lower_is_better",
            period="September 2026",
            figure="240",
            figure_shown="240",
            target="200",
            target_shown="200",
            rag="red",
            direction="worsening",
            comparison_period="August 2026",
            comparison_shown="183",
            last_year_shown="190",
            variation="concerning_high",
            assurance="hit_and_miss",
            reasons="Bank holiday collections slipped into the following week.",
            actions="Extra crews on the five worst-affected rounds from October.",
            ambitions=["greener"],
            series=[[label, figure] for label, figure in zip(MONTHS, FLY_TIPPING, strict=True)],
        ),
    ]
    well_run = [
        row(
            code="RES-01",
            title="Calls answered within 60 seconds",
            owner="Customer Services",
            target="90.0",
            target_shown="90.0%",
            rag="missing",
            direction="not_comparable",
            comparison_shown="88.4%",
            last_year_shown="87.9%",
            variation="common_cause",
            assurance="hit_and_miss",
            ambitions=["well-run"],
        ),
        row(
            code="RES-02",
            title="Council tax collected",
            owner="Revenues",
            unit="£",
            precision=0,
            figure="1234567",
            figure_shown="£1,234,567",
            target="1200000",
            target_shown="£1,200,000",
            rag="green",
            direction="improving",
            comparison_shown="£1,180,250",
            last_year_shown="£1,150,000",
            commentary=f"{INJECTED} was pasted here by mistake; <b>not bold</b>.",
            ambitions=["well-run"],
        ),
    ]
    return greener, well_run


def section(title: str, anchor: str, rows: list[Row], **narrative) -> Section:
    statuses, directions = roll_up_rows(rows)
    return Section(
        title=title, anchor=anchor, rows=rows, statuses=statuses, directions=directions, **narrative
    )


def sample_content(**changes) -> ReportContent:
    greener, well_run = sample_rows()
    every = greener + well_run
    statuses, directions = roll_up_rows(every)
    content = ReportContent(
        kind="committee",
        kind_label="Committee performance report",
        title=TITLE,
        council=COUNCIL,
        council_code="E07000999",
        committee=COMMITTEE,
        meeting_starts_at="2026-12-16T18:30:00+00:00",
        meeting_venue="Council Chamber, Town Hall",
        period_code="2026-27-Q2",
        period_label=PERIOD,
        period_kind="quarter",
        report_of="Director of Resources",
        contact="Alex Morgan, Performance Manager, performance@example.gov.uk",
        purpose="To report the council's performance for Q2 2026/27.",
        recommendations=(
            f"That the {COMMITTEE} notes the council's performance.\n\n"
            "That the committee asks for a report on fly-tipping at its next meeting."
        ),
        going_well="Recycling rose to 48.9% in Q2 2026/27.",
        not_going_well="Fly-tipping rose to 240 against a target of 200.",
        being_done="Extra crews are working on the worst-affected rounds.",
        exceptions_text=(
            "1 indicator is Red: Fly-tipping incidents reported (GRN-02): 240 against a "
            "target of 200.\n\n1 indicator has no figure: Calls answered within 60 seconds "
            "(RES-01)."
        ),
        area_text="",
        rag_rule="Tolerance",
        statuses=statuses,
        directions=directions,
        exceptions=exceptions_of(every),
        timeliness=Timeliness(
            period_end="2026-09-30",
            last_signoff="2026-10-26",
            meeting="2026-12-16",
            days_to_signoff=26,
            days_to_meeting=77,
        ),
        sections=[
            section(
                SECTION_TITLES[0],
                "ambition-greener",
                greener,
                going_well="Recycling keeps rising.",
                not_going_well="Fly-tipping is up.",
            ),
            section(SECTION_TITLES[1], "ambition-well-run", well_run),
        ],
        appendices=[
            Appendix(
                title=APPENDIX_TITLE,
                anchor="appendix-risks",
                introduction="The corporate risks that bear on this committee's remit.",
                tables=[
                    Table(
                        caption=APPENDIX_CAPTION,
                        headers=["Risk", "Score", "Owner", "Budget at risk"],
                        rows=[
                            ["Workforce capacity", "16", "Chief Executive", "£1,200"],
                            [INJECTED, "20", "-1+1", "-£3,500"],
                        ],
                        numeric_columns=[1, 3],
                    )
                ],
            )
        ],
        built_at="2026-11-24T09:00:00+00:00",
    )
    for name, value in changes.items():
        setattr(content, name, value)
    return content
