"""Building a report's content from the golden thread, through the scorecard read models."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from benchmarking.compared import with_comparisons
from indicators.models import Period, ReportingCycle
from organisation.models import Council
from reports.appendices import AppendixRequest, appendices_for
from reports.content import (
    ReportContent,
    Row,
    Section,
    Timeliness,
    exceptions_of,
    fill_tokens,
    iso_day,
    local_iso,
    roll_up_rows,
)
from reports.models import Report, ReportKind
from returns.chasing import cycle_timeliness_for
from scorecards import queries
from scorecards.models import Narrative
from scorecards.readings import Reading, Standing, figure_period_label, in_force
from status.rag import RagRule
from strategy.models import Outcome


def row_of(
    reading: Reading,
    span: Period | None = None,
    *,
    standing: Standing | None = None,
    ambition_codes: dict[int, str] | None = None,
) -> Row:
    """One indicator's row, with its owner and ambitions as they stood in the period (from
    `standing`, and `ambition_codes`: each outcome's ambition code by outcome id)."""
    definition, indicator, value = reading.definition, reading.indicator, reading.value
    if standing is not None:
        owner = standing.owner
        ambitions = {(ambition_codes or {}).get(pk) for pk in standing.outcome_ids} - {None}
    else:
        owner = indicator.owner
        ambitions = {o.ambition.code for o in indicator.outcomes.all()}
    return Row(
        code=indicator.code,
        title=definition.title,
        owner=owner.name,
        frequency=indicator.get_frequency_display().lower(),
        unit=definition.unit,
        precision=definition.precision,
        polarity=str(definition.polarity),
        period=figure_period_label(reading, span),
        figure=_text(reading.figure),
        figure_shown=reading.figure_shown,
        target=_text(reading.target),
        lower=_text(reading.lower),
        upper=_text(reading.upper),
        target_shown=reading.target_shown,
        rag=str(reading.rag),
        direction=str(reading.direction),
        comparison=reading.comparison.label.lower(),
        comparison_period=reading.comparison_period.label if reading.comparison_period else "",
        comparison_shown=reading.comparison_shown,
        last_year_shown=reading.last_year_shown,
        variation=str(reading.spc.variation),
        assurance=str(reading.spc.assurance),
        commentary=value.commentary if value else "",
        reasons=value.reasons if value else "",
        actions=value.actions if value else "",
        ambitions=sorted(ambitions),
        series=[[period.label, str(figure)] for period, figure in reading.series],
        baseline=list(reading.spc_baseline) if reading.spc_baseline else None,
        spc_target=_text(reading.spc_target),
        spc_lower=_text(reading.spc_lower),
        spc_upper=_text(reading.spc_upper),
        spc_cuts=[[position, r.reason] for position, r in reading.spc_cuts],
        measures=definition.definition,
        purpose=definition.purpose,
        calculation=definition.calculation,
        source=definition.source,
        data_quality=str(reading.data_quality),
        compared=reading.compared.as_dict() if reading.compared else None,
    )


def _text(number) -> str | None:
    return None if number is None else str(number)


def _scorecard(report: Report, *, today: date, council: Council):
    if report.kind == ReportKind.COMMITTEE and report.committee is not None:
        return queries.committee_scorecard(
            report.committee, period=report.period, today=today, council=council
        )
    if report.kind == ReportKind.AREA:
        return None
    return queries.organisation_scorecard(period=report.period, today=today, council=council)


def _extra_rows(
    report: Report, exclude: set[str], ambition_codes: dict[int, str], *, today, council
) -> list[Row]:
    """The report's chosen extra indicators that were in force in its period."""
    found = in_force(
        [
            i
            for i in queries.every_indicator().filter(pk__in=report.extra_indicators.all())
            if i.code not in exclude
        ],
        report.period,
    )
    readings = queries.read_indicators(
        found.indicators, report.period, today=today, council=council, in_force=found
    )
    readings = with_comparisons(readings, council=council, ends_by=report.period.ends_on)
    return [
        row_of(readings[pk], report.period, standing=standing, ambition_codes=ambition_codes)
        for pk, standing in found.standings.items()
    ]


