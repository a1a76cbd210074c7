"""The demo council's reports: a year of published committee reports, one approved for a
meeting that has not yet started (so under embargo), one draft for the next cabinet, an area
of interest draft and the annual report for last year.

The narrative is written from each report's own figures, with live-figure tokens, as an
officer would; the dates of each step are set back to before its meeting.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from indicators.models import Indicator, Period, ReportingCycle
from organisation.models import User
from reports import reporting
from reports.building import build_content
from reports.content import ReportContent, content_hash, draft_exceptions_text
from reports.models import Report, ReportEvent, ReportKind
from scorecards.models import Narrative
from status.periods import PeriodKind
from strategy.models import Ambition, Committee, Meeting

LONDON = ZoneInfo("Europe/London")
REPORTED_COMMITTEES = ("strategy-resources-performance", "cabinet")
MONTHS_OF_REPORTS = 9
AREA_CODES = ("HOU-01", "HOU-02", "HOU-03", "HOU-04", "HOU-05")


def load_reports(*, today: date, people: dict[str, User]) -> int:
    """Create the demo's reports; returns how many."""
    performance, director = people["performance"], people["director"]
    first = today - timedelta(days=MONTHS_OF_REPORTS * 31)
    made = 0
    for code in REPORTED_COMMITTEES:
        committee = Committee.objects.get(code=code)
        meetings = committee.meetings.filter(
            is_cancelled=False, starts_at__date__gte=first
        ).order_by("starts_at")
        for meeting in meetings:
            period = _period_for(meeting)
            if period is None:
                continue
            meeting_day = timezone.localtime(meeting.starts_at).date()
            if meeting_day > today:
                # The next meeting: a draft being written. Later ones are not started.
                _committee_report(committee, meeting, period, performance, director, today)
                made += 1
                break
            _committee_report(
                committee, meeting, period, performance, director, today, approve=True
            )
            made += 1
    made += _annual_report(today, performance, director)
    made += _area_report(today, performance)
    return made


def _period_for(meeting: Meeting) -> Period | None:
    cycle = (
        ReportingCycle.objects.filter(meetings=meeting, period__kind=PeriodKind.quarter)
        .select_related("period")
        .order_by("-period__starts_on")
        .first()
    )
    return cycle.period if cycle else None


def _committee_report(committee, meeting, period, performance, director, today, approve=False):
    report = reporting.create_report(
        by=performance,
        kind=ReportKind.COMMITTEE,
        period=period,
        title="Quarterly performance report",
        committee=committee,
        meeting=meeting,
    )
    # One build serves both: the narratives do not change the rows the summary is written from.
    content = _write_ambition_narratives(report, performance, today)
    _write(
        report,
        performance,
        today,
        content=content,
        contact="Tom Greenaway, Head of Performance and Insight",
    )
    if approve:
        seen = reporting.seen_now(report)
        reporting.approve_report(report, by=director, seen=seen, make_files=False)
    _backdate(report, meeting.starts_at, today=today)
    return report


def _annual_report(today, performance, director) -> int:
    year = (
        Period.objects.filter(kind=PeriodKind.financial_year, ends_on__lt=today)
        .order_by("-ends_on")
        .first()
    )
    if year is None:
        return 0
    report = reporting.create_report(
        by=performance, kind=ReportKind.ANNUAL, period=year, title="Annual performance report"
    )
    published = datetime.combine(date(year.ends_on.year, 7, 15), time(10), tzinfo=LONDON)
    _write(
        report,
        performance,
        today,
        contact="Tom Greenaway, Head of Performance and Insight",
        purpose=f"To report the council's performance over {year.label} against the "
        "ambitions of the Council Plan.",
        recommendations="That Council notes the performance set out in this report.",
        publish_after=published,
    )
    if published.date() <= today:
        seen = reporting.seen_now(report)
        reporting.approve_report(report, by=director, seen=seen, make_files=False)
    _backdate(report, published, today=today)
    return 1


def _area_report(today, performance) -> int:
    meeting = (
        Meeting.objects.filter(
            committee__code="cabinet", is_cancelled=False, starts_at__date__gt=today
        )
        .order_by("starts_at")
        .first()
    )
    period = _period_for(meeting) if meeting else None
    codes = [c for c in AREA_CODES if Indicator.objects.filter(code=c).exists()]
    if period is None or not codes:
        return 0
    report = reporting.create_report(
        by=performance,
        kind=ReportKind.AREA,
        period=period,
        title="Temporary accommodation and homelessness",
        committee=meeting.committee,
        meeting=meeting,
    )
    reporting.save_report(
        report,
        by=performance,
        lock_version=report.lock_version,
        extra_indicators=list(Indicator.objects.filter(code__in=codes)),
        area_text="Members asked for the housing and homelessness indicators together, to "
        "scrutinise the rise in households in temporary accommodation.",
        purpose="To set out performance on homelessness prevention and temporary "
        "accommodation, as members asked at the last meeting.",
    )
    _backdate(report, meeting.starts_at, today=today)
    return 1


