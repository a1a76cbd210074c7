"""Generating the calendar of reporting periods from the status package's period rules."""

from django.db import transaction

from indicators.models import Period
from status import periods as rules


@transaction.atomic
def ensure_periods(*, first_year: int, last_year: int) -> int:
    """Create every period for financial years first_year/.. to last_year/.. (idempotent).

    Also the calendar and academic years starting in those years. Returns how many were new.
    """
    existing = set(Period.objects.values_list("kind", "code"))
    created = 0
    for year in range(first_year, last_year + 1):
        fy_span = rules.financial_year(year)
        fy, made = Period.objects.get_or_create(
            kind=fy_span.kind,
            code=fy_span.code,
            defaults={
                "label": fy_span.label,
                "starts_on": fy_span.start,
                "ends_on": fy_span.end,
            },
        )
        created += made
        in_year = [*rules.quarters_of(year), *rules.months_of(year)]
        new = [
            Period(
                kind=span.kind,
                code=span.code,
                label=span.label,
                starts_on=span.start,
                ends_on=span.end,
                financial_year=fy,
            )
            for span in in_year
            if (span.kind, span.code) not in existing
        ]
        for span in (rules.calendar_year(year), rules.academic_year(year)):
            if (span.kind, span.code) not in existing:
                new.append(
                    Period(
                        kind=span.kind,
                        code=span.code,
                        label=span.label,
                        starts_on=span.start,
                        ends_on=span.end,
                    )
                )
        Period.objects.bulk_create(new)
        created += len(new)
    return created


def span_of(period: Period) -> rules.PeriodSpan:
    return rules.PeriodSpan(
        kind=rules.PeriodKind(period.kind),
        start=period.starts_on,
        end=period.ends_on,
        label=period.label,
        code=period.code,
    )
