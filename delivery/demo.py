"""The demo council's corporate delivery plan: change programmes with their sponsors, benefits
and KPIs, priority projects across the directorates with milestones (some achieved, some
slipping, every move of a date kept with its reason), and the projects' quarterly updates
for the year's finished quarters, signed off. The next quarter has no updates yet, so they
show as due once its cycle opens.

Rows are bulk-created, updates with their revisions in the shape `delivery.workflow` writes
them (`demo.returns`), all dated on the demo's calendar."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from delivery.models import (
    Milestone,
    MilestoneDate,
    MilestoneDateChange,
    Programme,
    Project,
    ProjectUpdate,
    ProjectUpdateRevision,
)
from demo.returns import ReturnStory, save_stories
from demo.values import LONDON, working_time
from indicators.models import Indicator, Period
from organisation.models import OrgUnit, User
from status import periods as rules
from status.delivery import DeliveryStatus, expected_progress
from strategy.models import Outcome


@dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    name: str
    sponsor: str
    lead_unit: str
    description: str
    benefits: str
    kpis: tuple[str, ...]


@dataclass(frozen=True)
class ProjectSpec:
    reference: str
    title: str
    programme: str  # "" for a project outside any programme
    lead: str  # service code
    owner: str  # username
    outcomes: tuple[str, ...]
    measures: tuple[str, ...]
    start: int  # months from the start of this financial year (negative: earlier)
    months: int
    story: str  # on, risk, off, override, deferred, complete, late
    description: str = ""


PROGRAMMES = [
    ProgrammeSpec(
        "waste-transformation",
        "Waste and Recycling Transformation",
        "director",
        "place",
        "Moves collections to weekly food waste and three-weekly residual waste, and replaces "
        "the ageing collection fleet.",
        "Recycling rate above 55% by 2028; residual waste per household down by a fifth; "
        "£1.2m a year lower disposal costs once the new rounds settle.",
        ("WST-01", "WST-02", "WST-05"),
    ),
    ProgrammeSpec(
        "net-zero",
        "Net Zero Wyvern Vale",
        "director",
        "climate-sustainability",
        "The council's own route to net zero by 2030: buildings, fleet and street lighting, "
        "and the public charging network.",
        "Council emissions halved against 2019/20 by 2027; 400 public charge points by 2028.",
        ("CLI-01", "CLI-02", "CLI-03", "CLI-04"),
    ),
    ProgrammeSpec(
        "children-families",
        "Children and Families Improvement",
        "m.adeyemi",
        "childrens-services",
        "The response to the last inspection of children's services: a stable, permanent "
        "workforce and more children cared for in Wyvern Vale.",
        "Social worker vacancies below 10%; fewer children with three or more placement "
        "moves; £2m lower spending on external placements.",
        ("CHS-02", "CHS-06", "CHS-08"),
    ),
    ProgrammeSpec(
        "customer-digital",
        "Customer and Digital First",
        "f.gallagher",
        "digital-ict",
        "Makes the council easy to deal with online, so the contact centre has time for the "
        "residents who need it.",
        "Two thirds of transactions online; calls answered within two minutes on average; "
        "£600k lower contact costs.",
        ("CUS-03", "ICT-03", "CUS-02"),
    ),
    ProgrammeSpec(
        "homes",
        "Homes for Wyvern Vale",
        "m.adeyemi",
        "housing-management",
        "More affordable homes, and fewer families in temporary accommodation.",
        "1,000 affordable homes over the plan; no family in bed and breakfast beyond six weeks.",
        ("HMG-01", "HOU-01", "HOU-02"),
    ),
]

P = ProjectSpec
PROJECTS = [
    P("DP-01", "Weekly food waste collections", "waste-transformation", "waste-recycling",
      "approver", ("less-waste",), ("WST-01", "WST-02"), -6, 18, "risk",
      "Roll out weekly food waste collections to every household, as the Environment Act "
      "requires."),
    P("DP-02", "Collection fleet replacement", "waste-transformation", "waste-recycling",
      "approver", ("less-waste", "net-zero"), ("WST-03",), -9, 24, "on"),
    P("DP-03", "Household recycling centre booking system", "waste-transformation",
      "waste-recycling", "approver", ("less-waste",), ("WST-04",), -12, 15, "complete"),
    P("DP-04", "Street cleansing zones", "", "waste-recycling", "approver",
      ("clean-streets",), ("WST-07", "WST-08"), -3, 12, "on"),
    P("DP-05", "LED street lighting conversion", "net-zero", "highways-transport",
      "o.pritchard", ("net-zero",), ("HWY-04", "CLI-04"), -15, 30, "on"),
    P("DP-06", "Public electric vehicle charging network", "net-zero",
      "climate-sustainability", "riskowner", ("net-zero",), ("CLI-02",), -8, 24, "override",
      "Install 250 on-street and car park charge points with a concession partner."),
    P("DP-07", "Decarbonising council buildings", "net-zero", "climate-sustainability",
      "n.fairweather", ("net-zero",), ("CLI-01", "CLI-04"), -18, 36, "off"),
    P("DP-08", "Pothole repair blitz", "", "highways-transport", "riskowner",
      ("clean-streets",), ("HWY-01",), -6, 9, "late"),
    P("DP-09", "Local Plan review", "", "planning", "a.tremayne", ("growth",),
      ("PLN-07",), -20, 40, "on"),
    P("DP-10", "Town centre regeneration: Market Quarter", "", "economic-development",
      "d.okafor", ("town-centres",), ("ECO-04", "ECO-05"), -10, 30, "deferred"),
    P("DP-11", "Recruit and retain social workers", "children-families",
      "childrens-services", "k.mensah", ("children-safe",), ("CHS-08",), -9, 21, "risk"),
    P("DP-12", "In-house children's homes", "children-families", "childrens-services",
      "k.mensah", ("children-safe", "best-start"), ("CHS-06", "CHS-03"), -12, 30, "off"),
    P("DP-13", "Family hubs", "children-families", "education-inclusion", "r.abernethy",
      ("best-start",), ("EDU-03",), -6, 18, "on"),
    P("DP-14", "Home first: reablement at home", "", "adult-social-care", "j.morley",
      ("independent-lives",), ("ASC-01", "ASC-02"), -4, 18, "on"),
    P("DP-15", "Temporary accommodation purchase scheme", "homes", "housing-options",
      "p.sharma", ("homelessness-prevented",), ("HOU-01", "HOU-02"), -7, 18, "risk"),
    P("DP-16", "Council housebuilding: Orchard Lane", "homes", "housing-management",
      "m.kerr", ("affordable-homes",), ("HMG-01",), -14, 32, "on"),
    P("DP-17", "Damp and mould programme", "homes", "housing-management", "m.kerr",
      ("well-managed-homes",), ("HMG-02", "HMG-05"), -5, 12, "on"),
    P("DP-18", "New customer portal", "customer-digital", "digital-ict", "b.halloran",
      ("customer-first",), ("CUS-03", "ICT-03"), -10, 20, "on"),
    P("DP-19", "Contact centre telephony replacement", "customer-digital",
      "customer-services", "h.bryant", ("customer-first",), ("CUS-02", "CUS-06"), -4, 12,
      "off"),
    P("DP-20", "Finance system replacement", "", "finance", "s.ashworth",
      ("financially-sustainable",), ("FIN-02",), -12, 24, "risk"),
    P("DP-21", "Council tax automation", "customer-digital", "revenues-benefits", "l.baxter",
      ("cost-of-living",), ("REV-01", "BEN-01"), -6, 15, "on"),
    P("DP-22", "Leisure centre decarbonisation", "net-zero", "parks-leisure", "l.cartwright",
      ("net-zero",), ("LEI-01",), -9, 18, "on"),
    P("DP-23", "Library service review", "", "libraries", "i.reid", ("cohesive-communities",),
      ("LIB-01", "LIB-03"), -3, 12, "on"),
    P("DP-24", "Workforce strategy and pay review", "", "hr-od", "m.dunn",
      ("engaged-workforce", "inclusive-workforce"), ("HR-02", "HR-07"), -8, 14, "on"),
    P("DP-25", "Community grants and partnership compact", "", "policy-partnerships",
      "p.whitfield", ("cohesive-communities", "good-governance"), ("POL-01",), -5, 15, "on",
      "Agree a compact with the voluntary sector and move community grants to three-year "
      "funding."),
]  # fmt: skip

MILESTONES = (
    (0.15, "Project board and plan agreed"),
    (0.4, "Supplier or delivery partner in place"),
    (0.7, "First phase live"),
    (1.0, "Project closed and benefits handed over"),
)
SLIP_REASONS = (
    "The supplier's lead time for parts has lengthened; their revised programme is agreed.",
    "Procurement had to be re-run after the first tender drew no compliant bids.",
    "Waiting on the planning decision, which the committee deferred to its next meeting.",
    "Staff needed for testing were redeployed to cover vacancies in the service.",
)
DONE = {
    "on": "Work is going to plan: this quarter's milestone was met and spending is in budget.",
    "risk": "Progress slower than planned: recruitment to the project team has taken longer "
    "than expected, so some work has moved into next quarter.",
    "off": "The programme has slipped badly: the main contract is months behind and the "
    "revised plan has not yet been agreed by the project board.",
    "override": "Installations are on programme so far, and the concession contract is signed.",
    "deferred": "No further work this quarter, as Cabinet decided.",
    "complete": "The project is finished and the benefits are handed over to the service.",
    "late": "The repair programme ran past its end date: the wet summer stopped surfacing work "
    "for several weeks.",
}
NEXT = {
    "on": "Continue to the next milestone; report progress to the programme board.",
    "risk": "Agree a recovery plan with the sponsor at the next board.",
    "off": "Project board to agree a re-baselined plan, or escalate to the sponsor.",
    "override": "Resolve the grid connection dates with the network operator.",
    "deferred": "Review the decision when the government funding position is known.",
    "complete": "Closure report to the programme board; lessons learned shared.",
    "late": "Finish the remaining patching before the winter gritting season.",
}
ISSUES = {
    "risk": "Recruitment; supplier capacity.",
    "off": "Contractor performance; costs rising above the approved budget.",
    "override": "The network operator cannot confirm grid connections for a third of the "
    "sites before next spring.",
    "late": "Weather; contractor capacity.",
}
OVERRIDE_REASON = (
    "Progress is on plan, but a third of the sites wait on grid connections the network "
    "operator cannot yet date, so the end date is at risk."
)
DEFERRED_REASON = (
    "Cabinet deferred the scheme on {day} until the Levelling Up funding bid is decided; the "
    "project team has been stood down meanwhile."
)


@dataclass(frozen=True)
class DeliveryDemoSummary:
    programmes: int
    projects: int
    updates: int


def _add_months(day: date, months: int) -> date:
    year, index = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, index + 1, 1)


def _percent(spec: ProjectSpec, start: date, end: date, on: date, rng: random.Random) -> int:
    """A % complete that tells the project's story at `on`."""
    expected = int(expected_progress(start, end, on))
    shift = {
        "on": rng.randint(-5, 4),
        "risk": -rng.randint(14, 24),
        "off": -rng.randint(36, 45),
        "override": rng.randint(-4, 3),
        "deferred": -rng.randint(15, 20),
        "late": -rng.randint(30, 40) + 100 - expected,
    }.get(spec.story, 0)
    return max(0, min(99, expected + shift))


