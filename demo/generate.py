"""Load the Wyvern Vale demo council into an empty database.

`load_demo(today=..., seed=...)` builds everything in one transaction from the catalogue in
`demo.council`: the structure and its people, the strategic framework, committees and their
meetings, indicators with versions, targets and baselines, reporting cycles, and years of
values with their sign-off history. The same (today, seed) always gives the same figures.
"""

import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from audit.recording import recorded_in_bulk
from benchmarking.demo import load_benchmarking
from delivery.demo import load_delivery
from delivery.models import Programme, Project
from delivery.service_plan_demo import load_service_plans
from demo import commentary, values
from demo.council import (
    AMBITIONS,
    APPROVER,
    COMMITTEES,
    COUNCIL,
    DATA_OWNER,
    DEFINITION_CHANGES,
    DIRECTORATES,
    EMAIL_DOMAIN,
    INDICATOR_SETS,
    INDICATORS,
    MOVES,
    PARTNERSHIPS,
    PEOPLE,
    PLANS,
    PRINCIPLES,
    RETIREMENTS,
    SERVICES,
    STEP_CHANGE_CODES,
    TEAMS,
    CommitteeSpec,
    IndicatorSpec,
    PersonSpec,
)
from demo.people import DEMO_PASSWORD
from demo.reports import load_reports
from demo.series import (
    PER_UNIT,
    PERIOD_KIND,
    DemoCalendar,
    PlannedTarget,
    plan_targets,
    plan_values,
)
from finance.demo import load_finance
from finance.models import BudgetLine
from improvement.demo import load_improvement
from improvement.models import ImprovementAction
from indicators.definitions import record_first_version, retire_indicator, revise_definition
from indicators.models import (
    Baseline,
    CycleState,
    Indicator,
    IndicatorSet,
    IndicatorVersion,
    Period,
    ReportingCycle,
    Target,
    Value,
    ValueRevision,
)
from indicators.periods import ensure_periods
from indicators.recalculation import set_recalculation
from organisation.models import Council, OrgUnit, User
from reports.models import Report
from returns.models import CycleAction, CycleEvent
from risks.demo import load_risks
from risks.models import Risk
from status import periods as rules
from strategy.models import Ambition, Committee, Meeting, OperatingPrinciple, Outcome, Plan

LONDON = values.LONDON
MEETINGS_AHEAD_DAYS = 245  # about eight months of future meetings
ROLE_GROUPS = ("Performance team", "Data owner", "Approver", "Director", "Councillor",
               "Administrator", "Internal auditor", "Finance business partner")  # fmt: skip

NOT_EMPTY = (
    "The database already holds {what}. load_demo only fills an empty database and never "
    "overwrites data, so nothing was loaded. Use a fresh database (make clean-db, then "
    "migrate), or pass --if-empty to skip loading when data exists."
)


class DemoError(Exception):
    pass


@dataclass(frozen=True)
class DemoSummary:
    people: int
    org_units: int
    ambitions: int
    outcomes: int
    committees: int
    meetings: int
    indicators: int
    targets: int
    cycles: int
    values: int
    revisions: int
    reports: int
    risks: int
    programmes: int
    projects: int
    budget_lines: int
    improvement_actions: int

    def lines(self) -> list[str]:
        return [
            f"{self.people} people",
            f"{self.org_units} directorates, services, teams and partnerships",
            f"{self.ambitions} ambitions with {self.outcomes} outcomes",
            f"{self.committees} committees with {self.meetings} meetings",
            f"{self.indicators} indicators with {self.targets} targets",
            f"{self.cycles} reporting cycles",
            f"{self.values} values with {self.revisions} revisions",
            f"{self.reports} reports",
            f"{self.risks} risks",
            f"{self.programmes} change programmes with {self.projects} projects",
            f"{self.budget_lines} budget lines",
            f"{self.improvement_actions} improvement actions",
        ]


