"""A council whose Q2 2026/27 returns stand at every state, for the cycle and chasing tests.

Q2 2026/27 runs 1 July to 30 September 2026; figures are due 20 October, signed off by
30 October. Two directorates, five services with two indicators each:

| service            | directorate | return          | figures                    |
| ------------------ | ----------- | --------------- | -------------------------- |
| Waste (`waste`)    | Place       | Not started     | none                       |
| Parks (`parks`)    | Place       | Draft           | one draft, one not started |
| Planning           | Place       | Submitted       | both submitted             |
| Housing            | People      | Returned        | one returned, one submitted|
| Libraries          | People      | Signed off      | both signed off            |

People: a data owner for each service, an approver for each directorate, the head of Waste
(no role) and one member of the performance team.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from indicators.models import CycleState, Indicator, Period, ReportingCycle
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory, ReportingCycleFactory
from indicators.workflow import return_value
from organisation.models import OrgUnit, Role, User
from organisation.tests.factories import (
    CouncilFactory,
    DirectorateFactory,
    OrgUnitFactory,
    UserFactory,
)
from scorecards.tests.builders import Returns

PERIOD = "2026-27-Q2"
PERIOD_END = datetime.date(2026, 9, 30)
DATA_ENTRY = datetime.date(2026, 10, 20)
SIGNOFF = datetime.date(2026, 10, 30)

SERVICES = {
    # code: (name, directorate code)
    "waste": ("Waste and Recycling", "place"),
    "parks": ("Parks and Open Spaces", "place"),
    "planning": ("Planning", "place"),
    "housing": ("Housing", "people"),
    "libraries": ("Libraries", "people"),
}


@dataclass
class ChasingCouncil:
    cycle: ReportingCycle
    directorates: dict[str, OrgUnit]
    services: dict[str, OrgUnit]
    indicators: dict[str, list[Indicator]]
    owners: dict[str, User]
    approvers: dict[str, User]
    head_of_waste: User
    performance: User
    returns: Returns
    extra: dict = field(default_factory=dict)


def build_council(*, cycle_state: str = CycleState.OPEN) -> ChasingCouncil:
    ensure_periods(first_year=2025, last_year=2026)
    council = CouncilFactory(name="Testshire Council")
    directorates = {
        "place": DirectorateFactory(council=council, name="Place", code="place"),
        "people": DirectorateFactory(council=council, name="People", code="people"),
    }
    services, indicators, owners = {}, {}, {}
    for code, (name, directorate) in SERVICES.items():
        service = OrgUnitFactory(
            council=council, parent=directorates[directorate], name=name, code=code
        )
        services[code] = service
        indicators[code] = [
            IndicatorFactory(code=f"{code.upper()}-{n}", title=f"{name} measure {n}", owner=service)
            for n in (1, 2)
        ]
        owners[code] = UserFactory(
            username=f"{code}-owner",
            first_name=name.split()[0],
            last_name="Owner",
            roles=[Role.DATA_OWNER],
            units=[service],
        )
    approvers = {
        code: UserFactory(
            username=f"{code}-approver",
            first_name=unit.name,
            last_name="Approver",
            roles=[Role.APPROVER],
            units=[unit],
        )
        for code, unit in directorates.items()
    }
    head_of_waste = UserFactory(username="waste-head", first_name="Hana", last_name="Head")
    services["waste"].head = head_of_waste
    services["waste"].save(update_fields=["head"])
    performance = UserFactory(
        username="performance", first_name="Priya", last_name="Perform",
        roles=[Role.PERFORMANCE_TEAM],
    )  # fmt: skip

    cycle = ReportingCycleFactory(
        period=Period.objects.get(code=PERIOD),
        opens_on=datetime.date(2026, 10, 1),
        data_entry_deadline=DATA_ENTRY,
        signoff_deadline=SIGNOFF,
        state=CycleState.OPEN,
    )
    returns = Returns()
    returns.draft(indicators["parks"][0], PERIOD, "12")
    returns.submitted(indicators["planning"][0], PERIOD, "80")
    returns.submitted(indicators["planning"][1], PERIOD, "81")
    sent_back = returns.submitted(indicators["housing"][0], PERIOD, "70")
    return_value(value=sent_back, by=returns.approver, reason="Check the September count")
    returns.submitted(indicators["housing"][1], PERIOD, "71")
    returns.signed_off(indicators["libraries"][0], PERIOD, "90")
    returns.signed_off(indicators["libraries"][1], PERIOD, "91")
    if cycle_state != CycleState.OPEN:
        ReportingCycle.objects.filter(pk=cycle.pk).update(state=cycle_state)
        cycle.refresh_from_db()
    return ChasingCouncil(
        cycle=cycle,
        directorates=directorates,
        services=services,
        indicators=indicators,
        owners=owners,
        approvers=approvers,
        head_of_waste=head_of_waste,
        performance=performance,
        returns=returns,
    )
