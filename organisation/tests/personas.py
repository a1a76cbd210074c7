"""Fixed personas on a small council, for every permission test.

Testshire has two directorates: Place (Waste and Recycling, Parks) and People (Libraries).
Q1 2026/27's reporting cycle is closed, Q2's is open and Q3's is planned. Today is
16 October 2026: Q2 has ended, its figures are due on 20 October, and the first reminder to
data owners (five days before) is due today.

Waste's Q2 return holds one figure at each stage, all entered by the Waste data owner:

| indicator | figure | state      | notes                                           |
| --------- | ------ | ---------- | ----------------------------------------------- |
| WST-01    | 61.7   | draft      | an evidence file quoting the figure is attached |
| WST-02    | 52.9   | submitted  | waiting for the Waste approver                  |
| WST-03    | 47.3   | signed off | first sent as 39.8, returned, then corrected    |

Parks (PRK-01) and Libraries (LIB-01) have nothing entered yet. The Waste data owner has
uploaded one return workbook (a finished import run). All three indicators of Waste are
strategic, linked to an ambition, an outcome and a committee, so every scorecard shows them.

The personas, by name (`PERSONAS`, in the order of every permission table):

| name           | roles            | scope     |
| -------------- | ---------------- | --------- |
| officer        | data owner       | Waste     |
| other_officer  | data owner       | Parks     |
| approver       | approver         | Waste     |
| other_approver | approver         | Parks     |
| director       | director         | Place     |
| performance    | performance team | (council) |
| admin          | superuser        | (council) |
| councillor     | councillor       | none      |
| anonymous      | not signed in    | none      |
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indicators.models import CycleState, IndicatorSet, Period, ReportingCycle, Value
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from indicators.workflow import return_value
from organisation.models import Council, OrgUnit, Role, User
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from returns.evidence import attach_evidence
from returns.models import (
    Audience,
    Deadline,
    Evidence,
    ImportKind,
    ImportRun,
    ImportState,
    ReminderRule,
)
from scorecards.tests.builders import Returns
from strategy.models import Ambition, Committee, Outcome
from strategy.tests.factories import (
    AmbitionFactory,
    CommitteeFactory,
    OutcomeFactory,
    PlanFactory,
)

TODAY = datetime.date(2026, 10, 16)
OPEN_PERIOD = "2026-27-Q2"
CLOSED_PERIOD = "2026-27-Q1"
PLANNED_PERIOD = "2026-27-Q3"
FREE_PERIOD = "2026-27-Q4"  # no cycle yet: the one a new cycle is planned for

# Unapproved figures must never reach people outside Waste; the signed-off one may.
DRAFT_FIGURE = "61.7"
SUBMITTED_FIGURE = "52.9"
RETURNED_FIGURE = "39.8"  # WST-03 before the approver returned it: never signed off
SIGNED_OFF_FIGURE = "47.3"
EVIDENCE_TEXT = f"month,recycled (%)\nSeptember 2026,{DRAFT_FIGURE}\n".encode()

PERSONAS = (
    "officer",
    "other_officer",
    "approver",
    "other_approver",
    "director",
    "performance",
    "admin",
    "councillor",
    "anonymous",
)


@dataclass
class Town:
    """The small council and everything the permission tests act on."""

    council: Council
    place: OrgUnit
    people: OrgUnit
    waste: OrgUnit
    parks: OrgUnit
    libraries: OrgUnit
    cycle: ReportingCycle  # Q2, open
    closed_cycle: ReportingCycle  # Q1
    planned_cycle: ReportingCycle  # Q3
    draft: Value  # WST-01
    submitted: Value  # WST-02
    signed_off: Value  # WST-03
    evidence: Evidence  # on the draft
    import_run: ImportRun  # the officer's finished workbook upload
    ambition: Ambition
    outcome: Outcome
    committee: Committee
    personas: dict[str, User | None]  # by name; anonymous is None

    def person(self, name: str) -> User | None:
        return self.personas[name]


def freeze_today(monkeypatch) -> datetime.date:
    """Make `timezone.localdate()` answer TODAY everywhere (views read it at call time)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


def _personas(*, waste, parks, place) -> dict[str, User | None]:
    def person(username, first_name, last_name, roles=(), units=(), **extra):
        return UserFactory(
            username=username,
            first_name=first_name,
            last_name=last_name,
            roles=list(roles),
            units=list(units),
            **extra,
        )

    return {
        "officer": person("officer", "Olu", "Adeyemi", [Role.DATA_OWNER], [waste]),
        "other_officer": person("other-officer", "Pat", "Green", [Role.DATA_OWNER], [parks]),
        "approver": person("approver", "Asha", "Patel", [Role.APPROVER], [waste]),
        "other_approver": person("other-approver", "Ben", "Hill", [Role.APPROVER], [parks]),
        "director": person("director", "Dana", "Reid", [Role.DIRECTOR], [place]),
        "performance": person("performance", "Priya", "Perform", [Role.PERFORMANCE_TEAM]),
        "admin": person("admin", "Ada", "Admin", is_superuser=True, is_staff=True),
        "councillor": person("councillor", "Cal", "Jones", [Role.COUNCILLOR]),
        "anonymous": None,
    }