def existing_data() -> str:
    """What the database already holds that the demo would collide with ("" if nothing)."""
    if Council.objects.exists():
        return "a council"
    if Indicator.objects.exists():
        return "indicators"
    if User.objects.exists():
        return "people"
    return ""


@transaction.atomic
@recorded_in_bulk("demo loaded", kind="demo", label="The Wyvern Vale demo council")
def load_demo(*, today: date, seed: int = 2026) -> DemoSummary:
    """Fill an empty database with the demo council as it stands on `today`."""
    what = existing_data()
    if what:
        raise DemoError(NOT_EMPTY.format(what=what))
    calendar = DemoCalendar.for_today(today)
    council = create_council()
    units = create_units(council)
    people = create_people(units)
    outcomes = create_framework(calendar, units)
    committees = create_committees(units)
    meetings = create_meetings(committees, calendar, seed)
    ensure_periods(first_year=calendar.first_fy, last_year=calendar.current_fy + 1)
    periods = {(period.kind, period.code): period for period in Period.objects.all()}
    indicators = create_indicators(calendar, units, people, outcomes, committees)
    move_and_retire(calendar, indicators, units, committees, people["performance"])
    revise_definitions(calendar, indicators, people["performance"])
    create_cycles(calendar, periods, meetings, people["performance"], seed)
    plans = {spec.code: plan_values(spec, calendar, seed) for spec in INDICATORS}
    targets = create_targets(calendar, indicators, periods)
    create_baselines(indicators, plans, periods)
    history, latest = gather_returns(calendar, indicators, periods, plans, targets, people)
    values.load_history(history, calendar, seed)
    values.run_latest_returns(latest, calendar, seed)
    set_recalculations(calendar, indicators, people["performance"])
    load_registers(today, people, seed)
    load_reports(today=today, people=people)
    return summarise()


def summarise() -> DemoSummary:
    return DemoSummary(
        people=User.objects.count(),
        org_units=OrgUnit.objects.count(),
        ambitions=Ambition.objects.count(),
        outcomes=Outcome.objects.count(),
        committees=Committee.objects.count(),
        meetings=Meeting.objects.count(),
        indicators=Indicator.objects.count(),
        targets=Target.objects.count(),
        cycles=ReportingCycle.objects.count(),
        values=Value.objects.count(),
        revisions=ValueRevision.objects.count(),
        reports=Report.objects.count(),
        risks=Risk.objects.count(),
        programmes=Programme.objects.count(),
        projects=Project.objects.count(),
        budget_lines=BudgetLine.objects.count(),
        improvement_actions=ImprovementAction.objects.count(),
    )


def load_registers(
    today: date, people: dict[str, User], seed: int, *, improvement: bool = True
) -> None:
    """Budgets and forecasts, the delivery plan, the risk register and improvement actions,
    before the reports, so the appendices built when a report is approved carry them.
    `improvement=False` leaves out the improvement actions, which name demo indicators."""
    returners = {
        spec.code: (people[owner], people[approver])
        for spec in SERVICES
        for owner, approver in [service_people(spec.code)]
    }
    load_finance(
        today=today,
        entered_by=people["finance"],
        signed_off_by=people["f.gallagher"],  # the Section 151 Officer
        seed=seed,
        overspending="place",
        drivers=("waste-recycling", "highways-transport"),
        underspending="hr-od",
        draft="waste-recycling",
    )
    load_delivery(today=today, people=people, returners=returners, seed=seed)
    load_risks(today=today, people=people, returners=returners, seed=seed)
    load_service_plans(today=today, people=people, returners=returners, seed=seed)
    if improvement:
        load_improvement(today=today, people=people, seed=seed)
    load_benchmarking(by=people["performance"])


# --- The council, its structure and people ---------------------------------------------------


