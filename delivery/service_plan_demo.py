"""The demo council's service plans: every service's plan for the financial year containing the
demo's today, with objectives under the outcomes it serves, actions with owners and dates,
its own indicators and its risks. Each plan is drafted and submitted by the service's data
owner; most were signed off by their director in April and May and report their actions'
progress through the year (some complete, most in progress, a few slipping or overdue).
Highways and Transport's plan waits for sign-off, Public Health's was returned with a reason,
and Economic Development's is still a draft, rewritten after Cabinet deferred the Market
Quarter scheme.

Each plan is started, submitted, signed off or returned, and its actions' progress reported,
through the domain functions (`delivery.service_plans`), which stamp `timezone.now()`: each
step runs on the demo's calendar (`_on_the_demo_calendar`), never the real clock. Objectives,
actions and risks are added in bulk (`_Drafting`), each with the revision those functions
keep, as adding them one call at a time costs seconds. Run after the risk register."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from delivery.models import (
    ActionProgress,
    ServicePlan,
    ServicePlanAction,
    ServicePlanObjective,
    ServicePlanRevision,
)
from delivery.service_plan_queries import financial_year_on
from delivery.service_plans import (
    add_action,
    edit_plan,
    record_action_progress,
    remove_action,
    return_plan,
    sign_off_plan,
    start_plan,
    submit_plan,
)
from demo.values import LONDON, working_time
from indicators.models import Period
from notices.models import Notice, NoticeKind
from organisation.models import OrgUnit, User
from risks.models import Risk
from signoff.models import ReturnState, RevisionAction
from status.delivery import expected_progress
from strategy.models import Outcome

SIGNED_OFF, SUBMITTED, RETURNED, DRAFT = "signed_off", "submitted", "returned", "draft"


@dataclass(frozen=True)
class ActionSpec:
    title: str
    starts: int  # the month of the financial year it starts in (1: April, 12: March)
    due: int  # the month it is due by (its last day)
    owner: str = "head"  # "head" (the head of service) or "officer" (the data owner)
    # complete, on, risk, off, overdue or deferred: how its progress goes; "" lets its dates
    # decide (done if due before today, not started if it starts after, else on track).
    story: str = ""
    why: str = ""  # why an overdue or off-track action is behind


@dataclass(frozen=True)
class ObjectiveSpec:
    title: str
    outcomes: tuple[str, ...]
    actions: tuple[ActionSpec, ...]
    description: str = ""


@dataclass(frozen=True)
class PlanSpec:
    service: str
    summary: str
    objectives: tuple[ObjectiveSpec, ...]
    story: str = SIGNED_OFF


A, O = ActionSpec, ObjectiveSpec  # noqa: E741 - short names keep the plans readable
PLANS = [
    # --- Place ----------------------------------------------------------------------------------
    PlanSpec(
        "waste-recycling",
        "Waste and Recycling collects household waste, recycling, food and garden waste from "
        "68,000 homes, runs the two household recycling centres and keeps the streets clean. "
        "This year the service starts weekly food waste collections, as the Environment Act "
        "requires, raises the recycling rate and cuts fly-tipping.",
        (
            O("Introduce weekly food waste collections for every household", ("less-waste",), (
                A("Recruit and train crews for the food waste rounds", 2, 6, "officer",
                  "complete"),
                A("Deliver kitchen caddies and outdoor bins to every household", 4, 6,
                  story="overdue", why="the caddy supplier delivered six weeks late"),
                A("Start weekly food waste collections on the new rounds", 7, 12, story="risk",
                  why="the rounds wait for the last of the caddies"),
            ), "Weekly food waste collections for all 68,000 households by March, with the "
               "new vehicles and crews in place."),
            O("Raise the recycling rate and cut contamination", ("less-waste",), (
                A("Run the 'Right stuff, right bin' contamination campaign", 1, 6, "officer",
                  "complete"),
                A("Tag contaminated recycling bins and follow up with households", 3, 12,
                  "officer"),
            )),
            O("Keep streets clean and tackle fly-tipping", ("clean-streets",), (
                A("Introduce street cleansing zones with published standards", 1, 12),
                A("Put CCTV and enforcement on the six worst fly-tipping hotspots", 2, 10),
            )),
        ),
    ),
    PlanSpec(
        "environmental-health",
        "Environmental Health protects residents' health: it inspects food businesses, "
        "investigates noise and nuisance, and monitors air quality. This year's plan clears "
        "the backlog of food hygiene inspections left by last year's vacancies and acts on "
        "air quality at the Bridge Street junction.",
        (
            O("Clear the backlog of food hygiene inspections", ("healthier-lives",), (
                A("Recruit two environmental health officers", 1, 5, story="overdue",
                  why="the first round drew no qualified applicants"),
                A("Use contractors to inspect the lower-risk premises in the backlog", 1, 9,
                  story="risk", why="the contractor started later than planned"),
            )),
            O("Improve air quality at Bridge Street", ("healthier-lives",), (
                A("Publish the annual air quality status report", 1, 3, "officer", "complete"),
                A("Consult on a low-traffic scheme for Bridge Street", 4, 9),
            )),
            O("Respond quickly to noise and nuisance", ("safe-communities",), (
                A("Let residents report noise online with the noise app", 2, 6, "officer",
                  "complete"),
            )),
        ),
    ),
    PlanSpec(
        "planning",
        "Planning and Building Control decides planning applications, enforces planning "
        "control, checks building regulations and prepares the Local Plan. The plan keeps "
        "decisions within statutory times and takes the Local Plan review to its "
        "pre-submission stage, so the council can again show a five-year housing land supply.",
        (
            O("Decide planning applications on time", ("growth",), (
                A("Clear the applications older than 26 weeks", 1, 6, "officer", "complete"),
                A("Offer planning performance agreements for major schemes", 3, 10),
            )),
            O("Take the Local Plan review forward", ("growth", "affordable-homes"), (
                A("Consult on the draft Local Plan (Regulation 18)", 2, 5, story="complete"),
                A("Update the five-year housing land supply statement", 1, 4, "officer",
                  "complete"),
                A("Publish the pre-submission Local Plan (Regulation 19)", 8, 12),
            )),
        ),
    ),
    PlanSpec(
        "highways-transport",
        "Highways and Transport maintains 1,100 miles of roads and footways and 21,000 street "
        "lights, and supports the bus network. The plan puts this year's government maintenance "
        "funding into potholes and resurfacing, finishes the LED street lighting conversion "
        "and keeps villages connected by bus. It waited for the Department for Transport to "
        "confirm the funding, so its actions start this winter.",
        (
            O("Repair roads and footways faster", ("clean-streets",), (
                A("Repair the potholes on priority routes before the gritting season", 9, 10),
                A("Resurface 25 miles of road from the capital programme", 9, 12),
                A("Refresh the highway asset management plan", 9, 12, "officer"),
            )),
            O("Finish the LED street lighting conversion", ("net-zero",), (
                A("Convert the remaining 4,000 street lights to LED", 9, 12, "officer"),
            )),
            O("Keep villages connected by bus", ("growth",), (
                A("Tender the most-used withdrawn bus routes", 9, 11),
                A("Agree the Enhanced Partnership with the bus operators", 9, 12),
            )),
        ),
        SUBMITTED,
    ),
    PlanSpec(
        "climate-sustainability",
        "Climate and Sustainability leads the council's route to net zero by 2030 and helps "
        "residents and businesses cut carbon. The plan decarbonises council buildings, grows "
        "the public charging network and helps homes use less energy.",
        (
            O("Cut the council's own emissions", ("net-zero",), (
                A("Bid to the Public Sector Decarbonisation Scheme", 1, 4, story="complete"),
                A("Install heat pumps at the civic centre and two depots", 1, 12, story="off",
                  why="the grid connection for the civic centre cannot be dated yet"),
            )),
            O("Expand public electric vehicle charging", ("net-zero",), (
                A("Install 120 on-street charge points with the concession partner", 1, 12,
                  story="risk", why="a third of the sites wait on grid connections"),
            )),
            O("Help residents save energy", ("net-zero", "cost-of-living"), (
                A("Retrofit 300 homes through the Warm Homes grant", 1, 12, "officer"),
                A("Plant 5,000 trees with schools and community groups", 8, 12, "officer"),
            )),
        ),
    ),
    PlanSpec(
        "economic-development",
        "Economic Development supports businesses to start and grow, helps residents into good "
        "jobs and leads the regeneration of the town centres, starting with the Market Quarter.",
        (
            O("Help residents into good jobs", ("good-jobs",), (
                A("Run three jobs fairs with local employers", 9, 12, "officer"),
                A("Launch the construction skills academy with the college", 10, 12),
            )),
            O("Support local businesses to grow", ("good-jobs",), (
                A("Award business growth grants from the UK Shared Prosperity Fund", 9, 12,
                  "officer"),
            )),
            O("Bring life back to the town centres", ("town-centres",), (
                A("Appoint the Market Quarter development partner", 9, 12),
            )),
        ),
        DRAFT,
    ),
    # --- People ---------------------------------------------------------------------------------
    PlanSpec(
        "adult-social-care",
        "Adult Social Care assesses and arranges care and support for adults with care needs "
        "and their carers, and safeguards adults at risk. The plan helps more people home from "
        "hospital and living independently, cuts the wait for a Care Act assessment and "
        "supports unpaid carers.",
        (
            O("Help people home from hospital and keep them independent",
              ("independent-lives",), (
                A("Extend the reablement service to weekends", 1, 6, story="complete"),
                A("Offer technology-enabled care to everyone leaving hospital with care", 3, 12,
                  "officer"),
            )),
            O("Cut the wait for a Care Act assessment", ("independent-lives",), (
                A("Clear the assessment backlog with an assessment partner", 1, 7,
                  story="complete"),
                A("Triage the waiting list every week by risk", 1, 12, "officer"),
            )),
            O("Support unpaid carers", ("independent-lives", "healthier-lives"), (
                A("Refresh the carers' strategy with carers and the NHS", 2, 9),
            )),
        ),
    ),
    PlanSpec(
        "childrens-services",
        "Children's Services protects children at risk of harm, supports families, and cares "
        "for children looked after and care leavers. The plan answers the last inspection: a "
        "stable, permanent workforce, and more children cared for close to home.",
        (
            O("Build a stable, permanent social work workforce", ("children-safe",), (
                A("Recruit 20 permanent social workers", 1, 12, story="risk",
                  why="experienced social workers are scarce nationally"),
                A("Open the second cohort of the social work academy", 3, 6, story="complete"),
            )),
            O("Care for more children close to home", ("children-safe", "best-start"), (
                A("Open the first in-house children's home", 1, 10, story="off",
                  why="Ofsted registration of the home's manager is still awaited"),
                A("Recruit 25 new foster carers", 1, 12, "officer"),
            )),
            O("Support care leavers into education, employment or training",
              ("children-safe", "good-jobs"), (
                A("Ring-fence 15 council apprenticeships for care leavers", 3, 12),
            )),
        ),
    ),
    PlanSpec(
        "education-inclusion",
        "Education and Inclusion works with schools and early years settings to raise "
        "standards and attendance, and meets the needs of children with special educational "
        "needs and disabilities. The plan issues education, health and care plans on time, "
        "brings down persistent absence and opens family hubs.",
        (
            O("Issue education, health and care plans on time", ("best-start",), (
                A("Recruit three SEND case officers", 1, 4, story="complete"),
                A("Deliver this year's Safety Valve actions", 1, 12, story="risk",
                  why="requests for assessments are still rising"),
            )),
            O("Get more children to school every day", ("best-start",), (
                A("Set up attendance support teams in every secondary school", 3, 6, "officer",
                  "complete"),
                A("Agree attendance plans with the ten schools with most persistent absence",
                  6, 12),
            )),
            O("Give every child the best start", ("best-start",), (
                A("Open three family hubs", 1, 11),
            )),
        ),
    ),
    PlanSpec(
        "housing-options",
        "Housing Options and Homelessness advises people at risk of losing their home, "
        "prevents and relieves homelessness and provides temporary accommodation. The plan "
        "prevents homelessness earlier and ends the use of bed and breakfast for families "
        "beyond six weeks.",
        (
            O("Prevent homelessness earlier", ("homelessness-prevented",), (
                A("Appoint two prevention officers from the Homelessness Prevention Grant", 1, 4,
                  story="complete"),
                A("Contact every household served with a section 21 notice within two days",
                  1, 12, "officer"),
            )),
            O("End bed and breakfast for families beyond six weeks",
              ("homelessness-prevented", "affordable-homes"), (
                A("Buy 60 homes for temporary accommodation", 1, 12, story="risk",
                  why="purchases have slowed as prices rose above the agreed budget"),
                A("Review every family in bed and breakfast daily", 1, 12, "officer"),
            )),
            O("Help people sleeping rough off the streets", ("homelessness-prevented",), (
                A("Open a winter night shelter with the churches' partnership", 7, 12),
            )),
        ),
    ),
    PlanSpec(
        "housing-management",
        "Housing Management looks after the council's 5,200 homes: lettings, rents, repairs and "
        "tenancy support. The plan tackles damp and mould, keeps every home gas safe, builds "
        "new council homes and acts on what tenants tell us.",
        (
            O("Make every council home safe and decent", ("well-managed-homes",), (
                A("Inspect every damp and mould report within ten working days", 1, 12),
                A("Complete the stock condition survey", 1, 8, story="risk",
                  why="access to a quarter of homes took more than one visit"),
                A("Keep a valid gas safety certificate for every home", 1, 12, "officer"),
            )),
            O("Build new council homes", ("affordable-homes",), (
                A("Start on site at Orchard Lane", 1, 5, story="complete"),
            )),
            O("Act on what tenants tell us", ("well-managed-homes",), (
                A("Publish the tenant satisfaction measures and act on them", 1, 6, "officer",
                  "complete"),
            )),
        ),
    ),
    PlanSpec(
        "public-health",
        "Public Health improves residents' health and narrows health inequalities: it "
        "commissions stop smoking, drug and alcohol, sexual health and NHS Health Check "
        "services and leads the Joint Local Health and Wellbeing Strategy. The plan follows "
        "the refreshed strategy agreed by the Health and Wellbeing Board.",
        (
            O("Help more smokers quit", ("healthier-lives",), (
                A("Spend the new stop smoking grant on community quit clinics", 9, 12),
            )),
            O("Reduce the harm from drugs and alcohol", ("healthier-lives", "safe-communities"), (
                A("Recommission the drug and alcohol treatment service", 9, 12),
            )),
            O("Give children a healthy start", ("healthier-lives", "best-start"), (
                A("Extend the breastfeeding peer support service", 9, 12, "officer"),
            )),
        ),
        RETURNED,
    ),
    # --- Resources ------------------------------------------------------------------------------
    PlanSpec(
        "finance",
        "Finance manages the council's budget, accounts, treasury and payments, and advises "
        "services and members. The plan sets a balanced budget for next year with a "
        "three-year savings programme, closes last year's accounts on time and replaces the "
        "finance system.",
        (
            O("Set a balanced budget and deliver the savings", ("financially-sustainable",), (
                A("Agree a three-year savings programme with every directorate", 3, 9),
                A("Report budget monitoring to Cabinet every quarter", 1, 12, "officer"),
            )),
            O("Close the accounts on time", ("financially-sustainable", "good-governance"), (
                A("Publish the draft statement of accounts by 30 June", 1, 3, "officer",
                  "complete"),
            )),
            O("Replace the finance system", ("financially-sustainable",), (
                A("Go live with the new finance system", 1, 10, story="risk",
                  why="data migration testing found errors in the supplier records"),
            )),
        ),
    ),
    PlanSpec(
        "revenues-benefits",
        "Revenues and Benefits bills and collects council tax and business rates and pays "
        "housing benefit and council tax support. The plan keeps collection on track, pays "
        "claims faster and makes sure residents get the support they are entitled to.",
        (
            O("Collect council tax and business rates", ("financially-sustainable",), (
                A("Send reminders by email and text as well as by post", 1, 4, "officer",
                  "complete"),
                A("Automate council tax moves and direct debit changes", 1, 10),
            )),
            O("Pay benefit claims quickly", ("cost-of-living",), (
                A("Process Universal Credit notifications automatically", 2, 9, "officer"),
            )),
            O("Help residents with the cost of living", ("cost-of-living",), (
                A("Run a council tax support take-up campaign", 5, 7, story="complete"),
                A("Spend the Household Support Fund with the voluntary sector", 1, 12, "officer"),
            )),
        ),
    ),
    PlanSpec(
        "hr-od",
        "HR and Organisational Development recruits, develops and supports the council's "
        "2,400 staff. The plan completes the pay and grading review, cuts sickness absence and "
        "agency spend, and makes the workforce more representative of Wyvern Vale.",
        (
            O("Complete the pay and grading review", ("engaged-workforce",), (
                A("Consult staff and the trade unions on the new pay structure", 1, 6,
                  story="complete"),
                A("Put the new pay structure in place", 7, 12),
            )),
            O("Reduce sickness absence", ("engaged-workforce",), (
                A("Offer fast-track physiotherapy and mental health support", 1, 5, "officer",
                  "complete"),
                A("Train every manager in the new attendance policy", 3, 9),
            )),
            O("A workforce that reflects the community it serves", ("inclusive-workforce",), (
                A("Introduce anonymised shortlisting", 1, 4, story="complete"),
                A("Launch the apprenticeship scheme for local young people", 5, 12, "officer"),
            )),
        ),
    ),
    PlanSpec(
        "legal-democratic",
        "Legal and Democratic Services gives the council legal advice, supports councillors "
        "and committees, and runs elections. The plan publishes the electoral register on "
        "time, gets ready for the May 2027 elections and refreshes the constitution.",
        (
            O("Safe, well-run elections", ("good-governance",), (
                A("Review polling districts and polling places", 1, 7, "officer", "complete"),
                A("Complete the annual canvass and publish the register", 4, 9, "officer"),
            )),
            O("Open, well-supported decision-making", ("good-governance",), (
                A("Refresh the constitution and scheme of delegation", 1, 9),
                A("Prepare the induction programme for councillors elected in May 2027", 9, 12),
            )),
        ),
    ),
    PlanSpec(
        "information-governance",
        "Information Governance makes sure the council handles information lawfully: freedom "
        "of information and subject access requests, data protection and records management. "
        "The plan answers more requests on time and cuts personal data breaches.",
        (
            O("Answer requests for information on time", ("good-governance", "customer-first"), (
                A("Publish the most-requested information on the website", 1, 6, "officer",
                  "complete"),
                A("Answer subject access requests within one month again", 1, 9, story="risk",
                  why="two large requests from former staff took most of the team's time"),
            )),
            O("Protect personal data", ("good-governance",), (
                A("Train every member of staff in data protection", 1, 12, "officer"),
                A("Review the records retention schedule", 3, 9),
            )),
        ),
    ),
    PlanSpec(
        "digital-ict",
        "Digital and ICT runs the council's systems, network and devices, the website and the "
        "customer portal. The plan launches the new customer portal, moves the remaining "
        "systems to the cloud and strengthens cyber security.",
        (
            O("Make it easy to do business with us online", ("customer-first",), (
                A("Launch the new customer portal", 1, 7, story="complete"),
                A("Move council tax and waste forms onto the portal", 5, 12, "officer"),
            )),
            O("Keep systems secure and available", ("customer-first", "good-governance"), (
                A("Replace the last unsupported servers", 1, 6, "officer", "overdue",
                  why="two line-of-business systems must be upgraded first"),
                A("Move the remaining systems to the cloud", 1, 12),
            )),
        ),
    ),
    # --- Communities ----------------------------------------------------------------------------
    PlanSpec(
        "community-safety",
        "Community Safety works with the police and partners in the Community Safety "
        "Partnership to cut crime and anti-social behaviour and to support victims of "
        "domestic abuse.",
        (
            O("Support victims of domestic abuse", ("safe-communities",), (
                A("Commission a further independent domestic violence adviser", 1, 4,
                  story="complete"),
                A("Open the domestic abuse safe accommodation scheme", 3, 11),
            )),
            O("Tackle anti-social behaviour", ("safe-communities",), (
                A("Run the summer anti-social behaviour operation with the police", 3, 6,
                  story="complete"),
                A("Upgrade the town centre CCTV cameras", 4, 12, "officer"),
            )),
            O("Keep young people out of the justice system", ("safe-communities",), (
                A("Expand the youth diversion scheme to every secondary school", 1, 12),
            )),
        ),
    ),
    PlanSpec(
        "parks-leisure",
        "Parks and Leisure manages the council's parks, play areas and open spaces and the "
        "contract for its four leisure centres. The plan keeps the pools open and affordable, "
        "cuts their energy use and improves the parks and play areas.",
        (
            O("Keep leisure affordable and sustainable", ("healthier-lives", "net-zero"), (
                A("Agree an energy price mechanism in the leisure contract", 1, 3,
                  story="complete"),
                A("Install heat pumps and solar panels at two leisure centres", 1, 10),
            )),
            O("Better parks and play areas", ("clean-streets", "healthier-lives"), (
                A("Win a Green Flag Award for Riverside Park", 1, 4, "officer", "complete"),
                A("Refurbish eight play areas", 1, 9, story="risk",
                  why="equipment for three sites is on back order"),
            )),
        ),
    ),
    PlanSpec(
        "libraries",
        "Libraries runs eight libraries, the mobile library and the online library. The plan "
        "completes the library service review, grows membership and supports children's "
        "reading and residents' digital skills.",
        (
            O("A library service fit for the future", ("cohesive-communities",), (
                A("Consult residents on the library service review", 1, 5, story="complete"),
                A("Agree the library strategy at Cabinet", 6, 10, story="deferred"),
            )),
            O("Support reading, learning and digital skills",
              ("best-start", "cohesive-communities"), (
                A("Run the Summer Reading Challenge with every primary school", 2, 6, "officer",
                  "complete"),
                A("Hold digital skills sessions in every library", 4, 12, "officer"),
            )),
        ),
    ),
    PlanSpec(
        "licensing",
        "Licensing licenses pubs, clubs, taxis and other regulated activities and inspects "
        "premises to keep the public safe. The plan moves applications online and keeps "
        "high-risk premises inspected as planned.",
        (
            O("Process licence applications on time", ("safe-communities", "customer-first"), (
                A("Move taxi driver applications online", 1, 6, story="overdue",
                  why="the supplier's payment module failed testing"),
            )),
            O("Keep licensed premises and taxis safe", ("safe-communities",), (
                A("Inspect every high-risk licensed premises", 1, 12, "officer"),
                A("Review the statement of licensing policy", 1, 9),
            )),
        ),
    ),
    PlanSpec(
        "customer-services",
        "Customer Services answers residents' calls, emails and web chats, handles complaints "
        "and runs face-to-face appointments. The plan replaces the telephony system, cuts "
        "waiting times and improves how complaints are handled.",
        (
            O("Answer residents quickly", ("customer-first",), (
                A("Offer a call-back at busy times", 1, 3, "officer", "complete"),
                A("Replace the contact centre telephony system", 1, 10, story="off",
                  why="the main contract is months behind and a revised plan is not agreed"),
            )),
            O("Handle complaints well", ("customer-first", "good-governance"), (
                A("Adopt the Ombudsman's complaint handling code", 1, 5, story="complete"),
                A("Train every service's complaint handlers", 4, 12, "officer"),
            )),
        ),
    ),
    # --- Performance and Partnerships -----------------------------------------------------------
    PlanSpec(
        "performance-insight",
        "Performance and Insight runs the council's performance framework, reports to Cabinet "
        "and scrutiny, and provides data and research. The plan moves the last spreadsheet "
        "returns onto the system and publishes performance openly.",
        (
            O("Performance information members can rely on", ("good-governance",), (
                A("Move the last spreadsheet returns onto the system", 1, 6, story="complete"),
                A("Complete the annual data quality audit with internal audit", 6, 10,
                  "officer"),
            )),
            O("Open performance reporting", ("good-governance",), (
                A("Publish quarterly performance on the council's website", 1, 12, "officer"),
                A("Publish ward profiles from the latest census", 4, 9),
            )),
        ),
    ),
    PlanSpec(
        "communications",
        "Communications and Engagement tells residents about council services and decisions, "
        "runs consultations and answers the media. The plan reaches more residents directly "
        "and involves them in the big decisions, starting with next year's budget.",
        (
            O("Keep residents well informed", ("good-governance",), (
                A("Grow the residents' e-newsletter to 30,000 subscribers", 1, 12, "officer"),
                A("Run the residents' survey", 5, 9),
            )),
            O("Involve residents in decisions", ("cohesive-communities", "good-governance"), (
                A("Launch the online consultation hub", 1, 5, story="complete"),
                A("Run the budget consultation for next year", 8, 10, "officer"),
            )),
        ),
    ),
    PlanSpec(
        "policy-partnerships",
        "Policy and Partnerships develops council policy, supports the voluntary and community "
        "sector and leads the council's work on equality. The plan renews the compact with "
        "the voluntary sector and makes sure decisions consider their effect on equality.",
        (
            O("A strong voluntary and community sector", ("cohesive-communities",), (
                A("Award this year's community grants", 1, 3, "officer", "complete"),
                A("Agree a new compact with the voluntary sector", 3, 10),
            )),
            O("Fairness and equality in every decision",
              ("cohesive-communities", "inclusive-workforce"), (
                A("Assess the equality impact of every budget proposal", 7, 11),
                A("Publish the equality objectives annual report", 10, 12, "officer"),
            )),
        ),
    ),
]  # fmt: skip

# Economic Development's draft, rewritten after Cabinet deferred the Market Quarter scheme.
DRAFT_DROPS = "Appoint the Market Quarter development partner"
DRAFT_ADDS = A("Offer meanwhile-use grants to bring ten empty shops back into use", 9, 12)
DRAFT_SUMMARY = (
    "Economic Development supports businesses to start and grow, helps residents into good "
    "jobs and leads the regeneration of the town centres. Cabinet has deferred the Market "
    "Quarter scheme, so this year's town centre work fills empty shops instead."
)
RETURN_REASON = (
    "The objectives follow the refreshed strategy, but two of its priorities have no action: "
    "NHS Health Checks and healthy weight in children, though their indicators are in the "
    "plan. And the drug and alcohol service must be recommissioned before the current "
    "contract ends in January, not by March. Please add the two actions and bring that date "
    "forward, then send it back to me."
)
DEFERRED_NOTE = "Paused: Cabinet deferred its decision, so the work waits until February."
DEFERRED_REASON = (
    "Cabinet deferred the library strategy on {day} until the budget consultation closes; it "
    "goes back to Cabinet with the budget in February."
)

NOTES = {
    "start": (
        "Started: the plan of work is agreed with the team and the first tasks are under way.",
        "Under way: scope and timetable agreed; the team has started.",
    ),
    "on": (
        "On plan: this quarter's work is done and the next stage is scheduled.",
        "Going well: the quarter's milestones were met, within budget.",
        "Progressing as planned; nothing to escalate.",
        "On track: the project group met this month and agreed the next steps.",
    ),
    "risk": (
        "Behind plan: {why}. A recovery plan is agreed with the head of service.",
        "Slower than planned: {why}. Some work moves into next quarter.",
    ),
    "off": (
        "Well behind plan: {why}. Escalated to the director.",
        "Badly delayed: {why}. A revised timetable goes to the management team next month.",
    ),
    "complete": (
        "Complete: delivered as planned and handed over to the team.",
        "Done, on time and within budget.",
        "Complete. The lessons learned are shared with the management team.",
    ),
    "overdue": (
        "Not finished by the due date: {why}. Now expected to finish in {month}.",
        "Missed the due date: {why}. The remaining work is planned for {month}.",
    ),
}
BEHIND = "other work took priority"  # when a slipping action's spec gives no reason


@dataclass(frozen=True)
class ServicePlanDemoSummary:
    plans: int
    signed_off: int
    objectives: int
    actions: int
    progress: int


@dataclass(frozen=True)
class Report:
    """One progress report on an action: when, % complete, note, and a deferral if any."""

    day: date
    percent: int
    note: str
    deferred_reason: str | None = None


@contextmanager
def _on_the_demo_calendar(moment: datetime) -> Iterator[None]:
    """Within this block `timezone.now()` answers `moment`: the domain functions stamp it on
    the plan, its revisions, progress reports and notices, so the plan's history happens on
    the demo's calendar. (The demo loads in one thread; the real clock is back as it ends.)"""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


