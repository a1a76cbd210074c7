"""The demo's officer commentary: what the data shows, why, and what is being done.

Written per topic so Amber and Red figures read like a real quarterly return, not filler.
Which sentence a value gets is drawn from the demo's seeded random generator.
"""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    purpose: str  # why indicators on this topic matter (used when a definition gives none)
    reasons: tuple[str, ...]  # why performance is below target
    actions: tuple[str, ...]  # what is being done about it
    good: tuple[str, ...]  # short notes for figures on target


TOPICS: dict[str, Topic] = {
    "waste": Topic(
        "Shows progress on wasting less and recycling more, a commitment in the Climate "
        "Emergency Action Plan, and drives disposal costs.",
        (
            "Two collection rounds ran short-staffed for most of the period while new loaders "
            "were recruited and trained.",
            "The contractor's vehicle fleet had several breakdowns; three spare vehicles were "
            "on hire but rounds still finished late.",
            "Rejected loads at the materials recovery facility rose after a change of "
            "reprocessor tightened the contamination threshold.",
            "Bank holiday catch-up collections fell in the period and pushed some rounds into "
            "the following week.",
        ),
        (
            "Door-stepping by recycling advisers on the twelve rounds with the highest "
            "contamination, with bin tags explaining what went wrong.",
            "Round re-balancing goes live next month, moving 1,800 properties to reduce "
            "overrunning routes.",
            "Recruitment of permanent loaders to replace agency cover; four started this month.",
            "Monthly contract meetings now review missed collections street by street with "
            "the contractor.",
        ),
        (
            "Garden waste tonnage remained strong through the period.",
            "Participation in food waste collections continues to rise.",
            "Rounds completed on the scheduled day throughout the period.",
        ),
    ),
    "envhealth": Topic(
        "Protects public health through food safety, pollution control and housing standards.",
        (
            "Two environmental health officer posts were vacant for most of the quarter.",
            "Officers were redeployed to an outbreak investigation at a care home for three weeks.",
            "A rise in new food business registrations added unplanned first inspections.",
        ),
        (
            "A contractor has been engaged to clear overdue lower-risk inspections by the end "
            "of the next quarter.",
            "The inspection programme has been re-prioritised by risk so the highest-risk "
            "premises are seen first.",
            "A career-graded officer post has been advertised to grow our own qualified staff.",
        ),
        (
            "The inspection programme is on schedule.",
            "Response times held up despite higher seasonal demand.",
        ),
    ),
    "planning": Topic(
        "Timely planning decisions support housing delivery and economic growth; government "
        "can designate councils that fall below the speed and quality thresholds.",
        (
            "Several complex major applications needed extended negotiation on section 106 "
            "contributions.",
            "The team carried two vacant senior planner posts during the quarter.",
            "A backlog built up while the new planning system was configured, and decisions "
            "slipped past eight weeks.",
        ),
        (
            "Extensions of time are now agreed with applicants at validation where a decision "
            "is likely to run late.",
            "Agency planners are covering the vacant posts until permanent recruitment completes.",
            "A weekly caseload review with team leaders targets applications at six weeks.",
        ),
        (
            "Decisions continue to be made well within statutory timescales.",
            "Performance remains comfortably above the government's designation threshold.",
        ),
    ),
    "highways": Topic(
        "Safe, well-maintained roads and reliable transport connect residents to jobs and "
        "services.",
        (
            "Wet weather and freeze-thaw cycles produced a surge in pothole reports.",
            "The term contractor diverted gangs to emergency flood response for two weeks.",
            "Resurfacing schemes were delayed by utility works on the same roads.",
        ),
        (
            "Two additional find-and-fix gangs are working through reported defects.",
            "The contractor has agreed a recovery plan with weekly reporting to the service "
            "manager.",
            "Planned patching has been brought forward on the worst-affected routes.",
        ),
        (
            "Defects were repaired within target despite the weather.",
            "The contractor met every response time this period.",
        ),
    ),
    "climate": Topic(
        "Tracks the council's progress on the Climate Emergency Action Plan and net zero.",
        (
            "Grid electricity carbon factors rose this year, offsetting some of the savings "
            "from the LED and heat pump programmes.",
            "Delivery of new charge points slipped while the grid connections were agreed "
            "with the network operator.",
            "Replacement of fleet vehicles was deferred to next year to spread the capital cost.",
        ),
        (
            "The second phase of building decarbonisation works starts on site this winter.",
            "A framework contract for on-street charge points has been awarded; 40 more sites "
            "are in design.",
            "Fleet replacement now defaults to electric unless a business case shows it is "
            "not viable.",
        ),
        (
            "Emissions continue to fall in line with the net zero glide path.",
            "Installations are ahead of the year's programme.",
        ),
    ),
    "economy": Topic(
        "Evidence of a strong local economy with good jobs, skills and lively town centres.",
        (
            "Two large retailers closed in Wyvern town centre during the period.",
            "Business confidence has weakened with higher borrowing and energy costs.",
            "Recruitment of the business growth adviser post left a gap in support for two months.",
        ),
        (
            "The meanwhile-use scheme is offering empty units to start-ups at reduced rent.",
            "Targeted outreach to high-street businesses through the Business Improvement "
            "District.",
            "The employment hub is running jobs fairs with the Department for Work and Pensions.",
        ),
        (
            "Footfall was boosted by the events programme.",
            "Demand for business support remains strong.",
        ),
    ),
    "adults": Topic(
        "Helps adults live independently, safely and well, and shows value for money in the "
        "largest area of council spending.",
        (
            "Demand from hospital discharges was higher than planned through the period.",
            "Social worker vacancies in the locality teams slowed assessments.",
            "The home care market had limited capacity in rural areas, delaying packages.",
        ),
        (
            "A discharge-to-assess pilot with Wyvern General is reducing waits for packages.",
            "A waiting-list triage by senior practitioners is prioritising the highest risks.",
            "New home care framework contracts add capacity in the rural west of the district.",
        ),
        (
            "Reablement outcomes remain strong.",
            "Waiting times continue to fall as the triage approach beds in.",
        ),
    ),
    "children": Topic(
        "Shows whether children are safe and services respond in time; Ofsted looks closely "
        "at these measures.",
        (
            "Caseloads rose in the assessment teams while two social workers were on leave.",
            "Referrals from schools increased at the start of term.",
            "Agency staff turnover broke continuity for some families.",
        ),
        (
            "Team managers review every assessment at day 35 to prevent drift.",
            "Two newly qualified social workers joined the assessment team this month.",
            "An audit of re-referrals is checking thresholds at the front door.",
        ),
        (
            "Timeliness remains above target.",
            "Audits show practice quality is improving.",
        ),
    ),
    "education": Topic(
        "Every child gets a good education and the support they need to thrive.",
        (
            "Requests for education, health and care needs assessments rose by a fifth on "
            "last year.",
            "Educational psychology advice has been taking longer than six weeks.",
            "Persistent absence is highest among pupils eligible for free school meals.",
        ),
        (
            "Additional educational psychologists are commissioned through an agency until March.",
            "Attendance officers are working with the ten schools with the highest absence.",
            "A new panel process means decisions to assess are made within six weeks.",
        ),
        (
            "Take-up continues to improve.",
            "Performance is better than the regional average.",
        ),
    ),
    "housing": Topic(
        "Preventing homelessness and providing good, affordable homes are central to the "
        "Housing Strategy.",
        (
            "Approaches from households served with section 21 notices continued to rise.",
            "Fewer private rented homes are affordable within Local Housing Allowance rates.",
            "Move-on from temporary accommodation slowed because fewer social lets became "
            "available.",
            "Contractor capacity for void works was stretched, lengthening re-let times.",
        ),
        (
            "The prevention team now contacts every household within two days of a notice "
            "being served.",
            "Sixty homes are being leased from private landlords to replace bed and breakfast "
            "placements.",
            "A landlord incentive scheme offers deposits and rent in advance for tenancies of "
            "a year or more.",
            "A void-works framework adds a second contractor to shorten turnaround.",
        ),
        (
            "Prevention work is keeping more households in their homes.",
            "The programme is on track for the year.",
        ),
    ),
    "health": Topic(
        "Improves health and narrows inequalities with partners on the Health and Wellbeing Board.",
        (
            "Referrals from GP practices fell after the change of provider.",
            "Uptake is lowest in the most deprived neighbourhoods.",
            "Staff vacancies in the commissioned service reduced capacity.",
        ),
        (
            "Outreach clinics are running in community centres in the most deprived wards.",
            "The provider's improvement plan is monitored monthly at contract meetings.",
            "A targeted campaign with the Integrated Care Board is under way.",
        ),
        (
            "Performance is above the England average.",
            "Outcomes continue to improve.",
        ),
    ),
    "finance": Topic(
        "Shows whether the council is living within its means, a condition of its Medium Term "
        "Financial Strategy.",
        (
            "Demand-led pressures in adult social care and home-to-school transport exceed "
            "the budget.",
            "Temporary accommodation costs are running well above budget.",
            "Some savings proposals have slipped into next year.",
        ),
        (
            "Spending controls require director approval for non-essential spending.",
            "Recovery plans for the overspending services are reviewed monthly by the "
            "Corporate Leadership Team.",
            "Slipped savings have been replaced with alternative proposals.",
        ),
        (
            "Spending is in line with the budget.",
            "Payment performance remains strong.",
        ),
    ),
    "revenues": Topic(
        "Council tax and business rates pay for local services; collection shows how well "
        "the council secures its income.",
        (
            "More households are paying by instalments over 12 months rather than 10.",
            "Recovery action was paused for two weeks while the new court dates were agreed.",
            "Several large business ratepayers have appealed their valuations.",
        ),
        (
            "Reminder and final notices are now sent by email and SMS as well as post.",
            "Additional court dates have been booked to catch up on liability orders.",
            "Payment arrangements are offered at first contact for households in difficulty.",
        ),
        (
            "Collection is on profile for the year.",
            "Collection is slightly ahead of the same point last year.",
        ),
    ),
    "benefits": Topic(
        "Quick, accurate benefit decisions help residents with the cost of living and prevent "
        "arrears.",
        (
            "New claims rose as more households migrated from legacy benefits.",
            "Two assessors left the team and their replacements are still in training.",
            "Claims waiting for evidence from customers lengthened the average.",
        ),
        (
            "Automated processing of Universal Credit notifications frees assessor time.",
            "Evidence is now requested by text message with a link to upload documents.",
            "Overtime has been agreed to clear the oldest claims.",
        ),
        (
            "Processing times remain well inside target since the new system went live.",
            "Performance is better than the national average.",
        ),
    ),
    "workforce": Topic(
        "A healthy, skilled and representative workforce is how the council delivers every "
        "ambition.",
        (
            "Seasonal illness and long-term absences for stress and musculoskeletal conditions "
            "rose.",
            "Recruitment to hard-to-fill roles continues to rely on agency staff.",
            "Fewer applicants from ethnic minority backgrounds reached the shortlisting stage.",
        ),
        (
            "Managers receive a monthly absence report and HR business partners review every "
            "long-term case.",
            "The wellbeing programme adds physiotherapy self-referral and mental health first "
            "aiders.",
            "Anonymised shortlisting and diverse interview panels are now standard.",
            "A grow-our-own scheme converts agency roles to apprenticeships.",
        ),
        (
            "Positive progress on the workforce strategy.",
            "Figures continue to improve.",
        ),
    ),
    "governance": Topic(
        "Openness and accountability: statutory deadlines and assurance that the council "
        "is well run.",
        (
            "A rise in complex requests needed input from several services.",
            "Officer availability over the holiday period slowed responses.",
            "Late information from services delayed some responses.",
        ),
        (
            "Services now receive an automated reminder five working days before a response "
            "is due.",
            "Overdue items are reported weekly to the Corporate Leadership Team.",
            "Guidance and training for officers who handle requests has been refreshed.",
        ),
        (
            "Deadlines were met consistently.",
            "Performance remains above the Information Commissioner's expectation.",
        ),
    ),
    "digital": Topic(
        "Reliable technology and digital services let residents and staff do more online.",
        (
            "A major incident with the network provider affected several systems.",
            "Ticket volumes rose during the laptop refresh.",
            "Planned upgrades took longer than scheduled.",
        ),
        (
            "The network provider has implemented the fixes from the incident review.",
            "Self-service password reset has been promoted to reduce tickets.",
            "Maintenance windows have moved to weekends.",
        ),
        (
            "Service levels were met.",
            "Registrations continue to grow.",
        ),
    ),
    "safety": Topic(
        "The Community Safety Partnership's priorities: tackling anti-social behaviour, "
        "domestic abuse and crime.",
        (
            "Reports rose with the lighter evenings and school holidays.",
            "Hotspots around the bus station and two parks account for most of the increase.",
            "Better recording by the police has increased the figures.",
        ),
        (
            "Joint patrols with the police target the hotspots on Friday and Saturday evenings.",
            "A public spaces protection order for Wyvern town centre is out to consultation.",
            "Youth outreach workers are running sessions in the parks over the summer.",
        ),
        (
            "Reports are lower than the same period last year.",
            "Partnership work in the hotspots is paying off.",
        ),
    ),
    "leisure": Topic(
        "Active, healthy residents and good value from the leisure contract.",
        (
            "The main pool at Ashcombe Leisure Centre closed for three weeks for repairs.",
            "Warm weather reduced indoor attendance over the summer.",
            "Price increases in April reduced casual swimming.",
        ),
        (
            "The operator is running a membership campaign with a free first month.",
            "Programme changes move popular classes into off-peak slots.",
            "The pool repairs are complete and the full programme has resumed.",
        ),
        (
            "Attendance is ahead of the same point last year.",
            "Usage is within the planned range.",
        ),
    ),
    "libraries": Topic(
        "Libraries support reading, learning and digital inclusion in every community.",
        (
            "Brindley Library closed for four weeks for roof repairs.",
            "Reduced opening hours at two branches affected visits.",
        ),
        (
            "Pop-up libraries in community centres are running during closures.",
            "A new events programme is drawing in families.",
        ),
        (
            "Usage continues to grow.",
            "Online lending is well ahead of target.",
        ),
    ),
    "licensing": Topic(
        "Licensing keeps the public safe while supporting local businesses.",
        (
            "A surge in taxi driver renewals coincided with a vacancy in the team.",
            "Delays in DBS checks held up some applications.",
        ),
        (
            "Online applications with automatic checks now cover taxi renewals.",
            "Temporary staff are covering the vacancy until recruitment completes.",
        ),
        (
            "Applications were processed within the service standard.",
            "The inspection programme is on track.",
        ),
    ),
    "customer": Topic(
        "Residents can get help easily, first time, in the way that suits them.",
        (
            "Call volumes peaked when annual council tax bills and garden waste renewals went out.",
            "Adviser vacancies and sickness reduced the number of staff on the phones.",
            "Longer calls about cost-of-living support took more adviser time.",
        ),
        (
            "Staff from the back office now cover the phones at peak times.",
            "More transactions have moved online, with a call-back option for those who need help.",
            "Recruitment of six advisers is under way.",
        ),
        (
            "Customers are getting through quickly.",
            "Channel shift continues as planned.",
        ),
    ),
    "complaints": Topic(
        "Learning from complaints improves services and is checked by the Ombudsman.",
        (
            "Complaints about missed bins and housing repairs rose sharply.",
            "Some services returned responses late to the complaints team.",
        ),
        (
            "Complaint handling training for managers in the services with late responses.",
            "A weekly tracker of open complaints goes to each director.",
        ),
        (
            "Responses were on time.",
            "Learning from complaints is being shared with services.",
        ),
    ),
    "communications": Topic(
        "Residents know what the council is doing and how to get involved.",
        (
            "Residents' survey fieldwork coincided with the budget consultation and bin changes.",
            "Fewer residents read the printed magazine since it moved online.",
        ),
        (
            "A new residents' e-newsletter sign-up campaign runs through libraries and the "
            "contact centre.",
            "Consultation results are now reported back to residents through 'You said, we did'.",
        ),
        (
            "Engagement continues to grow.",
            "Media enquiries were handled promptly.",
        ),
    ),
    "communities": Topic(
        "Strong, connected communities and the voluntary sector working with the council.",
        (
            "Grant rounds opened later than planned this year.",
            "Some decision reports were published without a completed assessment.",
        ),
        (
            "Equality impact assessments are now checked before a report goes to the agenda.",
            "Grant panels now meet monthly to speed up decisions.",
        ),
        (
            "Community grants are reaching every ward.",
            "On track for the year.",
        ),
    ),
}