def create_council() -> Council:
    return Council.objects.create(
        name=COUNCIL.name,
        short_name=COUNCIL.short_name,
        ons_code=COUNCIL.ons_code,
        tier=COUNCIL.tier,
        region=COUNCIL.region,
        website=COUNCIL.website,
        default_tolerance_percent=COUNCIL.default_tolerance_percent,
        rag_rule=COUNCIL.rag_rule,
        ambition_label=COUNCIL.ambition_label,
    )


def create_units(council: Council) -> dict[str, OrgUnit]:
    """Directorates and partnerships first, so services and teams can point at them."""
    units: dict[str, OrgUnit] = {}
    for layer in (DIRECTORATES + PARTNERSHIPS, SERVICES, TEAMS):
        made = [
            OrgUnit(
                council=council,
                parent=units.get(spec.parent),
                kind=spec.kind,
                code=spec.code,
                name=spec.name,
                description=spec.description,
                partners="\n".join(spec.partners),
                order=len(units) + number,
            )
            for number, spec in enumerate(layer)
        ]
        OrgUnit.objects.bulk_create(made)
        units.update({unit.code: unit for unit in made})
    return units


def _email(person: PersonSpec) -> str:
    name = f"{person.first_name}.{person.last_name}".lower().replace("'", "")
    prefix = "cllr." if not person.home_unit else ""
    return f"{prefix}{name}@{EMAIL_DOMAIN}"


def create_people(units: dict[str, OrgUnit]) -> dict[str, User]:
    """Everyone, with their roles (groups) and scope; unit heads are set here too."""
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow by design
    people = [
        User(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=_email(person),
            job_title=person.job_title,
            home_unit=units.get(person.home_unit),
            is_staff=person.is_staff,
            is_superuser=person.is_superuser,
            password=password,
        )
        for person in PEOPLE
    ]
    User.objects.bulk_create(people)
    by_username = {user.username: user for user in people}
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_GROUPS}
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=by_username[person.username].pk, group_id=groups[role].pk)
        for person in PEOPLE
        for role in person.roles
    )
    User.scope.through.objects.bulk_create(
        User.scope.through(user_id=by_username[person.username].pk, orgunit_id=units[code].pk)
        for person in PEOPLE
        for code in person.scope
    )
    heads = [spec for spec in DIRECTORATES + SERVICES + PARTNERSHIPS if spec.head]
    for spec in heads:
        units[spec.code].head = by_username[spec.head]
    OrgUnit.objects.bulk_update([units[spec.code] for spec in heads], ["head"])
    return by_username


def service_people(service: str) -> tuple[str, str]:
    """Usernames of the service's data owner and approver (the first with it in scope)."""
    owner = next(p for p in PEOPLE if DATA_OWNER in p.roles and service in p.scope)
    approver = next(p for p in PEOPLE if APPROVER in p.roles and service in p.scope)
    return owner.username, approver.username


# --- The strategic framework and committees --------------------------------------------------


def create_framework(calendar: DemoCalendar, units: dict[str, OrgUnit]) -> dict[str, Outcome]:
    principles = {
        name: OperatingPrinciple.objects.create(name=name, description=description)
        for name, description in PRINCIPLES
    }
    plans: dict[str, Plan] = {}
    for spec in PLANS:
        first = calendar.current_fy + spec.first_offset
        last = calendar.current_fy + spec.last_offset
        plans[spec.key] = Plan.objects.create(
            title=spec.title.format(
                first=first, last=last + 1, label=rules.financial_year_label(first)
            ),
            kind=spec.kind,
            parent=plans.get(spec.parent),
            starts_on=date(first, 4, 1),
            ends_on=date(last + 1, 3, 31),
            summary=spec.summary,
        )
    outcomes: dict[str, Outcome] = {}
    for order, spec in enumerate(AMBITIONS):
        ambition = Ambition.objects.create(
            plan=plans["strategic"],
            code=spec.code,
            title=spec.title,
            description=spec.description,
            order=order,
        )
        ambition.principles.set([principles[name] for name in spec.principles])
        for number, outcome_spec in enumerate(spec.outcomes):
            outcome = Outcome.objects.create(
                ambition=ambition,
                code=outcome_spec.code,
                title=outcome_spec.title,
                lead_unit=units[outcome_spec.lead_unit],
                order=number,
            )
            outcome.principles.set([principles[name] for name in outcome_spec.principles])
            outcomes[outcome.code] = outcome
    return outcomes