class _Clock:
    """One plan's moments, each a few minutes after the last and none on the demo's today."""

    def __init__(self, ceiling: datetime, rng: random.Random):
        self.ceiling, self.rng = ceiling, rng
        self.last: datetime | None = None

    def at(self, moment: datetime) -> datetime:
        moment = min(moment, self.ceiling)
        if self.last is not None and moment <= self.last:
            moment = self.last + timedelta(minutes=self.rng.randint(3, 12))
        self.last = moment
        return moment

    def later(self, minutes: tuple[int, int] = (4, 35)) -> datetime:
        """A moment a few minutes after the last (`at` or `run` takes it)."""
        return self.last + timedelta(minutes=self.rng.randint(*minutes))

    def another_day(self, days: tuple[int, int]) -> datetime:
        """A moment in office hours a few days after the last."""
        return working_time(self.last.date() + timedelta(days=self.rng.randint(*days)), self.rng)

    def run(self, moment: datetime, step: Callable, **arguments):
        """Take a step of the plan's story at `moment` (or just after the last)."""
        with _on_the_demo_calendar(self.at(moment)):
            return step(**arguments)


def _month_start(year_start: date, month: int) -> date:
    index = year_start.month - 1 + month - 1
    return date(year_start.year + index // 12, index % 12 + 1, 1)


def _month_end(year_start: date, month: int) -> date:
    return _month_start(year_start, month + 1) - timedelta(days=1)


def _working_day(day: date) -> date:
    """The day, or the Friday before a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _story(spec: ActionSpec, starts: date, due: date, today: date) -> str:
    """How the action's year goes; a story its dates cannot tell gives way to one they can."""
    if starts > today - timedelta(days=14):
        return "future"  # not started yet: nothing to report
    if spec.story == "overdue":
        return "overdue" if due < today - timedelta(days=14) else "risk"
    if spec.story == "complete" or (not spec.story and due < today - timedelta(days=3)):
        return "complete"
    if spec.story:
        return spec.story
    return "on"


SHIFTS = {  # points from where the action should be, at each report
    "on": (-3, 6),
    "complete": (-2, 8),
    "deferred": (-6, 4),
    "risk": (-24, -14),
    "overdue": (-22, -12),
    "off": (-45, -34),
}


def _reports(
    spec: ActionSpec,
    starts: date,
    due: date,
    *,
    today: date,
    points: list[date],
    after: date,
    rng: random.Random,
) -> list[Report]:
    """The action's progress reports, oldest first: one in the last days before each point
    (a finished quarter's end, or today), with the % complete its story has at that point,
    none before `after` (the plan's sign-off)."""
    story = _story(spec, starts, due, today)
    if story == "future":
        return []
    why = spec.why or BEHIND
    first = max(starts + timedelta(days=10), after)
    finish = None
    if story == "complete":
        finish = min(due - timedelta(days=rng.randint(0, 12)), today - timedelta(days=1))
        finish = max(_working_day(finish), first)
    elif story == "overdue":
        finish = min(due + timedelta(days=rng.randint(4, 12)), today - timedelta(days=2))
    reports: list[Report] = []
    for point in points:
        day = _working_day(point - timedelta(days=rng.randint(1, 9)))
        if day < first or (finish is not None and day >= finish):
            continue
        low, high = SHIFTS[story]
        percent = int(expected_progress(starts, due, point)) + rng.randint(low, high)
        kind = {"risk": "risk", "off": "off", "overdue": "risk"}.get(story, "on")
        starting = not reports and percent < 30
        note = rng.choice(NOTES["start" if starting else kind]).format(why=why)
        reports.append(Report(day, max(1, min(95, percent)), note))
    if story == "complete":
        reports.append(Report(finish, 100, rng.choice(NOTES["complete"])))
    elif story == "overdue":
        expected = finish + timedelta(days=rng.randint(50, 75))
        note = rng.choice(NOTES["overdue"]).format(why=why, month=f"{expected:%B}")
        reports.append(Report(finish, rng.randint(70, 88), note))
    elif story == "deferred" and reports:
        last = reports[-1]
        decided = last.day - timedelta(days=rng.randint(5, 12))
        reason = DEFERRED_REASON.format(day=f"{decided.day} {decided:%B %Y}")
        reports[-1] = Report(last.day, last.percent, DEFERRED_NOTE, reason)
    # % complete never goes back, and every report changes something.
    kept, previous = [], 0
    for report in reports:
        percent = max(report.percent, previous)
        if percent == previous and report.deferred_reason is None:
            if percent >= 100:
                continue
            percent += 1
        kept.append(Report(report.day, percent, report.note, report.deferred_reason))
        previous = percent
    return kept


def _points(year: Period, today: date) -> list[date]:
    """When actions' progress is judged: each finished quarter's end, and today when the last
    quarter ended weeks ago."""
    points = []
    for quarter in range(1, 5):
        end = _month_end(year.starts_on, quarter * 3)
        if end >= today:
            break
        points.append(end)
    if (today - (points[-1] if points else year.starts_on)).days > 21:
        points.append(today)
    return points


@dataclass
class _Service:
    """One plan's story: the service, who drafts it, who owns actions, who decides."""

    spec: PlanSpec
    unit: OrgUnit
    officer: User  # the data owner: drafts, submits and reports progress
    head: User  # the head of service: owns actions
    director: User  # the director of its directorate: signs it off
    rng: random.Random
    clock: _Clock
    plan: ServicePlan | None = None
    objectives: dict[str, ServicePlanObjective] = field(default_factory=dict)


class _Drafting:
    """A draft plan's objectives, actions and risks, added as `delivery.service_plans` adds
    them one at a time (each change a revision holding the plan's snapshot before and after,
    and its version raised), but built in memory and saved in bulk with every other plan's:
    drafting through the domain functions snapshots the whole plan twice per change."""

    def __init__(self, about: _Service):
        self.about = about
        self.plan = about.plan
        self.snapshot = self.plan.snapshot()  # as stored, with the service's indicators
        self.objectives: list[ServicePlanObjective] = []
        self.outcomes: list[tuple[ServicePlanObjective, int]] = []
        self.actions: list[ServicePlanAction] = []
        self.risks: list[Risk] = []
        self.revisions: list[ServicePlanRevision] = []
        self.number = self.plan.revisions.count()

    def _kept(self, reason: str, at: datetime, change: Callable[[dict], None]) -> None:
        after = copy.deepcopy(self.snapshot)
        change(after)
        self.number += 1
        self.revisions.append(
            ServicePlanRevision(
                plan=self.plan,
                number=self.number,
                action=RevisionAction.EDITED,
                before=self.snapshot,
                after=after,
                reason=reason,
                changed_by=self.about.officer,
                changed_at=at,
            )
        )
        self.snapshot = after
        self.plan.lock_version += 1
        self.plan.updated_at = at

    def add_objective(self, spec: ObjectiveSpec, outcomes, at: datetime) -> int:
        position = len(self.objectives)
        objective = ServicePlanObjective(
            plan=self.plan, title=spec.title, description=spec.description, position=position
        )
        self.objectives.append(objective)
        self.outcomes += [(objective, outcomes[code].pk) for code in spec.outcomes]
        self.about.objectives[spec.title] = objective
        self._kept(
            f"Objective added: {spec.title}",
            at,
            lambda after: after["contents"].append({"title": spec.title, "actions": []}),
        )
        return position

    def add_action(self, index: int, spec: ActionSpec, year: Period, at: datetime) -> None:
        objective = self.objectives[index]
        action = ServicePlanAction(
            objective=objective,
            title=spec.title,
            owner=self.about.head if spec.owner == "head" else self.about.officer,
            starts_on=_month_start(year.starts_on, spec.starts),
            due_on=_month_end(year.starts_on, spec.due),
            position=sum(1 for a in self.actions if a.objective is objective),
        )
        self.actions.append(action)
        line = {
            "title": action.title,
            "owner": action.owner.pk,
            "starts_on": action.starts_on.isoformat(),
            "due_on": action.due_on.isoformat(),
            "percent_complete": 0,
        }
        self._kept(
            f"Action added: {action.title}",
            at,
            lambda after: after["contents"][index]["actions"].append(line),
        )

    def link_risks(self, risks: list[Risk], at: datetime) -> None:
        self.risks = risks
        references = sorted(risk.reference for risk in risks)
        self._kept(
            "Indicators and risks changed",
            at,
            lambda after: after["links"].update(risks=references),
        )


def _save_drafts(drafts: list[_Drafting]) -> None:
    ServicePlanObjective.objects.bulk_create(o for d in drafts for o in d.objectives)
    ServicePlanObjective.outcomes.through.objects.bulk_create(
        ServicePlanObjective.outcomes.through(
            serviceplanobjective_id=objective.pk, outcome_id=outcome_id
        )
        for d in drafts
        for objective, outcome_id in d.outcomes
    )
    ServicePlanAction.objects.bulk_create(a for d in drafts for a in d.actions)
    ServicePlan.risks.through.objects.bulk_create(
        ServicePlan.risks.through(serviceplan_id=d.plan.pk, risk_id=risk.pk)
        for d in drafts
        for risk in d.risks
    )
    ServicePlanRevision.objects.bulk_create(r for d in drafts for r in d.revisions)
    ServicePlan.objects.bulk_update([d.plan for d in drafts], ["lock_version", "updated_at"])


def load_service_plans(
    *,
    today: date,
    people: dict[str, User],
    returners: dict[str, tuple[User, User]],
    seed: int = 2026,
) -> ServicePlanDemoSummary:
    """Every service's plan for the financial year containing `today`; `returners` gives each
    service's data owner (who drafts, submits and reports on its plan) and approver."""
    year = financial_year_on(today)
    units = {u.code: u for u in OrgUnit.objects.select_related("head", "parent__head")}
    outcomes = {o.code: o for o in Outcome.objects.all()}
    risks: dict[int, list[Risk]] = {}
    for risk in Risk.objects.filter(unit__kind="service").order_by("reference"):
        risks.setdefault(risk.unit_id, []).append(risk)
    ceiling = datetime.combine(today - timedelta(days=1), time(18, 0), tzinfo=LONDON)
    stories = []
    for spec in PLANS:
        rng = random.Random(f"{seed}:service-plan:{spec.service}")
        unit = units[spec.service]
        officer, approver = returners[spec.service]
        stories.append(
            _Service(
                spec=spec,
                unit=unit,
                officer=officer,
                head=people.get(unit.head.username, approver) if unit.head else approver,
                director=people[unit.parent.head.username],
                rng=rng,
                clock=_Clock(ceiling, rng),
            )
        )
    drafts = [_draft(about, year, outcomes, risks.get(about.unit.pk, [])) for about in stories]
    _save_drafts(drafts)
    points = _points(year, today)
    plans = [_decide(about, year, today, points) for about in stories]
    _settle_notices(plans)
    return ServicePlanDemoSummary(
        plans=len(plans),
        signed_off=sum(1 for plan in plans if plan.state == ReturnState.APPROVED),
        objectives=ServicePlanObjective.objects.filter(plan__in=plans).count(),
        actions=ServicePlanAction.objects.filter(objective__plan__in=plans).count(),
        progress=ActionProgress.objects.filter(action__objective__plan__in=plans).count(),
    )


def _draft(about: _Service, year: Period, outcomes, risks: list[Risk]) -> _Drafting:
    """The data owner starts the plan in the weeks before the year starts (its summary, and
    the service's indicators), then adds its objectives and actions, then its risks."""
    rng, clock = about.rng, about.clock
    drafted = working_time(year.starts_on - timedelta(days=rng.randint(20, 44)), rng)
    about.plan = clock.run(
        drafted,
        start_plan,
        service=about.unit,
        year=year,
        by=about.officer,
        summary=about.spec.summary,
    )
    drafting = _Drafting(about)
    for number, spec in enumerate(about.spec.objectives):
        moment = clock.another_day((1, 4)) if number and rng.random() < 0.5 else clock.later()
        index = drafting.add_objective(spec, outcomes, clock.at(moment))
        for action in spec.actions:
            drafting.add_action(index, action, year, clock.at(clock.later((3, 25))))
    if risks:
        drafting.link_risks(risks, clock.at(clock.another_day((1, 6))))
    return drafting


def _decide(about: _Service, year: Period, today: date, points) -> ServicePlan:
    """Where the plan goes once drafted: signed off with a year of progress, waiting for
    sign-off, returned with a reason, or rewritten and still a draft."""
    rng, clock, officer, director = about.rng, about.clock, about.officer, about.director
    plan = ServicePlan.objects.get(pk=about.plan.pk)
    story = about.spec.story
    if story == SIGNED_OFF:
        submitted = working_time(year.starts_on + timedelta(days=rng.randint(6, 24)), rng)
        plan = clock.run(submitted, submit_plan, plan=plan, by=officer)
        decided = submitted.date() + timedelta(days=rng.randint(2, 16))
        decided = min(decided, year.starts_on + timedelta(days=58))  # by the end of May
        plan = clock.run(working_time(decided, rng), sign_off_plan, plan=plan, by=director)
        _report_progress(about, plan, today, points)
    elif story == SUBMITTED:
        # Held back until the year's highway maintenance funding was confirmed.
        submitted = working_time(today - timedelta(days=rng.randint(6, 10)), rng)
        plan = clock.run(submitted, submit_plan, plan=plan, by=officer)
    elif story == RETURNED:
        submitted = working_time(today - timedelta(days=rng.randint(19, 23)), rng)
        plan = clock.run(submitted, submit_plan, plan=plan, by=officer)
        returned = working_time(today - timedelta(days=rng.randint(11, 14)), rng)
        plan = clock.run(returned, return_plan, plan=plan, by=director, reason=RETURN_REASON)
    elif story == DRAFT:
        # Rewritten on the pages after Cabinet deferred the Market Quarter scheme.
        town_centres = about.objectives[about.spec.objectives[-1].title]
        dropped = ServicePlanAction.objects.get(objective=town_centres, title=DRAFT_DROPS)
        rewritten = working_time(today - timedelta(days=rng.randint(24, 32)), rng)
        clock.run(rewritten, remove_action, action=dropped, by=officer)
        clock.run(
            clock.later(),
            add_action,
            objective=town_centres,
            title=DRAFT_ADDS.title,
            owner=about.head,
            starts_on=_month_start(year.starts_on, DRAFT_ADDS.starts),
            due_on=_month_end(year.starts_on, DRAFT_ADDS.due),
            by=officer,
        )
        plan = clock.run(clock.later(), edit_plan, plan=plan, summary=DRAFT_SUMMARY, by=officer)
    return plan


def _report_progress(about: _Service, plan: ServicePlan, today: date, points) -> None:
    """The data owner reports each action's progress through the year, once it is signed off."""
    specs = {(o.title, a.title): a for o in about.spec.objectives for a in o.actions}
    after = timezone.localtime(plan.approved_at).date() + timedelta(days=1)
    actions = ServicePlanAction.objects.filter(objective__plan=plan).select_related("objective")
    for action in actions.order_by("objective__position", "position"):
        spec = specs[(action.objective.title, action.title)]
        reports = _reports(
            spec,
            action.starts_on,
            action.due_on,
            today=today,
            points=points,
            after=after,
            rng=about.rng,
        )
        for report in reports:
            moment = min(working_time(report.day, about.rng), about.clock.ceiling)
            with _on_the_demo_calendar(moment):
                record_action_progress(
                    action,
                    report.percent,
                    report.note,
                    about.officer,
                    deferred_reason=report.deferred_reason,
                )


def _settle_notices(plans: list[ServicePlan]) -> None:
    """The notices the plans' submissions and returns made were emailed when they were made;
    those asking for the sign-off of a plan since decided (signed off or returned) were read
    when it was decided. (The workflow's notices are dated on the demo's calendar already.)"""
    for plan in plans:
        told = list(Notice.objects.filter(key__contains=f":{plan._meta.label_lower}:{plan.pk}:v"))
        for notice in told:
            notice.emailed_at = notice.created_at
            if notice.kind == NoticeKind.RETURN_SUBMITTED and plan.state != ReturnState.SUBMITTED:
                notice.read_at = plan.approved_at or plan.updated_at
        Notice.objects.bulk_update(told, ["emailed_at", "read_at"])
