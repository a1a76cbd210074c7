"""A large council for measuring speed: the demo's catalogue copied up to a county's size.

`generate_council(indicators=..., years=..., ..., today=..., seed=...)` (the sizes of a `Shape`:
`Shape.scaled(n)` or `COUNTY`) fills an empty database in one transaction.
It builds the Wyvern Vale demo council's skeleton with `demo.generate`'s own functions (the
council, its directorates, services, teams and people, the strategic framework, committees
and meetings, reporting cycles, and the registers: budgets, risks, projects, service plans,
improvement actions and published statistics), then widens it to `shape`:

- directorates beyond the demo's five are areas of the county ("North area"…), each with an
  area committee whose remit is the area;
- services beyond the demo's 26 are copies of them in those areas, each with its own head of
  service (who signs off) and data owner;
- indicators are the demo catalogue's, copied in order until there are `shape.indicators`.
  A copy keeps its template's definition, frequency, sets and outcome, is owned by a copy of
  its template's service, and has its own seeded series (its own code seeds it);
- every indicator has figures over `shape.years` financial years (the demo has five), signed
  off with the revisions `indicators.workflow` writes (`demo.values.history_story`), a few
  revised after sign-off or sent back first; the latest month and quarter are left missing,
  in draft, awaiting sign-off or returned as the demo leaves each copy's template;
- the demo's risks and projects of a service are copied for each copy of it, with their
  reviews and updates; budgets cover every unit (`finance.demo` reads the structure);
- synthetic published statistics for every current English council (`shape.benchmark_values`
  rows, imported through the benchmarking importer), some indicators compared with them.

Nothing is written a value at a time: rows are made in memory and saved with `bulk_create`,
a batch of indicators at a time, so the queries grow with the batches, never with the values.
The demo's own story (definition changes, a move, its released reports) is not repeated:
reports are made on demand (`release_quarter_report`).
"""

from __future__ import annotations

import copy
import csv
import math
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from audit.models import AuditHead
from audit.recording import recorded_in_bulk
from benchmarking.groups import NOT_COUNCILS
from benchmarking.importing import import_benchmark
from benchmarking.models import Area, BenchmarkLink, ComparatorGroup, ExternalValue, GroupKind
from benchmarking.models import Metric as PublishedMetric
from delivery.models import (
    Milestone,
    MilestoneDateChange,
    Project,
    ProjectUpdate,
    ProjectUpdateRevision,
)
from demo import commentary, values
from demo.council import (
    APPROVER,
    DATA_OWNER,
    DEFINITION_CHANGES,
    DIRECTOR,
    DIRECTORATES,
    EMAIL_DOMAIN,
    INDICATOR_SETS,
    INDICATORS,
    LATEST_MONTH_RETURNS,
    LATEST_QUARTER_RETURNS,
    MOVES,
    RETIREMENTS,
    SERVICES,
    STABLE_CODES,
    STEP_CHANGE_CODES,
    CommitteeSpec,
    IndicatorSpec,
    LatestReturn,
    PersonSpec,
    UnitSpec,
)
from demo.generate import (
    _bounds,
    _calculation,
    _comparison_value,
    _tolerance,
    create_committees,
    create_council,
    create_cycles,
    create_framework,
    create_meetings,
    create_people,
    create_units,
    existing_data,
    load_registers,
    meeting_days,
    owner_on,
    receiving_committees,
    service_people,
    summarise,
)
from demo.series import PER_UNIT, PERIOD_KIND, DemoCalendar, plan_targets, plan_values
from indicators.definitions import RETIRED_REASON, revise_definition
from indicators.models import (
    Baseline,
    Indicator,
    IndicatorSet,
    IndicatorVersion,
    Period,
    SpcRecalculation,
    Target,
    Value,
    ValueRevision,
)
from indicators.periods import ensure_periods
from organisation.models import Council, OrgUnit, User
from reports import reporting
from reports.models import Report, ReportKind
from risks.models import Control, FurtherAction, Risk, RiskReview, RiskReviewRevision
from status import periods as rules
from strategy.models import Committee, Meeting, OperatingPrinciple

LONDON = values.LONDON
BATCH = 2000  # rows a bulk insert (Django lowers it to what the database accepts)
INDICATOR_BATCH = 200  # indicators whose figures are made and written together
DEMO_INDICATORS = len(INDICATORS)  # 159
DEMO_YEARS = 5  # the demo's figures: four financial years before the current one, and it
DEMO_BENCHMARK_VALUES = 62_500  # a sixteenth of the county's million
AREAS = ("North", "South", "East", "West", "Central", "Coast", "Vale", "Forest")
# Of the older signed-off figures, how many were revised after sign-off or sent back first
# (the demo's six and two of about 1,900).
REVISED_SHARE = 0.003
RETURNED_SHARE = 0.001
SYNTHETIC_YEARS = 25  # financial years of synthetic published statistics
FIRST_NAMES = ("Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hamza", "Isla",
               "Jack", "Kate", "Liam", "Maya", "Noah", "Olu", "Poppy", "Ravi", "Sian")  # fmt: skip
LAST_NAMES = ("Ashby", "Brennan", "Chaudhry", "Dawson", "Evans", "Fletcher", "Gill", "Hughes",
              "Iqbal", "Jones", "Kowalski", "Lloyd", "Marsh", "Nolan", "Owusu", "Price",
              "Quinn", "Rees", "Singh", "Turner")  # fmt: skip