def create_committees(units: dict[str, OrgUnit]) -> dict[str, Committee]:
    ambitions = {ambition.code: ambition for ambition in Ambition.objects.all()}
    committees = {}
    for order, spec in enumerate(COMMITTEES):
        committee = Committee.objects.create(
            name=spec.name,
            code=spec.code,
            kind=spec.kind,
            remit=spec.remit,
            receives_full_scorecard=spec.receives_full_scorecard,
            order=order,
        )
        committee.remit_ambitions.set([ambitions[code] for code in spec.ambitions])
        committee.remit_units.set([units[code] for code in spec.units])
        committees[spec.code] = committee
    return committees


def _is_recess(day: date) -> bool:
    """No meetings over Christmas and New Year, nor in August."""
    return day.month == 8 or (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 5)


def meeting_days(spec: CommitteeSpec, calendar: DemoCalendar, seed: int) -> list[date]:
    """Every six to eight weeks from about four months ago to eight months ahead."""
    rng = random.Random(f"{seed}:meetings:{spec.code}")
    day = calendar.today - timedelta(weeks=spec.first_week)
    day += timedelta(days=(spec.weekday - day.weekday()) % 7)
    days = []
    while day <= calendar.today + timedelta(days=MEETINGS_AHEAD_DAYS):
        if _is_recess(day):
            day += timedelta(weeks=1)
            continue
        days.append(day)
        day += timedelta(weeks=rng.choice((6, 7, 8)))
    return days


def create_meetings(
    committees: dict[str, Committee], calendar: DemoCalendar, seed: int
) -> list[Meeting]:
    meetings = [
        Meeting(
            committee=committees[spec.code],
            starts_at=datetime.combine(day, time(spec.hour), tzinfo=LONDON),
            venue=spec.venue,
        )
        for spec in COMMITTEES
        for day in meeting_days(spec, calendar, seed)
    ]
    Meeting.objects.bulk_create(meetings)
    return meetings


# --- Indicators ------------------------------------------------------------------------------


def _calculation(spec: IndicatorSpec) -> str:
    if spec.calculation:
        return spec.calculation
    if spec.numerator_label and spec.denominator_label:
        return f"{spec.numerator_label} ÷ {spec.denominator_label} × {PER_UNIT[spec.unit]:,}."
    period = {"monthly": "month", "quarterly": "quarter", "annual": "year"}[spec.frequency]
    return {
        "snapshot": f"The position at the end of the {period}; the year's figure is the last "
        f"{period}'s.",
        "sum": f"The total for the {period}; the year's figure is the sum of its {period}s.",
        "average": f"The average for the {period}; the year's figure is the average of its "
        f"{period}s.",
        "cumulative": "The year to date: each figure includes the months before it, and the "
        "March figure is the year's outturn.",
    }[spec.aggregation]


def _bounds(spec: IndicatorSpec) -> dict:
    """Validation bounds, only where a percentage may leave 0–100 (the default)."""
    series = spec.series
    bounds = {}
    if spec.unit == "%" and series.low is not None and series.low < 0:
        bounds["minimum_value"] = Decimal(str(series.low))
    if spec.unit == "%" and series.high is not None and series.high > 100:
        bounds["maximum_value"] = Decimal(str(series.high))
    return bounds


def _tolerance(amount: float | None):
    return None if amount is None else Decimal(str(amount))