def _timeliness(report: Report) -> Timeliness | None:
    cycles = ReportingCycle.objects.filter(period=report.period)
    if report.meeting_id:
        cycles = cycles.filter(meetings=report.meeting) or cycles
    cycle = cycles.select_related("period").first()
    if cycle is None:
        return None
    found = cycle_timeliness_for(cycle)
    meeting_on = (
        timezone.localtime(report.meeting.starts_at).date() if report.meeting else found.meeting_on
    )
    return Timeliness(
        period_end=found.period_end.isoformat(),
        last_signoff=iso_day(found.last_signoff_on),
        meeting=iso_day(meeting_on),
        days_to_signoff=found.days.days_to_signoff,
        days_to_meeting=(meeting_on - found.period_end).days if meeting_on else None,
    )


def build_content(report: Report, *, today: date | None = None) -> ReportContent:
    """The report as it stands now, read live from the signed-off figures."""
    today = today or timezone.localdate()
    council = Council.objects.get()
    scorecard = _scorecard(report, today=today, council=council)
    ambition_codes = dict(Outcome.objects.values_list("pk", "ambition__code"))
    narratives = {
        n.ambition.code: n
        for n in Narrative.objects.filter(
            period=report.period, ambition__isnull=False
        ).select_related("ambition")
    }
    sections: list[Section] = []
    if scorecard is not None:
        for built in scorecard.sections:
            rows = [
                row_of(
                    r,
                    report.period,
                    standing=scorecard.standings.get(r.indicator.pk),
                    ambition_codes=ambition_codes,
                )
                for r in built.readings
            ]
            statuses, directions = roll_up_rows(rows)
            ambition_code = built.url_arg
            narrative = narratives.get(ambition_code)
            sections.append(
                Section(
                    title=built.title,
                    anchor=built.anchor,
                    rows=rows,
                    statuses=statuses,
                    directions=directions,
                    going_well=narrative.going_well if narrative else "",
                    not_going_well=narrative.not_going_well if narrative else "",
                    being_done=narrative.being_done if narrative else "",
                )
            )
    in_report = {row.code for section in sections for row in section.rows}
    extras = _extra_rows(report, in_report, ambition_codes, today=today, council=council)
    if extras:
        statuses, directions = roll_up_rows(extras)
        sections.append(
            Section(
                title=report.title if report.kind == ReportKind.AREA else "Areas of interest",
                anchor="area-of-interest",
                rows=extras,
                statuses=statuses,
                directions=directions,
                introduction=report.area_text,
            )
        )
    every_row = {row.code: row for section in sections for row in section.rows}
    all_rows = list(every_row.values())
    statuses, directions = roll_up_rows(all_rows)
    remit_units = (
        frozenset(report.committee.remit_units.values_list("pk", flat=True))
        if report.committee
        else frozenset()
    )
    appendices = appendices_for(
        AppendixRequest(
            committee=report.committee,
            period=report.period,
            unit_ids=remit_units,
            indicator_codes=frozenset(every_row),
        )
    )

    def filled(text: str) -> str:
        return fill_tokens(text.strip(), every_row)

    meeting = report.meeting
    return ReportContent(
        kind=report.kind,
        kind_label=report.get_kind_display(),
        title=report.title,
        council=council.name,
        council_code=council.ons_code,
        committee=report.committee.name if report.committee else "",
        meeting_starts_at=local_iso(meeting.starts_at) if meeting else None,
        meeting_venue=meeting.venue if meeting else "",
        period_code=report.period.code,
        period_label=report.period.label,
        period_kind=report.period.kind,
        report_of=report.report_of,
        contact=report.contact,
        purpose=filled(report.purpose),
        recommendations=filled(report.recommendations),
        going_well=filled(report.going_well),
        not_going_well=filled(report.not_going_well),
        being_done=filled(report.being_done),
        exceptions_text=filled(report.exceptions_text),
        area_text=filled(report.area_text),
        rag_rule=RagRule(council.rag_rule).label,
        statuses=statuses,
        directions=directions,
        exceptions=exceptions_of(all_rows),
        timeliness=_timeliness(report),
        sections=sections,
        appendices=appendices,
        built_at=local_iso(timezone.now()),
        approved_by=report.approved_by.get_full_name() if report.approved_by else "",
        approved_at=local_iso(report.approved_at),
    )


def report_content(report: Report, *, today: date | None = None) -> ReportContent:
    """What the report says: its frozen snapshot once approved, else built live."""
    if report.snapshot:
        return ReportContent.from_snapshot(report.snapshot)
    return build_content(report, today=today)