NOT_EMPTY = (
    "The database already holds {what}, so no council was generated. generate_council fills "
    "an empty database; pass --replace to empty this one first (every table except the groups, "
    "permissions, indicator sets and reminder rules the migrations load: all its data and its "
    "audit log are lost), or use a fresh database."
)
TOO_SMALL = (
    "A generated council has at least the demo's {directorates} directorates and {services} "
    "services, one indicator and one year of figures (asked for {asked})"
)
NO_LARGER_THAN = "At most {most} directorates: the demo's five and {areas} areas"
REPORT_TITLE = "Quarterly performance report"


class GenerateError(Exception):
    pass


# --- What to generate ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """How large a council to generate."""

    label: str
    indicators: int
    years: int  # financial years with figures, the current one included (the demo: five)
    directorates: int  # the demo's five, then areas of the county
    services: int  # the demo's 26, then copies of them in the areas
    benchmark_values: int  # synthetic published figures across every English council
    # Copies of quarterly snapshot indicators reported monthly instead, as a county collects
    # most of its figures (the demo's own mix is 40 % monthly, 48 % quarterly, 12 % annual).
    mostly_monthly: bool = False

    @classmethod
    def scaled(cls, scale: float) -> Shape:
        """`scale` times the demo's indicators over its five years. Directorates and services
        grow more slowly than the indicators, as councils' do: the cube root for services and
        the sixth root for directorates give a county's 60 and 8 at about 13 times the demo."""
        demo_directorates, demo_services = len(DIRECTORATES), len(SERVICES)
        return cls(
            label=f"{scale:g}×",
            indicators=max(1, round(DEMO_INDICATORS * scale)),
            years=DEMO_YEARS,
            directorates=min(
                demo_directorates + len(AREAS),
                max(demo_directorates, round(demo_directorates * scale ** (1 / 6))),
            ),
            services=max(demo_services, round(demo_services * scale ** (1 / 3))),
            benchmark_values=max(0, round(DEMO_BENCHMARK_VALUES * scale)),
        )

    def check(self) -> None:
        small = (
            self.directorates < len(DIRECTORATES)
            or self.services < len(SERVICES)
            or self.indicators < 1
            or self.years < 1
            or self.benchmark_values < 0
        )
        if small:
            raise GenerateError(
                TOO_SMALL.format(
                    directorates=len(DIRECTORATES), services=len(SERVICES), asked=self.describe()
                )
            )
        if self.directorates > len(DIRECTORATES) + len(AREAS):
            raise GenerateError(
                NO_LARGER_THAN.format(most=len(DIRECTORATES) + len(AREAS), areas=len(AREAS))
            )

    def describe(self) -> str:
        mix = " (copies mostly monthly)" if self.mostly_monthly else ""
        return (
            f"{self.indicators:,} indicators{mix} over {self.years} years, {self.directorates} "
            f"directorates, {self.services} services, {self.benchmark_values:,} published values"
        )


COUNTY = Shape(
    "county",
    indicators=2000,
    years=10,
    directorates=8,
    services=60,
    benchmark_values=1_000_000,
    mostly_monthly=True,
)
PRESETS = {"county": COUNTY}


@dataclass(frozen=True)
class LargeCalendar(DemoCalendar):
    """The demo's calendar over any number of years: approved indicators date from the first."""

    @classmethod
    def spanning(cls, today: date, years: int) -> LargeCalendar:
        current = rules.financial_year_start(today)
        return cls(today=today, current_fy=current, first_fy=current - years + 1)

    def effective_from(self, spec: IndicatorSpec) -> date:
        if spec.lifecycle in ("provisional", "proposed"):
            return super().effective_from(spec)
        return date(self.first_fy, 4, 1)


@dataclass(frozen=True)
class Structure:
    """The units, committees and people added to the demo's, and who returns for each service."""

    areas: list[UnitSpec]
    services: list[UnitSpec]
    templates: dict[str, str]  # an added service's code → the demo service it copies
    copies: dict[str, list[str]]  # a demo service's code → its own and its copies' codes
    committees: list[CommitteeSpec]
    people: list[PersonSpec]
    returners: dict[str, tuple[str, str]]  # every service → (data owner, approver) usernames