def build_indicator(
    spec: IndicatorSpec, calendar: DemoCalendar, units: dict[str, OrgUnit], people: dict
) -> Indicator:
    owner = units[spec.owner]
    topic = spec.topic or commentary.SERVICE_TOPICS[spec.owner]
    same_period = spec.seasonal or spec.aggregation == "cumulative"
    head = next(s.head for s in SERVICES if s.code == spec.owner)
    return Indicator(
        code=spec.code,
        title=spec.title,
        definition=spec.definition,
        purpose=spec.purpose or commentary.TOPICS[topic].purpose,
        calculation=_calculation(spec),
        numerator_label=spec.numerator_label,
        denominator_label=spec.denominator_label,
        source=spec.source,
        unit=spec.unit,
        scale=PER_UNIT.get(spec.unit) if spec.numerator_label else None,
        precision=spec.precision,
        polarity=spec.polarity,
        indicator_type=spec.indicator_type,
        frequency=spec.frequency,
        aggregation=spec.aggregation,
        comparison="same_period_last_year" if same_period else "previous_period",
        tolerance_percent=_tolerance(spec.tolerance_percent),
        tolerance_absolute=_tolerance(spec.tolerance_absolute),
        owner=owner,
        responsible_officer=people[head],
        # A retired indicator is retired later, through the domain, with its last period.
        lifecycle="approved" if spec.lifecycle == "retired" else spec.lifecycle,
        effective_from=calendar.effective_from(spec),
        first_period=_first_period(spec, calendar),
        **_bounds(spec),
    )


def _first_period(spec: IndicatorSpec, calendar: DemoCalendar) -> Period | None:
    """Newer indicators are reported from the period their definition took effect in; the
    others from the first demo period (blank: the same rule)."""
    if spec.lifecycle not in ("provisional", "proposed"):
        return None
    kind = PERIOD_KIND[spec.frequency]
    span = rules.period_containing(rules.PeriodKind(kind), calendar.effective_from(spec))
    return Period.objects.get(kind=kind, code=span.code)


def receiving_committees(spec: IndicatorSpec, directorate: str) -> list[str]:
    """Committees whose remit covers the indicator: by ambition (strategic indicators, and
    the committee that receives the whole scorecard), or by directorate or service."""
    ambition = next((a.code for a in AMBITIONS for o in a.outcomes if o.code == spec.outcome), None)
    chosen = []
    for committee in COMMITTEES:
        by_ambition = ambition is not None and (
            ambition in committee.ambitions or committee.receives_full_scorecard
        )
        by_unit = spec.owner in committee.units or directorate in committee.units
        if by_ambition or by_unit:
            chosen.append(committee.code)
    return chosen


def create_indicators(
    calendar: DemoCalendar,
    units: dict[str, OrgUnit],
    people: dict[str, User],
    outcomes: dict[str, Outcome],
    committees: dict[str, Committee],
) -> dict[str, Indicator]:
    made = [build_indicator(spec, calendar, units, people) for spec in INDICATORS]
    Indicator.objects.bulk_create(made)
    indicators = {indicator.code: indicator for indicator in made}
    sets = {
        code: IndicatorSet.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order}
        )[0]
        for order, (code, name, description) in enumerate(INDICATOR_SETS)
    }
    principles = {principle.name: principle for principle in OperatingPrinciple.objects.all()}
    set_links, outcome_links, committee_links, principle_links = [], [], [], []
    for spec in INDICATORS:
        pk = indicators[spec.code].pk
        headline = "strategic" if spec.outcome else "operational"
        for code in (headline, *spec.sets):
            set_links.append(Indicator.sets.through(indicator_id=pk, indicatorset_id=sets[code].pk))
        if spec.outcome:
            outcome_links.append(
                Indicator.outcomes.through(indicator_id=pk, outcome_id=outcomes[spec.outcome].pk)
            )
        directorate = units[spec.owner].parent.code
        for code in receiving_committees(spec, directorate):
            committee_links.append(
                Indicator.committees.through(indicator_id=pk, committee_id=committees[code].pk)
            )
        for name in spec.principles:
            principle_links.append(
                Indicator.principles.through(
                    indicator_id=pk, operatingprinciple_id=principles[name].pk
                )
            )
    Indicator.sets.through.objects.bulk_create(set_links)
    Indicator.outcomes.through.objects.bulk_create(outcome_links)
    Indicator.committees.through.objects.bulk_create(committee_links)
    Indicator.principles.through.objects.bulk_create(principle_links)
    performance = people["performance"]
    for indicator in made:
        record_first_version(indicator=indicator, by=performance)
    return indicators