def build_town() -> Town:
    """Build the council described at the top of this module (needs the database)."""
    ensure_periods(first_year=2025, last_year=2026)
    council = CouncilFactory(name="Testshire Council")
    place = DirectorateFactory(council=council, name="Place", code="place")
    people = DirectorateFactory(council=council, name="People", code="people")
    waste = OrgUnitFactory(council=council, parent=place, name="Waste and Recycling", code="waste")
    parks = OrgUnitFactory(council=council, parent=place, name="Parks", code="parks")
    libraries = OrgUnitFactory(council=council, parent=people, name="Libraries", code="libraries")
    personas = _personas(waste=waste, parks=parks, place=place)

    strategic, _ = IndicatorSet.objects.get_or_create(
        code="strategic", defaults={"name": "Strategic"}
    )
    ambition = AmbitionFactory(plan=PlanFactory(), code="cleaner-place", title="A cleaner place")
    outcome = OutcomeFactory(
        ambition=ambition, code="less-waste", title="Less waste", lead_unit=waste
    )
    committee = CommitteeFactory(name="Place Scrutiny Committee", code="place-scrutiny")
    waste_indicators = [
        IndicatorFactory(
            code=f"WST-0{n}",
            title=title,
            owner=waste,
            in_sets=[strategic.code],
            outcomes=[outcome],
            committees=[committee],
        )
        for n, title in (
            (1, "Household waste recycled"),
            (2, "Household waste composted"),
            (3, "Commercial waste recycled"),
        )
    ]
    IndicatorFactory(code="PRK-01", title="Parks with a Green Flag", owner=parks)
    IndicatorFactory(code="LIB-01", title="Library visits", owner=libraries)

    closed_cycle = ReportingCycleFactory(
        period=Period.objects.get(code=CLOSED_PERIOD), state=CycleState.CLOSED
    )
    cycle = ReportingCycleFactory(
        period=Period.objects.get(code=OPEN_PERIOD),
        opens_on=datetime.date(2026, 10, 1),
        data_entry_deadline=datetime.date(2026, 10, 20),
        signoff_deadline=datetime.date(2026, 10, 30),
        state=CycleState.OPEN,
    )
    planned_cycle = ReportingCycleFactory(
        period=Period.objects.get(code=PLANNED_PERIOD), state=CycleState.PLANNED
    )
    ReminderRule.objects.get_or_create(
        deadline=Deadline.DATA_ENTRY, days_after=-5, audience=Audience.DATA_OWNER
    )

    returns = Returns()
    returns.officer, returns.approver = personas["officer"], personas["approver"]
    recycled, composted, commercial = waste_indicators
    draft = returns.draft(recycled, OPEN_PERIOD, DRAFT_FIGURE, commentary="Early estimate")
    submitted = returns.submitted(composted, OPEN_PERIOD, SUBMITTED_FIGURE, commentary="Steady")
    first_go = returns.submitted(commercial, OPEN_PERIOD, RETURNED_FIGURE, commentary="Up")
    return_value(value=first_go, by=personas["approver"], reason="Check the tonnage")
    signed_off = returns.signed_off(commercial, OPEN_PERIOD, SIGNED_OFF_FIGURE, commentary="Up")
    evidence = attach_evidence(
        value=draft,
        upload=SimpleUploadedFile("tonnage.csv", EVIDENCE_TEXT),
        description="Contractor tonnage report",
        by=personas["officer"],
    )
    import_run = ImportRun.objects.create(
        kind=ImportKind.RETURN_WORKBOOK,
        cycle=cycle,
        service=waste,
        file="imports/2026/10/return.xlsx",
        original_name="return-Q2-2026-27-waste-and-recycling.xlsx",
        uploaded_by=personas["officer"],
        state=ImportState.DONE,
        total_rows=3,
        processed_rows=3,
        imported_rows=1,
        created_at=timezone.now(),
        finished_at=timezone.now(),
    )
    # Fresh copies: `can` caches roles and scope on a user object, as it does per request.
    personas = {
        name: None if user is None else User.objects.get(pk=user.pk)
        for name, user in personas.items()
    }
    return Town(
        council=council,
        place=place,
        people=people,
        waste=waste,
        parks=parks,
        libraries=libraries,
        cycle=cycle,
        closed_cycle=closed_cycle,
        planned_cycle=planned_cycle,
        draft=draft,
        submitted=submitted,
        signed_off=signed_off,
        evidence=evidence,
        import_run=import_run,
        ambition=ambition,
        outcome=outcome,
        committee=committee,
        personas=personas,
    )


def sign_in(client, person: User | None):
    """The test client acting as `person` (None: a member of the public, signed out)."""
    client.logout()
    if person is not None:
        client.force_login(person)
    return client