def _person(number: int, username: str, title: str, home: str, roles, scope) -> PersonSpec:
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    last = LAST_NAMES[(number * 7 + number // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return PersonSpec(username, first, last, title, home, roles, scope)


def plan_structure(shape: Shape) -> Structure:
    """The areas, copied services, area committees and their people (nothing saved)."""
    areas = [
        UnitSpec(
            f"{name.lower()}-area",
            f"{name} area",
            "directorate",
            head=f"director.{name.lower()}-area",
            description=f"The county's services delivered in the {name.lower()} area.",
        )
        for name in AREAS[: shape.directorates - len(DIRECTORATES)]
    ]
    services: list[UnitSpec] = []
    templates: dict[str, str] = {}
    copies = {spec.code: [spec.code] for spec in SERVICES}
    for number in range(shape.services - len(SERVICES)):
        template = SERVICES[number % len(SERVICES)]
        code = f"{template.code}-{len(copies[template.code]) + 1}"
        area = areas[number % len(areas)] if areas else None
        services.append(
            UnitSpec(
                code,
                f"{template.name}, {area.name}" if area else f"{template.name} ({code})",
                "service",
                area.code if area else template.parent,
                head=f"head.{code}",
                description=template.description,
            )
        )
        templates[code] = template.code
        copies[template.code].append(code)
    committees = [
        CommitteeSpec(
            f"{area.code}-committee",
            f"{area.name.title()} Committee",
            "scrutiny",
            f"Scrutinises the services delivered in the {area.name.lower()}.",
            (),
            (area.code,),
            False,
            18,
            number % 5,
            f"{area.name.title()} Office",
            17 + number % 3,
        )
        for number, area in enumerate(areas)
    ]
    people = [
        _person(n, area.head, f"Director, {area.name}", area.code, (DIRECTOR,), (area.code,))
        for n, area in enumerate(areas)
    ]
    returners = {spec.code: service_people(spec.code) for spec in SERVICES}
    for number, service in enumerate(services, start=len(areas)):
        owner = f"owner.{service.code}"
        people.append(
            _person(
                2 * number,
                service.head,
                f"Head of {service.name}",
                service.code,
                (APPROVER,),
                (service.code,),
            )
        )
        people.append(
            _person(
                2 * number + 1,
                owner,
                f"Performance Officer, {service.name}",
                service.code,
                (DATA_OWNER,),
                (service.code,),
            )
        )
        returners[service.code] = (owner, service.head)
    return Structure(areas, services, templates, copies, committees, people, returners)


@dataclass(frozen=True)
class Planned:
    """One indicator to generate: its own spec and the demo indicator it copies."""

    spec: IndicatorSpec
    template: IndicatorSpec
    copy: int  # 0 for the demo's own indicator, else 1, 2…


def plan_indicators(shape: Shape, structure: Structure) -> list[Planned]:
    """The catalogue's indicators, copied in order until there are `shape.indicators`."""
    area_of = {service.code: service.name.rpartition(", ")[2] for service in structure.services}
    planned = []
    for number in range(shape.indicators):
        template = INDICATORS[number % DEMO_INDICATORS]
        copy_number = number // DEMO_INDICATORS
        if copy_number == 0:
            planned.append(Planned(template, template, 0))
            continue
        owners = structure.copies[template.owner]
        owner = owners[copy_number % len(owners)]
        monthly = shape.mostly_monthly and (template.frequency, template.aggregation) == (
            "quarterly",
            "snapshot",
        )
        spec = replace(
            template,
            code=f"{template.code}-{copy_number + 1}",
            owner=owner,
            title=f"{template.title} ({area_of[owner]})" if owner in area_of else template.title,
            topic=template.topic or commentary.SERVICE_TOPICS[template.owner],
            frequency="monthly" if monthly else template.frequency,
        )
        planned.append(Planned(spec, template, copy_number))
    return planned


# --- Generating ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LargeSummary:
    shape: Shape
    lines: list[str]
    values: int
    indicators: int


@transaction.atomic
@recorded_in_bulk("large council generated", kind="demo", label="A large generated council")
def generate_council(
    *,
    indicators: int,
    years: int,
    directorates: int,
    services: int,
    benchmark_values: int,
    today: date,
    seed: int = 2026,
    mostly_monthly: bool = False,
    replace_existing: bool = False,
) -> LargeSummary:
    """Fill an empty database (or, with `replace_existing`, an emptied one) with a council of
    the given size (see `Shape`) as it stands on `today`; the same arguments always give the
    same figures."""
    shape = Shape("", indicators, years, directorates, services, benchmark_values, mostly_monthly)
    shape.check()
    what = existing_data()
    if what and not replace_existing:
        raise GenerateError(NOT_EMPTY.format(what=what))
    if what:
        empty_database()
    calendar = LargeCalendar.spanning(today, years)
    structure = plan_structure(shape)
    planned = plan_indicators(shape, structure)

    council = create_council()
    units = create_units(council)
    add_units(council, units, structure)
    people = create_people(units)
    add_people(people, units, structure)
    outcomes = create_framework(calendar, units)
    committees = create_committees(units)
    meetings = create_meetings(committees, calendar, seed)
    meetings += add_committees(committees, units, structure, calendar, seed)
    ensure_periods(first_year=calendar.first_fy, last_year=calendar.current_fy + 1)
    periods = {(period.kind, period.code): period for period in Period.objects.all()}
    performance = people["performance"]
    made = create_indicators(planned, calendar, units, people, outcomes, committees, periods)
    made = change_definitions(planned, made, calendar, units, committees, performance)
    create_cycles(calendar, periods, meetings, performance, seed)
    written = 0
    for batch in _batches(planned, INDICATOR_BATCH):
        written += write_figures(batch, calendar, made, periods, people, structure, seed)
    set_recalculations(planned, made, calendar, periods, performance)
    date_versions()
    # The improvement actions name the demo's indicators: only with the whole catalogue.
    load_registers(today, people, seed, improvement=indicators >= DEMO_INDICATORS)
    copy_registers(structure, units, people)
    load_synthetic_benchmarks(rows=benchmark_values, calendar=calendar, council=council, seed=seed)
    analyse()
    summary = summarise()
    return LargeSummary(
        shape=shape,
        lines=[
            f"{structure_line(units)}",
            *summary.lines(),
            f"{ExternalValue.objects.count():,} published values of other councils",
        ],
        values=written,
        indicators=len(made),
    )


def analyse() -> None:
    """Have PostgreSQL gather its planner's statistics after the bulk load, as autovacuum
    would in time; inside a transaction (as the scale bench runs) they count the rows the
    transaction wrote, which autovacuum never sees. Not SQLite: its statistics are gathered
    only when asked, and with them it chose a slower plan for the committee scorecard
    (270 ms to 451 ms at the county)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def structure_line(units: dict[str, OrgUnit]) -> str:
    kinds = [unit.kind for unit in units.values()]
    return f"{kinds.count('directorate')} directorates with {kinds.count('service')} services"


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def empty_database() -> None:
    """Empty every table but the reference data the migrations load (groups and their
    permissions, content types, indicator sets, reminder rules), the audit log too: a
    generated council replaces everything, so nothing may point at what went before."""
    kept_models = [
        apps.get_model(label)
        for label in (
            "auth.Group",
            "auth.Permission",
            "contenttypes.ContentType",
            "indicators.IndicatorSet",
            "returns.ReminderRule",
        )
    ]
    kept = {model._meta.db_table for model in kept_models}
    kept.add(Group.permissions.through._meta.db_table)
    tables = [
        table
        for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        if table not in kept
    ]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # TRUNCATE refuses tables with foreign-key checks still deferred in this transaction
        # (rows written earlier in it): run those checks now, and defer them again after.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(statements)
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    AuditHead.objects.get_or_create(pk=1)  # as the audit app's migration made it


# --- Structure, people and committees --------------------------------------------------------


def add_units(council: Council, units: dict[str, OrgUnit], structure: Structure) -> None:
    for layer in (structure.areas, structure.services):
        made = [
            OrgUnit(
                council=council,
                parent=units.get(spec.parent),
                kind=spec.kind,
                code=spec.code,
                name=spec.name,
                description=spec.description,
                order=len(units) + number,
            )
            for number, spec in enumerate(layer)
        ]
        OrgUnit.objects.bulk_create(made)
        units.update({unit.code: unit for unit in made})


def add_people(people: dict[str, User], units: dict[str, OrgUnit], structure: Structure) -> None:
    """The areas' directors, and each added service's head and data owner, with the demo's
    password (hashed once, by `create_people`)."""
    password = people["performance"].password
    made = [
        User(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=f"{person.username}@{EMAIL_DOMAIN}",
            job_title=person.job_title,
            home_unit=units[person.home_unit],
            password=password,
        )
        for person in structure.people
    ]
    User.objects.bulk_create(made)
    people.update({user.username: user for user in made})
    groups = dict(Group.objects.values_list("name", "pk"))
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=people[person.username].pk, group_id=groups[role])
        for person in structure.people
        for role in person.roles
    )
    User.scope.through.objects.bulk_create(
        User.scope.through(user_id=people[person.username].pk, orgunit_id=units[code].pk)
        for person in structure.people
        for code in person.scope
    )
    headed = [*structure.areas, *structure.services]
    for spec in headed:
        units[spec.code].head = people[spec.head]
    OrgUnit.objects.bulk_update([units[spec.code] for spec in headed], ["head"])


def add_committees(
    committees: dict[str, Committee],
    units: dict[str, OrgUnit],
    structure: Structure,
    calendar: DemoCalendar,
    seed: int,
) -> list[Meeting]:
    """Each area's committee and its meetings (the demo's committees come first)."""
    made = [
        Committee(
            name=spec.name,
            code=spec.code,
            kind=spec.kind,
            remit=spec.remit,
            receives_full_scorecard=spec.receives_full_scorecard,
            order=len(committees) + number,
        )
        for number, spec in enumerate(structure.committees)
    ]
    Committee.objects.bulk_create(made)
    committees.update({committee.code: committee for committee in made})
    Committee.remit_units.through.objects.bulk_create(
        Committee.remit_units.through(committee_id=committees[spec.code].pk, orgunit_id=units[u].pk)
        for spec in structure.committees
        for u in spec.units
    )
    meetings = [
        Meeting(
            committee=committees[spec.code],
            starts_at=datetime.combine(day, time(spec.hour), tzinfo=LONDON),
            venue=spec.venue,
        )
        for spec in structure.committees
        for day in meeting_days(spec, calendar, seed)
    ]
    Meeting.objects.bulk_create(meetings)
    return meetings


# --- Indicators, their versions and places ---------------------------------------------------


def _committee_codes(spec: IndicatorSpec, units: dict[str, OrgUnit]) -> list[str]:
    """The demo's committees that receive the indicator, and its area's committee."""
    directorate = units[spec.owner].parent
    codes = receiving_committees(spec, directorate.code)
    if directorate.code.endswith("-area"):
        codes.append(f"{directorate.code}-committee")
    return codes


def _first_period(spec, calendar, periods) -> Period | None:
    if spec.lifecycle not in ("provisional", "proposed"):
        return None
    kind = PERIOD_KIND[spec.frequency]
    span = rules.period_containing(rules.PeriodKind(kind), calendar.effective_from(spec))
    return periods[(kind, span.code)]


def build_indicator(planned: Planned, calendar, units, people, periods) -> Indicator:
    """As `demo.generate.build_indicator`, for a spec owned by any service; a retired
    indicator is made retired after its last period, as `retire_indicator` leaves it."""
    spec = planned.spec
    topic = spec.topic or commentary.SERVICE_TOPICS[spec.owner]
    same_period = spec.seasonal or spec.aggregation == "cumulative"
    owner = units[spec.owner]
    indicator = Indicator(
        code=spec.code,
        title=spec.title[:200],
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
        responsible_officer=owner.head,
        lifecycle=spec.lifecycle,
        effective_from=calendar.effective_from(spec),
        first_period=_first_period(spec, calendar, periods),
        **_bounds(spec),
    )
    if spec.lifecycle == "retired":
        # Retired at the end of the year before last; before the generated years begin, it
        # was last reported for its first period (and has no figure).
        kind = rules.PeriodKind(PERIOD_KIND[spec.frequency])
        spans = calendar.value_spans(spec) or [
            rules.period_containing(kind, indicator.effective_from)
        ]
        last = spans[-1]
        indicator.last_period = periods[(last.kind, last.code)]
        indicator.version = 2
        indicator.effective_from = max(last.end + timedelta(days=1), indicator.effective_from)
    return indicator


def create_indicators(planned, calendar, units, people, outcomes, committees, periods):
    """Every indicator with its places and its first version (and a retired one's second),
    in bulk: `record_first_version` and `retire_indicator` would cost queries per indicator."""
    made = [build_indicator(p, calendar, units, people, periods) for p in planned]
    Indicator.objects.bulk_create(made, batch_size=BATCH)
    indicators = {indicator.code: indicator for indicator in made}
    sets = {
        code: IndicatorSet.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order}
        )[0].pk
        for order, (code, name, description) in enumerate(INDICATOR_SETS)
    }
    principles = dict(OperatingPrinciple.objects.values_list("name", "pk"))
    links = {"sets": [], "outcomes": [], "committees": [], "principles": []}
    versions = []
    performance = people["performance"]
    for item in planned:
        spec, indicator = item.spec, indicators[item.spec.code]
        set_ids = sorted(
            {sets["strategic" if spec.outcome else "operational"], *(sets[c] for c in spec.sets)}
        )
        outcome_ids = [outcomes[spec.outcome].pk] if spec.outcome else []
        committee_ids = sorted({committees[c].pk for c in _committee_codes(spec, units)})
        pk = indicator.pk
        links["sets"] += [
            Indicator.sets.through(indicator_id=pk, indicatorset_id=s) for s in set_ids
        ]
        links["outcomes"] += [
            Indicator.outcomes.through(indicator_id=pk, outcome_id=o) for o in outcome_ids
        ]
        links["committees"] += [
            Indicator.committees.through(indicator_id=pk, committee_id=c) for c in committee_ids
        ]
        links["principles"] += [
            Indicator.principles.through(indicator_id=pk, operatingprinciple_id=principles[name])
            for name in spec.principles
        ]
        places = {
            "owner_id": indicator.owner_id,
            "set_ids": set_ids,
            "committee_ids": committee_ids,
            "outcome_ids": sorted(outcome_ids),
        }
        first = calendar.effective_from(spec)
        versions.append(_version(indicator, 1, first, "First definition", places, performance))
        if spec.lifecycle == "retired":
            reason = RETIRED_REASON.format(
                period=indicator.last_period.label, reason=RETIREMENTS[item.template.code]
            )
            versions.append(
                _version(indicator, 2, indicator.effective_from, reason, places, performance)
            )
    for name, rows in links.items():
        getattr(Indicator, name).through.objects.bulk_create(rows, batch_size=BATCH)
    IndicatorVersion.objects.bulk_create(versions, batch_size=BATCH)
    return indicators


def _version(indicator, number, effective_from, reason, places, by) -> IndicatorVersion:
    return IndicatorVersion(
        indicator=indicator,
        number=number,
        effective_from=effective_from,
        change_reason=reason,
        recorded_by=by,
        **indicator.definition_values(),
        **places,
    )


def change_definitions(planned, indicators, calendar, units, committees, by):
    """The demo's own definition changes and its move, on the demo's own indicators (copies
    keep one definition: their figures are made at the template's first precision), through
    the domain. A handful of calls, whatever the size."""
    own = {p.spec.code: p.spec for p in planned if p.copy == 0}
    for change in DEFINITION_CHANGES:
        indicator = indicators.get(change.code)
        starts = calendar.year_start(-change.years_ago)
        if indicator is None or starts <= indicator.effective_from:
            continue
        revise_definition(
            indicator=indicator,
            changes=change.changes,
            effective_from=starts,
            reason=change.reason,
            by=by,
        )
    for move in MOVES:
        indicator = indicators.get(move.code)
        starts = calendar.year_start(-move.years_ago)
        if indicator is None or starts <= indicator.effective_from:
            continue
        moved = replace(own[move.code], owner=move.owner)
        revise_definition(
            indicator=indicator,
            changes={
                "owner": units[move.owner],
                "committees": [committees[c] for c in _committee_codes(moved, units)],
            },
            effective_from=starts,
            reason=move.reason,
            by=by,
        )
    return indicators


def date_versions() -> None:
    """Versions were agreed a few weeks before they took effect, not when they were made."""
    found = list(IndicatorVersion.objects.only("pk", "number", "effective_from"))
    for version in found:
        agreed = version.effective_from - timedelta(days=24 if version.number == 1 else 17)
        version.recorded_at = datetime.combine(agreed, time(10, 30), tzinfo=LONDON)
    IndicatorVersion.objects.bulk_update(found, ["recorded_at"], batch_size=BATCH)


def set_recalculations(planned, indicators, calendar, periods, by) -> None:
    """SPC limits recalculated from each step change of the demo's series, on every copy of
    an indicator that has one (in bulk: `set_recalculation` is a call per indicator)."""
    made = []
    for item in planned:
        reason = STEP_CHANGE_CODES.get(item.template.code)
        step = item.spec.series.step
        spans = calendar.value_spans(item.spec)
        if reason is None or step is None or not spans:
            continue
        month = rules.period_from_code(rules.PeriodKind.month, step[0])
        kind = rules.PeriodKind(PERIOD_KIND[item.spec.frequency])
        first = rules.period_containing(kind, month.start)
        if not spans[0].start < first.start <= spans[-1].start:
            continue  # the step is outside the generated years
        _when, _, why = reason.partition(": ")
        noticed = min(month.start + timedelta(days=230), calendar.today - timedelta(days=1))
        made.append(
            SpcRecalculation(
                indicator=indicators[item.spec.code],
                period=periods[(first.kind, first.code)],
                reason=why[:1].upper() + why[1:] + ".",
                set_by=by,
                set_at=datetime.combine(noticed, time(11, 0), tzinfo=LONDON),
            )
        )
    SpcRecalculation.objects.bulk_create(made, batch_size=BATCH)


# --- Figures ---------------------------------------------------------------------------------


def write_figures(batch, calendar, indicators, periods, people, structure, seed) -> int:
    """One batch of indicators' targets, baselines and figures with their revisions."""
    plans = {item.spec.code: plan_values(item.spec, calendar, seed) for item in batch}
    targets = {}
    target_rows = []
    for item in batch:
        planned_targets = plan_targets(item.spec, calendar)
        targets[item.spec.code] = {t.span.code: t for t in planned_targets}
        target_rows += [
            Target(
                indicator=indicators[item.spec.code],
                period=periods[(t.span.kind, t.span.code)],
                value=t.value,
                lower=t.lower,
                upper=t.upper,
                rationale=t.rationale,
            )
            for t in planned_targets
        ]
    Target.objects.bulk_create(target_rows, batch_size=BATCH)
    Baseline.objects.bulk_create(
        baseline
        for item in batch
        if (baseline := _baseline(item.spec, indicators, plans, periods)) is not None
    )
    stories = []
    latest_codes = {calendar.latest_month.code, calendar.latest_quarter.code}
    for item in batch:
        spec = item.spec
        planned = plans[spec.code]
        for index, value in enumerate(planned):
            owner, approver = structure.returners[owner_on(spec, value.span.start, calendar)]
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
            if value.span.kind != "financial_year" and value.span.code in latest_codes:
                story = latest_story(ret, item.template, calendar, seed)
            else:
                special = special_kind(ret, item.template, calendar, seed)
                story = values.history_story(ret, calendar, seed, special)
            if story is not None:
                stories.append(story)
    Value.objects.bulk_create([story.value for story in stories], batch_size=BATCH)
    revisions = []
    for story in stories:
        for revision in story.revisions:
            revision.value_id = story.value.pk
            revisions.append(revision)
    ValueRevision.objects.bulk_create(revisions, batch_size=BATCH)
    return len(stories)


def _baseline(spec, indicators, plans, periods) -> Baseline | None:
    """As `demo.generate.create_baselines`: the first figure, or "from now" for newer ones."""
    first = plans[spec.code][0] if plans[spec.code] else None
    period = periods[(first.span.kind, first.span.code)] if first else None
    if spec.lifecycle in ("provisional", "proposed"):
        return Baseline(
            indicator=indicators[spec.code],
            is_from_now=True,
            period=period,
            value=first.figure if first else None,
            note="No earlier data: the first value collected is the baseline.",
        )
    if spec.polarity != "neither" and first is not None:
        return Baseline(
            indicator=indicators[spec.code],
            period=period,
            value=first.figure,
            note="Position at the start of the Strategic Plan period.",
        )
    return None


def special_kind(ret: values.Return, template, calendar: DemoCalendar, seed: int) -> str:
    """Whether an older figure was revised after sign-off or sent back first: the demo's
    share of such figures (`demo.values.choose_special` picks a fixed number)."""
    end = ret.planned.span.end
    pinned = template.code in STEP_CHANGE_CODES or template.code in STABLE_CODES
    window = calendar.today - timedelta(days=900) <= end <= calendar.today - timedelta(days=270)
    if pinned or not window or ret.spec.lifecycle != "approved":
        return ""
    draw = random.Random(f"{seed}:special:{ret.spec.code}:{ret.planned.span.code}").random()
    if draw < REVISED_SHARE:
        return "revised"
    if draw < REVISED_SHARE + RETURNED_SHARE:
        return "returned"
    return ""


def latest_story(ret: values.Return, template, calendar, seed) -> values.Story | None:
    """The latest month's or quarter's return as `demo.values.run_latest_returns` leaves it
    (missing, draft, submitted, returned or signed off, as the copy's template), built in
    memory as the workflow writes it rather than through the workflow a value at a time."""
    if ret.planned.span.code == calendar.latest_quarter.code:
        returns = LATEST_QUARTER_RETURNS
    else:
        returns = LATEST_MONTH_RETURNS
    state = returns.get(template.code, LatestReturn("approved"))
    if state.state == "missing":
        return None
    rng = random.Random(f"{seed}:latest:{ret.spec.code}:{ret.planned.span.code}")
    entries = values.compose_entries(ret, calendar, rng, latest=True)
    times = values.in_order(values._latest_times(state.state, ret, rng), calendar)
    story = values.Story(Value(indicator_id=ret.indicator.pk, period_id=ret.period.pk))
    story.record(entries, ret.data_owner, times[0])
    if state.state != "draft":
        story.submit(ret.data_owner, times[1])
    if state.state == "approved":
        story.approve(ret.approver, times[2])
    elif state.state == "returned":
        story.send_back(ret.approver, times[2], state.reason)
    return story


# --- Registers of the added services ---------------------------------------------------------


def _clone(item, **changes):
    """An unsaved copy of a model instance with some fields changed."""
    made = copy.copy(item)
    made._state = ModelState()
    made.pk = None
    for name, value in changes.items():
        setattr(made, name, value)
    return made


def copy_registers(structure: Structure, units: dict[str, OrgUnit], people) -> None:
    """Each added service gets its template service's risks (with controls, actions and a
    year of reviews) and projects (with milestones and updates), written by its own data
    owner and signed off by its own head. Copies are linked to the same outcomes, not to
    indicators or to each other."""
    if not structure.templates:
        return
    template_units = {units[code].pk: code for code in set(structure.templates.values())}
    by_template: dict[str, list[str]] = {}
    for code, template in sorted(structure.templates.items()):
        by_template.setdefault(template, []).append(code)

    def person_map(template: str, code: str):
        owner = people[structure.returners[template][0]].pk
        new_owner, new_head = (people[u] for u in structure.returners[code])
        return lambda user_id: new_owner if user_id == owner else new_head

    _copy_risks(template_units, by_template, units, person_map)
    _copy_projects(template_units, by_template, units, person_map)


def _copy_risks(template_units, by_template, units, person_map) -> None:
    risks = list(Risk.objects.filter(unit_id__in=template_units).order_by("pk"))
    made, pairs = [], []  # pairs: (original risk pk, copy, person map)
    for risk in risks:
        template = template_units[risk.unit_id]
        for code in by_template[template]:
            person = person_map(template, code)
            suffix = code.rpartition("-")[2]
            clone = _clone(
                risk,
                reference=f"{risk.reference}-{suffix}"[:20],
                unit=units[code],
                owner=person(risk.owner_id),
            )
            made.append(clone)
            pairs.append((risk, clone, person))
    Risk.objects.bulk_create(made, batch_size=BATCH)
    for risk, clone, _ in pairs:  # kept from the original: bulk_create stamped the clock
        clone.created_at, clone.updated_at = risk.created_at, risk.updated_at
    Risk.objects.bulk_update(made, ["created_at", "updated_at"], batch_size=BATCH)
    clone_of = {}
    for risk, clone, person in pairs:
        clone_of.setdefault(risk.pk, []).append((clone, person))
    outcomes = Risk.outcomes.through.objects.filter(risk_id__in=clone_of)
    Risk.outcomes.through.objects.bulk_create(
        Risk.outcomes.through(risk_id=clone.pk, outcome_id=link.outcome_id)
        for link in outcomes
        for clone, _ in clone_of[link.risk_id]
    )
    for model in (Control, FurtherAction):
        rows = model.objects.filter(risk_id__in=clone_of).order_by("pk")
        model.objects.bulk_create(
            [
                _clone(row, risk=clone, owner_id=person(row.owner_id).pk)
                for row in rows
                for clone, person in clone_of[row.risk_id]
            ],
            batch_size=BATCH,
        )
    reviews = list(RiskReview.objects.filter(risk_id__in=clone_of).order_by("pk"))
    _copy_returns(
        reviews,
        lambda review: clone_of[review.risk_id],
        "risk",
        RiskReviewRevision,
        "review",
    )


def _copy_projects(template_units, by_template, units, person_map) -> None:
    projects = list(Project.objects.filter(lead_service_id__in=template_units).order_by("pk"))
    clone_of: dict[int, list] = {}
    made = []
    for project in projects:
        template = template_units[project.lead_service_id]
        for code in by_template[template]:
            person = person_map(template, code)
            suffix = code.rpartition("-")[2]
            clone = _clone(
                project,
                reference=f"{project.reference}-{suffix}"[:20],
                lead_service=units[code],
                owner=person(project.owner_id),
            )
            made.append(clone)
            clone_of.setdefault(project.pk, []).append((clone, person))
    Project.objects.bulk_create(made, batch_size=BATCH)
    Project.outcomes.through.objects.bulk_create(
        Project.outcomes.through(project_id=clone.pk, outcome_id=link.outcome_id)
        for link in Project.outcomes.through.objects.filter(project_id__in=clone_of)
        for clone, _ in clone_of[link.project_id]
    )
    milestones = list(Milestone.objects.filter(project_id__in=clone_of).order_by("pk"))
    milestone_clones = {}
    made_milestones = []
    for milestone in milestones:
        for clone, person in clone_of[milestone.project_id]:
            copied = _clone(milestone, project=clone)
            made_milestones.append(copied)
            milestone_clones.setdefault(milestone.pk, []).append((copied, person))
    Milestone.objects.bulk_create(made_milestones, batch_size=BATCH)
    MilestoneDateChange.objects.bulk_create(
        [
            _clone(change, milestone=copied, changed_by_id=person(change.changed_by_id).pk)
            for change in MilestoneDateChange.objects.filter(milestone_id__in=milestone_clones)
            for copied, person in milestone_clones[change.milestone_id]
        ],
        batch_size=BATCH,
    )
    updates = list(ProjectUpdate.objects.filter(project_id__in=clone_of).order_by("pk"))
    _copy_returns(
        updates,
        lambda update: clone_of[update.project_id],
        "project",
        ProjectUpdateRevision,
        "update",
    )


def _copy_returns(items, owners_of, parent: str, revision_model, revision_of: str) -> None:
    """Copy returns (reviews, updates) to each copy of their parent, and their revisions,
    with the people who wrote and signed them off replaced by the copy's."""
    made, originals = [], []
    for item in items:
        for clone, person in owners_of(item):
            made.append(
                _clone(
                    item,
                    **{parent: clone},
                    entered_by_id=person(item.entered_by_id).pk,
                    submitted_by_id=person(item.submitted_by_id).pk
                    if item.submitted_by_id
                    else None,
                    approved_by_id=person(item.approved_by_id).pk if item.approved_by_id else None,
                )
            )
            originals.append((item.pk, person))
    if not made:
        return
    type(items[0]).objects.bulk_create(made, batch_size=BATCH)
    copies_of: dict[int, list] = {}
    for (pk, person), copied in zip(originals, made, strict=True):
        copies_of.setdefault(pk, []).append((copied, person))
    revisions = revision_model.objects.filter(**{f"{revision_of}_id__in": copies_of})
    revision_model.objects.bulk_create(
        [
            _clone(
                revision,
                **{revision_of: copied},
                changed_by_id=person(revision.changed_by_id).pk,
            )
            for revision in revisions.order_by("pk")
            for copied, person in copies_of[getattr(revision, f"{revision_of}_id")]
        ],
        batch_size=BATCH,
    )


# --- Published statistics of other councils --------------------------------------------------


def load_synthetic_benchmarks(*, rows: int, calendar: DemoCalendar, council, seed: int) -> int:
    """About `rows` made-up published figures (a metric after another, every current English
    council, the last `SYNTHETIC_YEARS` financial years, a marker in every 50th), imported
    through the benchmarking importer; each metric compared with one indicator of the same
    polarity in a group of those councils. Returns how many rows were imported."""
    if rows <= 0:
        return 0
    if not Area.objects.exists():
        from benchmarking.areas import load_areas

        load_areas()
    areas = list(
        Area.objects.filter(nation="England", is_current=True)
        .exclude(tier__in=NOT_COUNCILS)
        .exclude(gss_code=council.ons_code)
        .order_by("gss_code", "code")
    )
    years = [
        f"{year}-{(year + 1) % 100:02d}"
        for year in range(calendar.current_fy - SYNTHETIC_YEARS, calendar.current_fy)
    ]
    per_metric = len(areas) * len(years)
    metrics = math.ceil(rows / per_metric)
    linked = _indicators_to_compare(metrics)
    polarity = [
        linked[n].polarity if n < len(linked) else "higher_is_better" for n in range(metrics)
    ]
    rng = random.Random(f"{seed}:published")
    with tempfile.TemporaryDirectory() as folder:
        description, data = Path(folder) / "synthetic.toml", Path(folder) / "synthetic.csv"
        description.write_text(_description(metrics, polarity))
        with open(data, "w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["code", "metric", "year", "value"])
            written = 0
            for n in range(metrics):
                level = rng.uniform(10, 90)
                for year in years:
                    for area in areas:
                        if written == rows:
                            break
                        figure = f"{level * rng.uniform(0.6, 1.4):.2f}"
                        value = ":" if written % 50 == 0 else figure
                        writer.writerow([area.gss_code or area.code, f"S{n}", year, value])
                        written += 1
        import_benchmark(description, data)
    group = ComparatorGroup.objects.create(
        name="English councils (synthetic statistics)",
        kind=GroupKind.OWN,
        source="Every current English council, for the synthetic statistics of a generated council",
    )
    group.members.set(areas)
    found = PublishedMetric.objects.in_bulk(
        [f"synthetic-{n}" for n in range(metrics)], field_name="code"
    )
    BenchmarkLink.objects.bulk_create(
        BenchmarkLink(
            indicator=indicator,
            metric=found[f"synthetic-{n}"],
            group=group,
            definition_note="A made-up statistic, for measuring speed.",
        )
        for n, indicator in enumerate(linked)
    )
    return rows


def _indicators_to_compare(metrics: int) -> list[Indicator]:
    """`metrics` approved indicators judged higher or lower is better, spread over the
    catalogue, not yet compared with anything."""
    candidates = list(
        Indicator.objects.filter(
            lifecycle="approved",
            polarity__in=("higher_is_better", "lower_is_better"),
            benchmark_link__isnull=True,
        ).order_by("code")
    )
    if not candidates:
        return []
    step = max(1, len(candidates) // metrics)
    return candidates[::step][:metrics]


def _description(metrics: int, polarity: list[str]) -> str:
    entries = "\n".join(
        f'[[metrics]]\ncode = "synthetic-{n}"\nwhen = "S{n}"\ntitle = "Synthetic statistic {n}"\n'
        f'polarity = "{polarity[n]}"\n'
        for n in range(metrics)
    )
    return (
        '[source]\nname = "Synthetic statistics"\npublisher = "Golden Thread generator"\n'
        'licence = "Made up"\nrelease = "1"\n\n'
        '[layout]\nshape = "long"\narea_code_column = "code"\nmetric_column = "metric"\n'
        'period_column = "year"\nvalue_column = "value"\n\n[markers]\n":" = "not available"\n\n'
        + entries
    )


# --- A released report, for the public pages -------------------------------------------------


def release_quarter_report(*, today: date) -> Report:
    """Approve the committee report of the latest complete quarter for the committee that
    receives the whole scorecard, at its latest meeting that has begun, so the public site
    shows the quarter (as `demo.reports` releases the demo's)."""
    committee = Committee.objects.filter(receives_full_scorecard=True).order_by("order").first()
    meeting = (
        committee.meetings.filter(starts_at__lte=timezone.now(), is_cancelled=False)
        .order_by("-starts_at")
        .first()
    )
    period = Period.objects.filter(kind="quarter", ends_on__lt=today).order_by("-starts_on").first()
    performance, director = (User.objects.get(username=u) for u in ("performance", "director"))
    report = reporting.create_report(
        by=performance,
        kind=ReportKind.COMMITTEE,
        period=period,
        title=REPORT_TITLE,
        committee=committee,
        meeting=meeting,
    )
    return reporting.approve_report(
        report, by=director, seen=reporting.seen_now(report), make_files=False
    )