def owner_on(spec: IndicatorSpec, day: date, calendar: DemoCalendar) -> str:
    """The service that owned the indicator on `day` (it may have moved since)."""
    owner = spec.owner
    for move in MOVES:
        if move.code == spec.code and day >= calendar.year_start(-move.years_ago):
            owner = move.owner
    return owner


def move_and_retire(
    calendar: DemoCalendar,
    indicators: dict[str, Indicator],
    units: dict[str, OrgUnit],
    committees: dict[str, Committee],
    by: User,
) -> None:
    """Indicators that moved to another service, and retired ones, through the domain: each
    a new version, so the scorecards before it show them as they were."""
    for move in MOVES:
        spec = next(s for s in INDICATORS if s.code == move.code)
        moved = replace(spec, owner=move.owner)
        directorate = units[move.owner].parent.code
        revise_definition(
            indicator=indicators[move.code],
            changes={
                "owner": units[move.owner],
                "committees": [committees[c] for c in receiving_committees(moved, directorate)],
            },
            effective_from=calendar.year_start(-move.years_ago),
            reason=move.reason,
            by=by,
        )
    for spec in INDICATORS:
        if spec.lifecycle != "retired":
            continue
        last = calendar.value_spans(spec)[-1]
        retire_indicator(
            indicator=indicators[spec.code],
            last_period=Period.objects.get(kind=last.kind, code=last.code),
            reason=RETIREMENTS[spec.code],
            by=by,
        )


def revise_definitions(calendar: DemoCalendar, indicators: dict[str, Indicator], by: User) -> None:
    """Later definitions for a few indicators, so their version history shows."""
    for change in DEFINITION_CHANGES:
        revise_definition(
            indicator=indicators[change.code],
            changes=change.changes,
            effective_from=calendar.year_start(-change.years_ago),
            reason=change.reason,
            by=by,
        )
    # Versions were agreed a few weeks before they took effect, not when the demo loaded.
    versions = list(IndicatorVersion.objects.all())
    for version in versions:
        agreed = version.effective_from - timedelta(days=24 if version.number == 1 else 17)
        version.recorded_at = datetime.combine(agreed, time(10, 30), tzinfo=LONDON)
    IndicatorVersion.objects.bulk_update(versions, ["recorded_at"])


def set_recalculations(calendar: DemoCalendar, indicators: dict[str, Indicator], by: User) -> None:
    """SPC limits recalculated from each deliberate step change, with its reason, so no
    indicator reads one set of limits across a real change in its process."""
    for spec in INDICATORS:
        if spec.code not in STEP_CHANGE_CODES or spec.series.step is None:
            continue
        step = rules.period_from_code(rules.PeriodKind.month, spec.series.step[0])
        kind = rules.PeriodKind(PERIOD_KIND[spec.frequency])
        first = rules.period_containing(kind, step.start)
        _when, _, reason = STEP_CHANGE_CODES[spec.code].partition(": ")
        point = set_recalculation(
            indicator=indicators[spec.code],
            period=Period.objects.get(kind=first.kind, code=first.code),
            reason=reason[:1].upper() + reason[1:] + ".",
            by=by,
        )
        # Set once the new level had held for seven points, not when the demo loaded.
        noticed = min(step.start + timedelta(days=230), calendar.today - timedelta(days=1))
        point.set_at = datetime.combine(noticed, time(11, 0), tzinfo=LONDON)
        point.save(update_fields=["set_at"])


# --- Reporting cycles ------------------------------------------------------------------------