def _write(report: Report, by, today, content: ReportContent | None = None, **fields) -> None:
    content = content or build_content(report, today=today)
    reporting.save_report(
        report,
        by=by,
        lock_version=Report.objects.get(pk=report.pk).lock_version,
        report_of=fields.pop("report_of", "Chief Executive"),
        purpose=fields.pop(
            "purpose",
            f"To report performance against the Council Plan for {content.period_label}, "
            f"for {content.committee or 'members'} to scrutinise.",
        ),
        **_narrative(content),
        exceptions_text=draft_exceptions_text(content),
        **fields,
    )


def _narrative(content: ReportContent) -> dict[str, str]:
    rows = content.rows()
    judged = [r for r in rows if r.rag in ("green", "amber", "red")]
    green = [r for r in judged if r.rag == "green"]
    rising = [r for r in green if r.direction == "improving"][:3]
    red = [r for r in rows if r.rag == "red"][:3]
    verb = "is" if len(green) == 1 else "are"
    going_well = f"{len(green)} of the {len(judged)} indicators with a target {verb} on target."
    if rising:
        going_well += " " + " ".join(
            f"{r.title} improved to [value:{r.code}] (target [target:{r.code}])." for r in rising
        )
    not_going_well = " ".join(
        f"{r.title} was [value:{r.code}] against a target of [target:{r.code}]." for r in red
    )
    actions = [r.actions.split(". ")[0].rstrip(".") + "." for r in red if r.actions]
    return {
        "going_well": going_well,
        "not_going_well": not_going_well or "No indicator is Red this quarter.",
        "being_done": " ".join(actions)
        or "Services with Red indicators have agreed improvement actions.",
    }


def _write_ambition_narratives(report: Report, by, today) -> ReportContent:
    """Each ambition's narrative for the quarter, as its lead director would write it from
    the figures (the first report of a quarter writes them; later ones share them)."""
    content = build_content(report, today=today)
    ambitions = {f"ambition-{a.code}": a for a in Ambition.objects.all()}
    for section in content.sections:
        ambition = ambitions.get(section.anchor)
        if ambition is None or not section.rows:
            continue
        judged = [r for r in section.rows if r.rag in ("green", "amber", "red")]
        green = [r for r in judged if r.rag == "green"]
        red = [r for r in section.rows if r.rag == "red"]
        best = next((r for r in green if r.direction == "improving"), None)
        verb = "is" if len(green) == 1 else "are"
        going_well = f"{len(green)} of the {len(judged)} indicators with a target {verb} on target."
        if best is not None:
            going_well += f" {best.title} improved to {best.figure_shown}."
        not_going_well = (
            " ".join(f"{r.title} is {r.figure_shown} against {r.target_shown}." for r in red)
            or "No indicator under this ambition is Red."
        )
        actions = [r.actions.split(". ")[0].rstrip(".") + "." for r in red if r.actions]
        Narrative.objects.get_or_create(
            ambition=ambition,
            period=report.period,
            defaults={
                "going_well": going_well,
                "not_going_well": not_going_well,
                "being_done": " ".join(actions) or "Services are keeping performance on track.",
                "written_by": by,
                "updated_at": _latest_moment(today),
            },
        )
    return content


def _latest_moment(today: date) -> datetime:
    """Nothing in the demo happened after 8am on its "today" (as demo.values.latest_moment)."""
    return datetime.combine(today, time(8, 0), tzinfo=LONDON)


def _backdate(report: Report, meeting_at: datetime, *, today: date) -> None:
    """Set each step's time back to before the meeting, as it would have happened. A draft for
    a meeting weeks away was started no later than the demo's today, never in its future."""
    created = min(meeting_at - timedelta(days=21), _latest_moment(today))
    approved = meeting_at - timedelta(days=8)
    Report.objects.filter(pk=report.pk).update(created_at=created, edited_at=created)
    report.refresh_from_db()
    if report.snapshot:
        report.snapshot.update(
            approved_at=timezone.localtime(approved).isoformat(),
            built_at=timezone.localtime(approved).isoformat(),
        )
        Report.objects.filter(pk=report.pk).update(
            approved_at=approved,
            snapshot=report.snapshot,
            snapshot_hash=content_hash(report.snapshot),
        )
    for event in ReportEvent.objects.filter(report=report):
        event.at = approved if event.kind == "approved" else created
        event.save(update_fields=["at"])