SERVICE_TOPICS = {
    "waste-recycling": "waste",
    "environmental-health": "envhealth",
    "planning": "planning",
    "highways-transport": "highways",
    "climate-sustainability": "climate",
    "economic-development": "economy",
    "adult-social-care": "adults",
    "childrens-services": "children",
    "education-inclusion": "education",
    "housing-options": "housing",
    "housing-management": "housing",
    "public-health": "health",
    "finance": "finance",
    "revenues-benefits": "revenues",
    "hr-od": "workforce",
    "legal-democratic": "governance",
    "information-governance": "governance",
    "digital-ict": "digital",
    "community-safety": "safety",
    "parks-leisure": "leisure",
    "libraries": "libraries",
    "licensing": "licensing",
    "customer-services": "customer",
    "communications": "communications",
    "performance-insight": "governance",
    "policy-partnerships": "communities",
}

# Reasons officers give when revising a figure after sign-off.
REVISION_REASONS = (
    "Late returns from the contractor added; the figure is restated.",
    "A duplicate record in the extract was removed and the figure recalculated.",
    "The figure was corrected after the quarterly data-quality check found the wrong date range.",
    "Final validated data replaced the provisional estimate.",
    "The denominator was updated with the confirmed year-end figure.",
    "A transcription error in the original return was corrected.",
)

RETURN_REASONS = (
    "The numerator and denominator do not match the source report; please check the date "
    "range and resubmit.",
    "Please add commentary explaining the fall since last quarter before this is signed off.",
)


def pick(options: tuple[str, ...], rng: random.Random) -> str:
    return options[rng.randrange(len(options))]


def reasons_and_actions(topic: str, rng: random.Random) -> tuple[str, str]:
    """One or two reasons and one or two actions, drawn without repeats."""
    notes = TOPICS[topic]
    reasons = rng.sample(notes.reasons, k=min(len(notes.reasons), rng.choice((1, 1, 2))))
    actions = rng.sample(notes.actions, k=min(len(notes.actions), rng.choice((1, 2, 2))))
    return " ".join(reasons), " ".join(actions)


def good_note(topic: str, rng: random.Random) -> str:
    return pick(TOPICS[topic].good, rng)