def cycle_spans(calendar: DemoCalendar) -> list[rules.PeriodSpan]:
    """Every month, quarter and year of the demo that has started."""
    spans = []
    for year in range(calendar.first_fy, calendar.current_fy + 1):
        in_year = [*rules.months_of(year), *rules.quarters_of(year), rules.financial_year(year)]
        spans += [span for span in in_year if span.start <= calendar.today]
    return spans


def _deadline_days(span: rules.PeriodSpan) -> int:
    frequency = {kind: frequency for frequency, kind in PERIOD_KIND.items()}[span.kind]
    return values.DATA_ENTRY_DAYS[frequency]


def cycle_state(span: rules.PeriodSpan, signoff: date, calendar: DemoCalendar) -> str:
    """Planned until it opens; closed once sign-off has passed, except the latest month and
    quarter, which stay open while their last returns come in."""
    if span.end >= calendar.today:
        return CycleState.PLANNED
    latest = span.code in (calendar.latest_month.code, calendar.latest_quarter.code)
    if signoff < calendar.today and not latest:
        return CycleState.CLOSED
    return CycleState.OPEN


def first_meetings_after(day: date, meetings: list[Meeting]) -> list[Meeting]:
    """Each committee's first meeting after a date, if it falls within the next 100 days."""
    chosen: dict[int, Meeting] = {}
    for meeting in sorted(meetings, key=lambda m: m.starts_at):
        local_day = meeting.starts_at.astimezone(LONDON).date()
        if day < local_day <= day + timedelta(days=100):
            chosen.setdefault(meeting.committee_id, meeting)
    return list(chosen.values())


def create_cycles(
    calendar: DemoCalendar,
    periods: dict[tuple[str, str], Period],
    meetings: list[Meeting],
    by: User,
    seed: int,
) -> None:
    cycles, events, feeds = [], [], []
    rng = random.Random(f"{seed}:cycles")
    for span in cycle_spans(calendar):
        opens_on = span.end + timedelta(days=1)
        deadline = span.end + timedelta(days=_deadline_days(span))
        signoff = deadline + timedelta(days=values.SIGNOFF_DAYS)
        state = cycle_state(span, signoff, calendar)
        cycle = ReportingCycle(
            period=periods[(span.kind, span.code)],
            opens_on=opens_on,
            data_entry_deadline=deadline,
            signoff_deadline=signoff,
            state=state,
        )
        # The performance team set up each year's cycles before the year began.
        year_start = date(rules.financial_year_start(span.start), 4, 1)
        set_up = values.working_time(year_start - timedelta(days=20), rng)
        events.append((cycle, CycleAction.CREATED, set_up))
        if state != CycleState.PLANNED:
            cycle.opened_by = by
            cycle.opened_at = datetime.combine(opens_on, time(7, 0), tzinfo=LONDON)
            events.append((cycle, CycleAction.OPENED, cycle.opened_at))
        if state == CycleState.CLOSED:
            cycle.closed_by = by
            cycle.closed_at = values.working_time(signoff + timedelta(days=rng.randint(1, 3)), rng)
            events.append((cycle, CycleAction.CLOSED, cycle.closed_at))
        if span.kind == rules.PeriodKind.quarter:
            feeds += [(cycle, meeting) for meeting in first_meetings_after(signoff, meetings)]
        cycles.append(cycle)
    ReportingCycle.objects.bulk_create(cycles)
    CycleEvent.objects.bulk_create(
        CycleEvent(cycle=cycle, action=action, by=by, at=at) for cycle, action, at in events
    )
    ReportingCycle.meetings.through.objects.bulk_create(
        ReportingCycle.meetings.through(reportingcycle_id=cycle.pk, meeting_id=meeting.pk)
        for cycle, meeting in feeds
    )


# --- Targets and baselines -------------------------------------------------------------------