def load_delivery(
    *,
    today: date,
    people: dict[str, User],
    returners: dict[str, tuple[User, User]],
    seed: int = 2026,
) -> DeliveryDemoSummary:
    """Programmes, projects, milestones and signed-off updates; `returners` gives each
    service's data owner (who writes its updates) and approver (who signs them off)."""
    rng = random.Random(f"{seed}:delivery")
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    indicators = {i.code: i for i in Indicator.objects.all()}
    outcomes = {o.code: o for o in Outcome.objects.all()}
    year_start = date(rules.financial_year_start(today), 4, 1)
    latest = rules.latest_complete(rules.PeriodKind.quarter, today)
    quarters = [
        q
        for q in Period.objects.filter(kind="quarter", ends_on__lte=latest.end).order_by(
            "-ends_on"
        )[:2]
    ][::-1]

    programmes = {
        spec.code: Programme(
            code=spec.code,
            name=spec.name,
            sponsor=people[spec.sponsor],
            lead_unit=units[spec.lead_unit],
            description=spec.description,
            expected_benefits=spec.benefits,
        )
        for spec in PROGRAMMES
    }
    Programme.objects.bulk_create(programmes.values())
    Programme.kpis.through.objects.bulk_create(
        Programme.kpis.through(programme_id=programmes[spec.code].pk, indicator_id=indicators[c].pk)
        for spec in PROGRAMMES
        for c in spec.kpis
        if c in indicators
    )
    projects = {}
    for spec in PROJECTS:
        start = _add_months(year_start, spec.start)
        end = _add_months(start, spec.months) - timedelta(days=1)
        if spec.story == "complete":
            end = min(end, quarters[-1].ends_on - timedelta(days=20)) if quarters else end
        if spec.story == "late" and quarters:
            end = quarters[-1].ends_on - timedelta(days=45)
        projects[spec.reference] = Project(
            reference=spec.reference,
            title=spec.title,
            description=spec.description,
            programme=programmes.get(spec.programme),
            is_priority=True,
            owner=people[spec.owner],
            lead_service=units[spec.lead],
            starts_on=start,
            ends_on=max(end, start),
        )
    Project.objects.bulk_create(projects.values())
    Project.outcomes.through.objects.bulk_create(
        Project.outcomes.through(project_id=projects[s.reference].pk, outcome_id=outcomes[c].pk)
        for s in PROJECTS
        for c in s.outcomes
    )
    Project.measures.through.objects.bulk_create(
        Project.measures.through(project_id=projects[s.reference].pk, indicator_id=indicators[c].pk)
        for s in PROJECTS
        for c in s.measures
        if c in indicators
    )

    milestones, changes = [], []
    for spec in PROJECTS:
        project = projects[spec.reference]
        span = (project.ends_on - project.starts_on).days
        slipping = spec.story in ("risk", "off", "override", "late")
        slipped_one = False
        for position, (share, title) in enumerate(MILESTONES):
            due = project.starts_on + timedelta(days=int(span * share))
            milestone = Milestone(
                project=project, title=title, baseline_due=due, forecast_on=due, position=position
            )
            if due < today and (not slipping or position == 0 or spec.story == "late"):
                if not (spec.story == "late" and share == 1.0):
                    milestone.achieved_on = due + timedelta(days=rng.randint(-6, 9))
                    milestone.achieved_on = min(milestone.achieved_on, today - timedelta(days=1))
            elif slipping and not slipped_one and spec.story != "deferred":
                slipped_one = True
                moved = due + timedelta(days=rng.choice((42, 63, 91)))
                milestone.forecast_on = moved
                when = working_time(min(due, today) - timedelta(days=rng.randint(8, 30)), rng)
                changes.append(
                    (
                        milestone,
                        MilestoneDateChange(
                            which=MilestoneDate.FORECAST,
                            before=due,
                            after=moved,
                            reason=rng.choice(SLIP_REASONS),
                            changed_by=people[spec.owner],
                            changed_at=when,
                        ),
                    )
                )
            milestones.append(milestone)
    Milestone.objects.bulk_create(milestones)
    for milestone, change in changes:
        change.milestone = milestone
    MilestoneDateChange.objects.bulk_create(change for _, change in changes)

    stories = []
    ceiling = datetime.combine(today, time(7, 0), tzinfo=LONDON)
    for spec in PROJECTS:
        project = projects[spec.reference]
        writer, approver = returners[spec.lead]
        for number, quarter in enumerate(quarters):
            if project.starts_on > quarter.ends_on:
                continue
            on = quarter.ends_on
            is_last = number == len(quarters) - 1
            entries = {
                "percent_complete": _percent(spec, project.starts_on, project.ends_on, on, rng),
                "done": DONE["on"] if spec.story in ("deferred", "complete") else DONE[spec.story],
                "next_steps": NEXT["on"],
                "issues": "",
            }
            if spec.story == "complete" and is_last:
                entries |= {
                    "percent_complete": 100,
                    "done": DONE["complete"],
                    "next_steps": NEXT["complete"],
                }
            elif spec.story == "deferred" and is_last:
                decided = quarter.starts_on + timedelta(days=40)
                entries |= {
                    "done": DONE["deferred"],
                    "next_steps": NEXT["deferred"],
                    "deferred_reason": DEFERRED_REASON.format(day=f"{decided.day} {decided:%B %Y}"),
                }
            elif spec.story not in ("on", "deferred", "complete"):
                entries |= {"next_steps": NEXT[spec.story], "issues": ISSUES[spec.story]}
            if spec.story == "override" and is_last:
                entries |= {
                    "status_override": DeliveryStatus.at_risk.value,
                    "override_reason": OVERRIDE_REASON,
                }
            entered = min(working_time(on + timedelta(days=rng.randint(7, 14)), rng), ceiling)
            submitted = entered + timedelta(minutes=rng.randint(20, 200))
            approved = min(
                working_time(submitted.date() + timedelta(days=rng.randint(2, 6)), rng),
                ceiling + timedelta(minutes=30),
            )
            story = ReturnStory(
                ProjectUpdate(project=project, period=quarter), ProjectUpdateRevision, "update"
            )
            story.record(entries, writer, entered).submit(writer, submitted)
            story.approve(approver, approved)
            stories.append(story)
    save_stories(stories)
    return DeliveryDemoSummary(
        programmes=len(programmes), projects=len(projects), updates=len(stories)
    )
