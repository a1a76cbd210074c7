"""The demo council's risk register: corporate, directorate and service risks written as a
council writes them (cause, event, effect), with owners, controls, further actions, links to
outcomes, indicators and projects, and a year of quarterly reviews signed off. Some risks
rise, some fall, several stay above target; one review is overdue, one waits for sign-off
and one was returned for correction.

Rows are bulk-created, reviews with their revisions in the shape `risks.workflow` writes
them (`demo.returns`), all dated on the demo's calendar."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from delivery.models import Project
from demo.returns import ReturnStory, save_stories
from demo.values import LONDON, working_time
from indicators.models import Indicator
from organisation.models import OrgUnit, User
from risks.models import Control, Effectiveness, FurtherAction, Risk, RiskReview, RiskReviewRevision
from status import periods as rules
from status.risks import RiskTrend, risk_score, risk_trend
from strategy.models import Outcome


@dataclass(frozen=True)
class RiskSpec:
    reference: str
    level: str
    unit: str
    owner: str
    title: str
    cause: str
    event: str
    effect: str
    inherent: tuple[int, int]  # likelihood, impact
    target: tuple[int, int]
    scores: tuple[tuple[int, int], ...]  # current likelihood and impact, oldest review first
    controls: tuple[str, ...]
    actions: tuple[str, ...]
    outcomes: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    story: str = ""  # overdue, submitted or returned: how its latest review stands


R = RiskSpec
RISKS = [
    # --- Corporate (strategic) risks, held by the Chief Executive's directorate -------------
    R("CR-01", "corporate", "performance-partnerships", "f.gallagher",
      "Medium-term financial sustainability",
      "Demand for children's and adults' care and for temporary accommodation is growing "
      "faster than funding, and the savings programme is behind plan.",
      "The council cannot set a balanced budget without using reserves it cannot replace.",
      "A section 114 notice, government intervention and cuts to services residents rely on.",
      (5, 5), (2, 4), ((3, 5), (3, 5), (4, 5), (4, 5)),
      ("Quarterly budget monitoring to Cabinet, with recovery plans for overspends",
       "Medium-term financial strategy refreshed each autumn"),
      ("Agree a three-year savings programme with every directorate",
       "Review the reserves strategy with the external auditor"),
      ("financially-sustainable",), ("FIN-01", "FIN-03", "FIN-04")),
    R("CR-02", "corporate", "performance-partnerships", "f.gallagher",
      "Cyber attack",
      "Ransomware groups target councils, and some of our systems run on unsupported software.",
      "A successful cyber attack encrypts council systems and data.",
      "Services stop for weeks, personal data is lost, and recovery costs millions.",
      (4, 5), (2, 5), ((3, 5), (3, 5), (3, 4), (2, 4)),
      ("Multi-factor authentication for every account", "Immutable off-site backups, tested"),
      ("Replace the last unsupported servers", "Run a cyber incident exercise with the CLT"),
      ("good-governance",), ("ICT-02",), ("DP-18",)),
    R("CR-03", "corporate", "performance-partnerships", "m.adeyemi",
      "Safeguarding children",
      "High caseloads and reliance on agency social workers weaken practice.",
      "A child known to the council suffers serious harm that better practice could have "
      "prevented.",
      "Harm to a child, a serious case review, loss of public confidence, an inadequate "
      "inspection judgement.",
      (4, 5), (2, 5), ((3, 5), (3, 5), (3, 5), (3, 5)),
      ("Multi-agency safeguarding hub with daily triage", "Monthly audit of case files"),
      ("Reduce caseloads below 18 through the recruitment campaign",),
      ("children-safe",), ("CHS-02", "CHS-08", "CHS-09"), ("DP-11",)),
    R("CR-04", "corporate", "performance-partnerships", "m.adeyemi",
      "Adult social care market",
      "Care providers face rising wage and energy costs and struggle to recruit.",
      "Providers leave the market or hand back contracts.",
      "People wait in hospital or go without care; the council pays more for emergency "
      "placements.",
      (4, 4), (2, 4), ((3, 4), (4, 4), (4, 4), (4, 4)),
      ("Market sustainability plan and fee uplift", "Provider failure contingency plan"),
      ("Open the in-house reablement service to more people",),
      ("independent-lives",), ("ASC-01", "ASC-04"), ("DP-14",)),
    R("CR-05", "corporate", "performance-partnerships", "s.whitcombe",
      "Workforce capacity and capability",
      "Pay is behind neighbouring councils and the private sector in key professions.",
      "The council cannot recruit or keep the staff it needs.",
      "Statutory services slip and agency costs rise.",
      (4, 4), (2, 3), ((3, 4), (3, 4), (3, 3), (3, 3)),
      ("Market supplements for hard-to-fill posts", "Apprenticeship and graduate schemes"),
      ("Complete the pay and grading review",),
      ("engaged-workforce",), ("HR-02", "HR-07"), ("DP-24",)),
    R("CR-06", "corporate", "performance-partnerships", "director",
      "Climate emergency: adapting to severe weather",
      "Heavier rainfall and hotter summers as the climate changes.",
      "Flooding, heatwaves or storms disrupt council services and damage property.",
      "Harm to residents, road closures, costly repairs, and the 2030 net zero target missed.",
      (4, 4), (3, 3), ((3, 4), (3, 4), (4, 4), (4, 4)),
      ("Multi-agency flood plan with the Environment Agency", "Gully cleansing programme"),
      ("Publish a climate adaptation plan",),
      ("net-zero",), ("CLI-01",), ("DP-07",)),
    # --- Directorate risks -----------------------------------------------------------------
    R("PL-01", "directorate", "place", "director", "Place directorate overspend",
      "Waste disposal gate fees and reactive highway repairs cost more than budgeted.",
      "Place overspends its budget for the year.",
      "Savings must be found elsewhere, and capital schemes may be paused.",
      (4, 4), (2, 3), ((2, 3), (3, 3), (3, 4), (4, 4)),
      ("Monthly budget challenge with heads of service", "Recruitment controls"),
      ("Renegotiate the disposal contract's indexation clause",
       "Agree a recovery plan with the Section 151 Officer"),
      ("financially-sustainable", "less-waste"), ("FIN-01", "WST-02"), ("DP-01",)),
    R("PL-02", "directorate", "place", "riskowner", "Winter resilience",
      "Severe winter weather and a gritter fleet near the end of its life.",
      "The council cannot keep priority routes open in snow or ice.",
      "Accidents, schools and care visits disrupted, and criticism of the council.",
      (3, 4), (2, 3), ((3, 4), (3, 3), (3, 3), (2, 3)),
      ("Winter service plan agreed each October", "Salt stocks checked weekly"),
      ("Replace four gritters through the fleet programme",),
      ("clean-streets",), ("HWY-01",), ("DP-02",)),
    R("PE-01", "directorate", "people", "m.adeyemi", "Cost of children's placements",
      "Too few local foster carers and children's homes for the children who need them.",
      "More children are placed in costly external residential homes far from Wyvern Vale.",
      "Poorer outcomes for children and a growing overspend.",
      (5, 4), (3, 3), ((4, 4), (4, 4), (4, 4), (4, 4)),
      ("Placement panel approves every external placement",),
      ("Open two in-house children's homes", "Fostering recruitment campaign"),
      ("children-safe",), ("CHS-03", "CHS-06"), ("DP-12",)),
    R("PE-02", "directorate", "people", "m.adeyemi", "Temporary accommodation costs",
      "Homelessness is rising while private rents climb above housing benefit rates.",
      "The council relies on bed and breakfast to house homeless families.",
      "Families in unsuitable housing, and a budget pressure the council cannot sustain.",
      (5, 4), (2, 3), ((4, 3), (4, 4), (4, 4), (5, 4)),
      ("Daily review of every family in bed and breakfast",),
      ("Buy 60 homes for temporary accommodation",),
      ("homelessness-prevented",), ("HOU-01", "HOU-02"), ("DP-15",)),
    R("RE-01", "directorate", "resources", "f.gallagher", "Finance system replacement",
      "The finance system's contract ends and its supplier will stop support.",
      "The new system is not live before the old one loses support.",
      "Payments to suppliers and staff are delayed, and the accounts are late.",
      (4, 4), (2, 3), ((2, 3), (3, 3), (3, 4), (3, 4)),
      ("Fortnightly project board chaired by the Section 151 Officer",),
      ("Negotiate a twelve-month support extension as a fallback",),
      ("financially-sustainable",), ("FIN-02",), ("DP-20",)),
    R("CO-01", "directorate", "communities", "r.patel", "Leisure centre energy costs",
      "Energy prices remain high and the pools are old and inefficient.",
      "The leisure contract becomes unaffordable for the operator.",
      "Pools close or the council pays a large subsidy.",
      (4, 3), (2, 3), ((4, 3), (3, 3), (3, 3), (2, 3)),
      ("Energy price agreed through the council's purchasing framework",),
      ("Install heat pumps and solar at two centres",),
      ("net-zero",), ("LEI-01",), ("DP-22",)),
    R("PP-01", "directorate", "performance-partnerships", "s.whitcombe",
      "Data quality of performance information",
      "Returns are compiled from spreadsheets in some services.",
      "Members make decisions on figures that are wrong.",
      "Poor decisions and loss of trust in the council's reporting.",
      (3, 3), (1, 3), ((3, 3), (2, 3), (2, 3), (2, 2)),
      ("Sign-off of every figure by a head of service", "Annual data quality audit"),
      ("Move the last spreadsheet returns onto the system",),
      ("good-governance",), ("PI-01",)),
    # --- Service risks ---------------------------------------------------------------------
    R("WR-01", "service", "waste-recycling", "approver", "Food waste roll-out delayed",
      "Vehicles and caddies arrive late and the depot needs work before they fit.",
      "Weekly food waste collections do not start on the date government requires.",
      "Lost funding, a lower recycling rate and reputational damage.",
      (4, 4), (2, 3), ((2, 3), (3, 3), (3, 4), (4, 4)),
      ("Weekly programme board", "Vehicle delivery tracked with the supplier"),
      ("Lease interim vehicles if the order slips again",),
      ("less-waste",), ("WST-01", "WST-02"), ("DP-01",)),
    R("WR-02", "service", "waste-recycling", "approver", "Driver shortage",
      "HGV drivers can earn more with haulage firms.",
      "Not enough drivers to run every collection round.",
      "Missed collections and complaints.",
      (4, 3), (2, 2), ((3, 3), (3, 3), (2, 3), (2, 3)),
      ("Agency driver framework", "In-house driver training academy"),
      ("Train six loaders as drivers this year",),
      ("less-waste",), ("WST-03",)),
    R("EH-01", "service", "environmental-health", "riskowner", "Food hygiene inspection backlog",
      "Vacancies among environmental health officers since last year.",
      "High-risk food premises are not inspected when the Food Standards Agency expects.",
      "A food poisoning outbreak, and the Agency's intervention.",
      (4, 4), (2, 3), ((4, 4), (3, 4), (3, 3), (3, 3)),
      ("Inspections prioritised by risk rating", "Contractors clear the lower-risk backlog"),
      ("Recruit two environmental health officers",),
      ("clean-streets",), ("EH-01", "EH-02"), (), "submitted"),
    R("EH-02", "service", "environmental-health", "riskowner", "Air quality breach",
      "Traffic at the Bridge Street junction.",
      "Nitrogen dioxide stays above the legal limit.",
      "Harm to health and a ministerial direction.",
      (3, 4), (2, 3), ((3, 4), (3, 4), (3, 3), (3, 3)),
      ("Air quality action plan",),
      ("Consult on a low-traffic scheme for Bridge Street",),
      ("healthier-lives",), ("EH-05",)),
    R("HT-01", "service", "highways-transport", "riskowner", "Highway condition",
      "Wet winters and a repairs budget below what the network needs.",
      "Road condition deteriorates faster than repairs can keep up.",
      "Accidents, insurance claims and public dissatisfaction.",
      (4, 4), (2, 3), ((3, 4), (4, 4), (4, 4)),
      ("Risk-based inspection regime", "Pothole repair targets"),
      ("Bid for government pothole funding",),
      ("clean-streets",), ("HWY-01", "HWY-02"), ("DP-08",), "overdue"),
    R("HT-02", "service", "highways-transport", "o.pritchard", "Bus service withdrawal",
      "Operators' costs have risen and passenger numbers have not recovered.",
      "Operators withdraw commercial routes.",
      "Villages lose their bus, and people cannot reach work or health care.",
      (4, 3), (2, 3), ((3, 3), (3, 3), (4, 3), (4, 3)),
      ("Bus Service Improvement Plan funding",),
      ("Tender the most-used withdrawn routes",),
      ("growth",), ("HWY-05",)),
    R("CS-01", "service", "climate-sustainability", "riskowner", "Net zero funding",
      "Government decarbonisation grants are uncertain and short-term.",
      "The council cannot fund the building and fleet works net zero needs.",
      "The 2030 target is missed.",
      (4, 3), (2, 3), ((3, 3), (3, 3), (4, 3), (4, 3)),
      ("Climate investment plan in the capital strategy",),
      ("Bid to the Public Sector Decarbonisation Scheme",),
      ("net-zero",), ("CLI-01", "CLI-04"), ("DP-06", "DP-07"), "returned"),
    R("PB-01", "service", "planning", "a.tremayne", "Five-year housing land supply",
      "The Local Plan is more than five years old.",
      "The council cannot show a five-year supply of housing land.",
      "Speculative developments allowed on appeal, against the plan.",
      (4, 4), (2, 3), ((4, 4), (4, 4), (3, 4), (3, 4)),
      ("Annual monitoring report",),
      ("Adopt the reviewed Local Plan",),
      ("growth",), ("PLN-04", "PLN-07"), ("DP-09",)),
    R("ED-01", "service", "economic-development", "d.okafor", "Town centre decline",
      "Shoppers move online and two anchor stores have closed.",
      "Empty units rise and footfall falls further.",
      "A town centre that residents and visitors avoid.",
      (4, 3), (2, 3), ((3, 3), (3, 3), (4, 3), (4, 3)),
      ("Meanwhile-use grants for empty shops",),
      ("Decide the future of the Market Quarter scheme",),
      ("town-centres",), ("ECO-04", "ECO-05"), ("DP-10",)),
    R("AS-01", "service", "adult-social-care", "j.morley", "Care Act assessment waiting list",
      "More referrals from hospital discharge and too few social workers.",
      "People wait months for an assessment.",
      "Needs go unmet and people reach crisis.",
      (4, 4), (2, 3), ((4, 4), (3, 4), (3, 3), (3, 3)),
      ("Waiting list triaged weekly by risk",),
      ("Use an assessment partner to clear the backlog",),
      ("independent-lives",), ("ASC-05", "ASC-06")),
    R("CH-01", "service", "childrens-services", "k.mensah", "Social worker vacancies",
      "A national shortage of experienced social workers.",
      "Vacancies stay above 15% and are filled by agency staff.",
      "Unstable relationships for children and a large agency bill.",
      (5, 4), (2, 3), ((4, 4), (4, 4), (4, 4), (3, 4)),
      ("Recruitment and retention package", "Social work academy"),
      ("Convert agency workers to permanent posts",),
      ("children-safe",), ("CHS-08",), ("DP-11",)),
    R("ED-02", "service", "education-inclusion", "r.abernethy", "High needs budget deficit",
      "Requests for education, health and care plans keep rising.",
      "The high needs block overspends its grant again.",
      "A growing deficit that the council may have to meet.",
      (5, 4), (3, 3), ((4, 4), (4, 4), (5, 4), (5, 4)),
      ("Safety Valve plan monitored monthly",),
      ("Open more special school places in the county",),
      ("best-start",), ("EDU-05",)),
    R("HO-01", "service", "housing-options", "p.sharma", "Rising homelessness",
      "The end of private tenancies is the main cause of homelessness locally.",
      "Approaches outstrip the team's capacity to prevent homelessness.",
      "More households in temporary accommodation.",
      (4, 4), (2, 3), ((3, 4), (4, 4), (4, 4), (4, 4)),
      ("Landlord incentive scheme",),
      ("Add two prevention officers funded by the Homelessness Prevention Grant",),
      ("homelessness-prevented",), ("HOU-03", "HOU-04"), ("DP-15",)),
    R("HM-01", "service", "housing-management", "m.kerr", "Damp and mould in council homes",
      "Older homes with poor ventilation and a backlog of repairs.",
      "A tenant's health is harmed by damp and mould the council knew about.",
      "Harm to tenants, Ombudsman findings and Regulator action.",
      (4, 5), (1, 4), ((3, 5), (3, 4), (2, 4), (2, 4)),
      ("Every report inspected within ten working days",),
      ("Complete the stock condition survey",),
      ("well-managed-homes",), ("HMG-02", "HMG-05"), ("DP-17",)),
    R("HM-02", "service", "housing-management", "m.kerr", "Gas safety compliance",
      "Tenants refuse access for the annual check.",
      "Gas safety certificates lapse.",
      "Risk to life, and a breach of the consumer standards.",
      (3, 5), (1, 5), ((2, 5), (1, 5), (1, 5), (1, 5)),
      ("Access procedure with legal action as a last resort",),
      ("Report compliance to the Housing Board monthly",),
      ("well-managed-homes",), ("HMG-06",)),
    R("FI-01", "service", "finance", "s.ashworth", "Savings not delivered",
      "Savings plans depend on changes that services have not yet made.",
      "Agreed savings are not delivered in the year.",
      "Overspends and use of reserves.",
      (4, 4), (2, 3), ((3, 3), (3, 4), (4, 4), (4, 4)),
      ("Savings tracker reviewed monthly",),
      ("Replace undeliverable savings with alternatives by February",),
      ("financially-sustainable",), ("FIN-03",)),
    R("RB-01", "service", "revenues-benefits", "l.baxter", "Council tax collection",
      "Cost-of-living pressures on households.",
      "In-year collection falls below target.",
      "Less income for the council and the police and fire authorities.",
      (3, 3), (2, 2), ((3, 3), (3, 3), (2, 3), (2, 3)),
      ("Early reminders and payment arrangements",),
      ("Promote council tax support to eligible households",),
      ("cost-of-living",), ("REV-01",), ("DP-21",)),
    R("IC-01", "service", "digital-ict", "b.halloran", "Critical system outage",
      "Ageing data centre equipment.",
      "A critical system is unavailable for more than a day.",
      "Services cannot work and residents cannot reach us online.",
      (3, 4), (2, 3), ((3, 4), (3, 3), (2, 3), (2, 3)),
      ("Disaster recovery site tested twice a year",),
      ("Move the remaining systems to the cloud",),
      ("customer-first",), ("ICT-02",), ("DP-18",)),
    R("CU-01", "service", "customer-services", "h.bryant", "Contact centre call waits",
      "Staff turnover and the old telephony system.",
      "Residents wait too long and abandon calls.",
      "Complaints, and vulnerable residents unable to reach us.",
      (4, 3), (2, 2), ((3, 3), (3, 3), (4, 3), (4, 3)),
      ("Call-back option at busy times",),
      ("Replace the telephony system",),
      ("customer-first",), ("CUS-02", "CUS-06"), ("DP-19",)),
    R("CY-01", "service", "community-safety", "s.pike", "Domestic abuse demand",
      "Reports of domestic abuse have risen since the pandemic.",
      "Specialist services cannot support every high-risk victim.",
      "Serious harm to victims and their children.",
      (4, 5), (2, 4), ((3, 5), (3, 5), (3, 4), (3, 4)),
      ("Multi-agency risk assessment conference every week",),
      ("Commission a further independent domestic violence adviser",),
      ("safe-communities",), ("CSF-03", "CSF-04")),
]  # fmt: skip

CONTROL_STATES = (Effectiveness.EFFECTIVE, Effectiveness.PARTIAL, Effectiveness.EFFECTIVE)
NOTES = {
    RiskTrend.new: "First review on the new register format; scores agreed at the risk workshop.",
    RiskTrend.rising: "Score raised: the position has worsened since the last review, and the "
    "further actions are not yet biting.",
    RiskTrend.falling: "Score lowered: the controls are working and the actions due this "
    "quarter are done.",
    RiskTrend.stable: "No change since the last review; the controls are working as expected.",
}
RETURNED_REASON = (
    "The likelihood has gone up to 4 but the note does not say what changed. Please add the "
    "reason (the grant decision?) so the Cabinet report can explain it."
)


@dataclass(frozen=True)
class RiskDemoSummary:
    risks: int
    reviews: int


def _review_days(today: date, count: int, rng: random.Random) -> list[date]:
    """A review two to four weeks after each of the last `count` quarters, oldest first."""
    end = rules.latest_complete(rules.PeriodKind.quarter, today).end
    days = []
    for _ in range(count):
        days.append(min(end + timedelta(days=rng.randint(12, 26)), today - timedelta(days=1)))
        # Every quarter is 90 to 92 days long, so 95 days back is in the quarter before.
        end = rules.period_containing(rules.PeriodKind.quarter, end - timedelta(days=95)).end
    return days[::-1]


def _signer(spec: RiskSpec, people: dict[str, User], units, returners) -> User:
    """Who signs the review off: the service's approver, else the director, else the
    Chief Executive, never the owner who submitted it."""
    unit = units[spec.unit]
    candidates = []
    if spec.unit in returners:
        candidates.append(returners[spec.unit][1])
    directorate = unit if unit.parent_id is None else unit.parent
    if directorate.head_id:
        candidates.append(directorate.head)
    candidates += [people["j.pryce"], people["s.whitcombe"]]
    return next(c for c in candidates if c.pk != people[spec.owner].pk)


def load_risks(
    *,
    today: date,
    people: dict[str, User],
    returners: dict[str, tuple[User, User]],
    seed: int = 2026,
) -> RiskDemoSummary:
    """The register, its controls, actions and links, and a year of reviews."""
    rng = random.Random(f"{seed}:risks")
    units = {u.code: u for u in OrgUnit.objects.select_related("parent", "head")}
    indicators = {i.code: i.pk for i in Indicator.objects.all()}
    outcomes = {o.code: o.pk for o in Outcome.objects.all()}
    projects = {p.reference: p.pk for p in Project.objects.all()}
    opened = date(rules.financial_year_start(today) - 2, 4, 1)
    risks = {
        spec.reference: Risk(
            reference=spec.reference,
            title=spec.title,
            level=spec.level,
            cause=spec.cause,
            event=spec.event,
            effect=spec.effect,
            owner=people[spec.owner],
            unit=units[spec.unit],
            target_likelihood=spec.target[0],
            target_impact=spec.target[1],
            opened_on=opened + timedelta(days=rng.randint(0, 200)),
        )
        for spec in RISKS
    }
    Risk.objects.bulk_create(risks.values())
    # Added when each joined the register, not when the demo loaded (update() keeps these
    # times, where save() would stamp the real clock).
    for risk in risks.values():
        Risk.objects.filter(pk=risk.pk).update(
            created_at=datetime.combine(risk.opened_on, time(10, 0), tzinfo=LONDON),
            updated_at=datetime.combine(today, time(7, 0), tzinfo=LONDON),
        )
    Risk.outcomes.through.objects.bulk_create(
        Risk.outcomes.through(risk_id=risks[s.reference].pk, outcome_id=outcomes[c])
        for s in RISKS
        for c in s.outcomes
    )
    Risk.indicators.through.objects.bulk_create(
        Risk.indicators.through(risk_id=risks[s.reference].pk, indicator_id=indicators[c])
        for s in RISKS
        for c in s.indicators
        if c in indicators
    )
    Risk.projects.through.objects.bulk_create(
        Risk.projects.through(risk_id=risks[s.reference].pk, project_id=projects[c])
        for s in RISKS
        for c in s.projects
        if c in projects
    )
    Control.objects.bulk_create(
        Control(
            risk=risks[s.reference],
            description=text,
            owner=people[s.owner],
            effectiveness=CONTROL_STATES[n % len(CONTROL_STATES)],
        )
        for s in RISKS
        for n, text in enumerate(s.controls)
    )
    actions = []
    for s in RISKS:
        for n, text in enumerate(s.actions):
            due = today + timedelta(days=rng.choice((-40, 35, 70, 120)) + 30 * n)
            finished = due < today and n == 0 and rng.random() < 0.5
            actions.append(
                FurtherAction(
                    risk=risks[s.reference],
                    description=text,
                    owner=people[s.owner],
                    due_on=due,
                    done_on=due - timedelta(days=5) if finished else None,
                )
            )
    FurtherAction.objects.bulk_create(actions)

    stories = []
    ceiling = datetime.combine(today, time(7, 0), tzinfo=LONDON)
    for spec in RISKS:
        risk, owner = risks[spec.reference], people[spec.owner]
        signer = _signer(spec, people, units, returners)
        days = _review_days(today, 4, rng)
        if spec.story == "overdue":
            days = days[: len(spec.scores)]  # the latest quarter's review was never done
        elif spec.story in ("submitted", "returned"):
            days = [*days[1:], today - timedelta(days=rng.randint(4, 9))]
            days = days[-len(spec.scores) :]
        previous = None
        for number, (day, (likelihood, impact)) in enumerate(zip(days, spec.scores, strict=True)):
            score = risk_score(likelihood, impact)
            trend = risk_trend(score, previous)
            previous = score
            entries = {
                "reviewed_on": day,
                "inherent_likelihood": spec.inherent[0],
                "inherent_impact": spec.inherent[1],
                "current_likelihood": likelihood,
                "current_impact": impact,
                "target_likelihood": spec.target[0],
                "target_impact": spec.target[1],
                "note": NOTES[trend],
            }
            entered = min(working_time(day, rng), ceiling)
            submitted = entered + timedelta(minutes=rng.randint(15, 120))
            story = ReturnStory(RiskReview(risk=risk), RiskReviewRevision, "review")
            story.record(entries, owner, entered).submit(owner, submitted)
            is_latest = number == len(spec.scores) - 1
            if is_latest and spec.story == "returned":
                returned = min(submitted + timedelta(days=1), ceiling + timedelta(minutes=30))
                story.send_back(signer, returned, RETURNED_REASON)
            elif not (is_latest and spec.story == "submitted"):
                approved = min(
                    working_time(day + timedelta(days=rng.randint(2, 7)), rng),
                    ceiling + timedelta(minutes=30),
                )
                story.approve(signer, max(approved, submitted + timedelta(minutes=30)))
            stories.append(story)
    save_stories(stories)
    return RiskDemoSummary(risks=len(risks), reviews=len(stories))