def create_targets(
    calendar: DemoCalendar,
    indicators: dict[str, Indicator],
    periods: dict[tuple[str, str], Period],
) -> dict[str, dict[str, PlannedTarget]]:
    """Every indicator's targets; returned by indicator code and period code."""
    planned = {spec.code: plan_targets(spec, calendar) for spec in INDICATORS}
    Target.objects.bulk_create(
        [
            Target(
                indicator=indicators[code],
                period=periods[(target.span.kind, target.span.code)],
                value=target.value,
                lower=target.lower,
                upper=target.upper,
                rationale=target.rationale,
            )
            for code, targets in planned.items()
            for target in targets
        ],
        batch_size=values.BATCH,
    )
    return {
        code: {target.span.code: target for target in targets} for code, targets in planned.items()
    }


def create_baselines(
    indicators: dict[str, Indicator],
    plans: dict[str, list],
    periods: dict[tuple[str, str], Period],
) -> None:
    """A baseline at the first demo period; "from now" for newer indicators, set from their
    first value as the workflow would when it was signed off. Context indicators have none."""
    baselines = []
    for spec in INDICATORS:
        first = plans[spec.code][0] if plans[spec.code] else None
        indicator = indicators[spec.code]
        if spec.lifecycle in ("provisional", "proposed"):
            baselines.append(
                Baseline(
                    indicator=indicator,
                    is_from_now=True,
                    period=periods[(first.span.kind, first.span.code)] if first else None,
                    value=first.figure if first else None,
                    note="No earlier data: the first value collected is the baseline.",
                )
            )
        elif spec.polarity != "neither" and first is not None:
            baselines.append(
                Baseline(
                    indicator=indicator,
                    period=periods[(first.span.kind, first.span.code)],
                    value=first.figure,
                    note="Position at the start of the Strategic Plan period.",
                )
            )
    Baseline.objects.bulk_create(baselines)


# --- Values ----------------------------------------------------------------------------------


def _comparison_value(spec: IndicatorSpec, planned: list, index: int):
    """The value described alongside a figure: last year's for seasonal and cumulative
    indicators, else the previous period's."""
    if spec.seasonal or spec.aggregation == "cumulative":
        last_year = rules.same_period_last_year(planned[index].span).code
        return next((p for p in planned[:index] if p.span.code == last_year), None)
    return planned[index - 1] if index else None


def gather_returns(
    calendar: DemoCalendar,
    indicators: dict[str, Indicator],
    periods: dict[tuple[str, str], Period],
    plans: dict[str, list],
    targets: dict[str, dict[str, PlannedTarget]],
    people: dict[str, User],
) -> tuple[list[values.Return], list[values.Return]]:
    """Every planned value as a return, split into history and the latest cycles."""
    latest_codes = {calendar.latest_month.code, calendar.latest_quarter.code}
    history, latest = [], []
    for spec in INDICATORS:
        planned = plans[spec.code]
        for index, value in enumerate(planned):
            owner, approver = service_people(owner_on(spec, value.span.start, calendar))
            ret = values.Return(
                spec=spec,
                indicator=indicators[spec.code],
                period=periods[(value.span.kind, value.span.code)],
                planned=value,
                previous=_comparison_value(spec, planned, index),
                target=targets[spec.code].get(value.span.code),
                data_owner=people[owner],
                approver=people[approver],
            )
            is_latest = value.span.kind != "financial_year" and value.span.code in latest_codes
            (latest if is_latest else history).append(ret)
    return history, latest


def indicator_counts() -> dict[str, Counter]:
    """The loaded indicators by set, frequency, polarity and lifecycle (for the report)."""
    return {
        "set": Counter(Indicator.sets.through.objects.values_list("indicatorset__name", flat=True)),
        "frequency": Counter(Indicator.objects.values_list("frequency", flat=True)),
        "polarity": Counter(Indicator.objects.values_list("polarity", flat=True)),
        "lifecycle": Counter(Indicator.objects.values_list("lifecycle", flat=True)),
    }
