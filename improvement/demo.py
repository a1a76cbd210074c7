"""The demo council's improvement actions: an improvement clinic on a Place indicator reading
Red, an internal audit, an Ofsted inspection of children's services and an LGA corporate
peer challenge, each with actions agreed with owners and due dates. Some are complete, some
in progress, some overdue on the demo's today, and one has a revised due date with its
reason; the last finished quarter's updates are signed off.

Rows are bulk-created, updates with their revisions in the shape `improvement.workflow`
writes them (`demo.returns`), all dated on the demo's calendar."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from demo.returns import ReturnStory, save_stories
from demo.values import LONDON, working_time
from improvement.actions import is_clinic_allowed
from improvement.models import (
    ActionUpdate,
    ActionUpdateRevision,
    DueDateChange,
    Finding,
    ImprovementAction,
    Source,
)
from indicators.models import Indicator
from organisation.models import Council, OrgUnit, User
from scorecards.queries import latest_complete_quarter
from scorecards.readings import read_indicators
from status.improvement import ActionState
from status.rag import Rag
from strategy.models import Outcome

CLINIC_SERVICES = ("waste-recycling", "highways-transport", "environmental-health", "planning")


@dataclass(frozen=True)
class ActionSpec:
    description: str
    owner: str
    unit: str
    due: int  # days from the finding
    state: str  # open, in_progress or complete, as its last signed-off update reported
    revised: tuple[int, str] | None = None  # days later than first agreed, and why
    outcomes: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class FindingSpec:
    kind: str
    title: str
    reference: str
    body: str
    unit: str
    days_ago: int
    actions: tuple[ActionSpec, ...]


A = ActionSpec
FINDINGS = [
    FindingSpec(
        Source.INTERNAL_AUDIT, "Waste disposal contract management", "IA {year}/07",
        "Internal audit (Wyvern Vale Audit Partnership)", "waste-recycling", 150,
        (
            A("Reconcile disposal invoices to weighbridge tonnages every month before payment.",
              "approver", "waste-recycling", 60, "complete"),
            A("Agree in writing how the contract's annual price indexation is calculated.",
              "approver", "waste-recycling", 90, "in_progress",
              (75, "The contractor has asked for legal advice on the indexation clause; the "
                   "meeting to agree it is now set for January."), ("less-waste",)),
            A("Report contract performance and cost to the Place management team each "
              "quarter.", "director", "place", 120, "in_progress", None, ("less-waste",),
              ("WST-02",)),
            A("Update the contract risk register and its business continuity plan.",
              "dataowner", "waste-recycling", 160, "open"),
        ),
    ),
    FindingSpec(
        Source.INSPECTION, "Inspection of local authority children's services (ILACS)",
        "ILACS {year}", "Ofsted", "childrens-services", 240,
        (
            A("Reduce social workers' caseloads so that no worker holds more than 20 "
              "children.", "k.mensah", "childrens-services", 300, "in_progress", None,
              ("children-safe",), ("CHS-08",)),
            A("Improve the timeliness of child and family assessments.", "k.mensah",
              "childrens-services", 120, "complete", None, ("children-safe",), ("CHS-02",)),
            A("Strengthen management oversight and supervision recorded on children's "
              "files.", "k.mensah", "childrens-services", 150, "in_progress",
              None, ("children-safe",)),
            A("Make sure care leavers have an up-to-date pathway plan written with them.",
              "m.adeyemi", "people", 330, "open", None, ("children-safe",), ("CHS-07",)),
        ),
    ),
    FindingSpec(
        Source.PEER_CHALLENGE, "LGA corporate peer challenge", "CPC {year}",
        "Local Government Association", "performance-partnerships", 320,
        (
            A("Publish a single corporate delivery plan with clear priorities and measures.",
              "s.whitcombe", "performance-partnerships", 120, "complete", None,
              ("good-governance",)),
            A("Set out a medium-term plan to close the budget gap without relying on "
              "reserves.", "f.gallagher", "resources", 200, "in_progress", None,
              ("financially-sustainable",), ("FIN-04",)),
            A("Strengthen scrutiny's role in policy development with a member development "
              "programme.", "a.caldwell", "legal-democratic", 380, "open", None,
              ("good-governance",)),
            A("Refresh the council's engagement with town and parish councils.",
              "p.whitfield", "policy-partnerships", 420, "open", None,
              ("cohesive-communities",)),
        ),
    ),
    FindingSpec(
        Source.AWARD, "Green Flag Award judges' feedback: Castle Park and Riverside Gardens",
        "GFA {year}", "Keep Britain Tidy (Green Flag Award scheme)", "parks-leisure", 200,
        (
            A("Publish a five-year management plan for each park, written with its friends "
              "group.", "l.cartwright", "parks-leisure", 150, "in_progress",
              (60, "The friends groups asked for a second round of consultation over the "
                   "summer; the plans now go to the Communities management team in February."),
              ("clean-streets",)),
            A("Replace the damaged play equipment at Riverside Gardens.", "l.cartwright",
              "parks-leisure", 90, "complete", None, ("clean-streets",)),
            A("Agree a litter and dog-fouling patrol rota with Community Safety for the "
              "summer months.", "s.pike", "communities", 120, "in_progress", None,
              ("safe-communities", "clean-streets")),
        ),
    ),
]  # fmt: skip

CLINIC_ACTIONS = (
    (
        "Map the causes of the decline with the front-line team and agree the three biggest "
        "to tackle first.",
        30,
    ),
    ("Set weekly management checks of the figure until it is back within tolerance.", 45),
    ("Report progress to the Place management team and back to the clinic in three months.", 90),
)
PROGRESS = {
    "open": "Not started yet: the work is planned for next quarter, once the staff are in post.",
    "in_progress": "Under way: the first steps are done and the rest is on plan.",
    "complete": "Done: the change is in place and working.",
}
EVIDENCE = "Signed-off procedure and the first three months' records, seen by the auditor."


@dataclass(frozen=True)
class ImprovementDemoSummary:
    findings: int
    actions: int
    updates: int


def _clinic_indicator(today: date) -> Indicator | None:
    """The first Place indicator reading Red in the latest finished quarter (signed-off
    figures), as a performance team would bring to a clinic."""
    quarter = latest_complete_quarter(today=today)
    council = Council.objects.first()
    if quarter is None or council is None:
        return None
    candidates = list(
        Indicator.objects.filter(owner__code__in=CLINIC_SERVICES, lifecycle="approved")
        .select_related("owner")
        .order_by("code")
    )
    readings = read_indicators(candidates, quarter, today=today, council=council)
    return next(
        (i for i in candidates if is_clinic_allowed(r := readings.get(i.pk)) and r.rag == Rag.red),
        None,
    )


def _signer(owner: User, unit: OrgUnit, people: dict[str, User]) -> User:
    directorate = unit if unit.parent_id is None else unit.parent
    candidates = [directorate.head, people["j.pryce"], people["s.whitcombe"]]
    return next(c for c in candidates if c is not None and c.pk != owner.pk)


def load_improvement(
    *, today: date, people: dict[str, User], seed: int = 2026
) -> ImprovementDemoSummary:
    """Findings, their actions (one revised), and the last finished quarter's updates."""
    rng = random.Random(f"{seed}:improvement")
    units = {u.code: u for u in OrgUnit.objects.select_related("parent__head", "head")}
    outcomes = {o.code: o.pk for o in Outcome.objects.all()}
    indicators = {i.code: i.pk for i in Indicator.objects.all()}
    quarter = latest_complete_quarter(today=today)
    ceiling = datetime.combine(today, time(7, 0), tzinfo=LONDON)
    performance = people["performance"]

    findings = list(FINDINGS)
    clinic = _clinic_indicator(today)
    if clinic is not None:
        findings.append(
            FindingSpec(
                Source.CLINIC,
                f"Improvement clinic: {clinic.title}",
                clinic.code,
                "Improvement clinic",
                clinic.owner.code,
                20,
                tuple(
                    A(
                        text,
                        _head_of(clinic.owner),
                        clinic.owner.code,
                        days,
                        "open",
                        indicators=(clinic.code,),
                    )
                    for text, days in CLINIC_ACTIONS
                ),
            )
        )

    made_findings, made_actions, links, changes = [], [], [], []
    for spec in findings:
        found_on = today - timedelta(days=spec.days_ago)
        finding = Finding(
            kind=spec.kind,
            title=spec.title,
            found_on=found_on,
            reference=spec.reference.format(year=found_on.year),
            body=spec.body,
            unit=units[spec.unit],
            indicator_id=indicators[spec.reference] if spec.kind == Source.CLINIC else None,
            recorded_by=performance,
            recorded_at=min(working_time(found_on + timedelta(days=2), rng), ceiling),
        )
        made_findings.append(finding)
        for number, action_spec in enumerate(spec.actions, start=1):
            owner, unit = people[action_spec.owner], units[action_spec.unit]
            due = found_on + timedelta(days=action_spec.due)
            action = ImprovementAction(
                finding=finding,
                reference=f"{finding.reference} R{number}",
                description=action_spec.description,
                owner=owner,
                unit=unit,
                state=action_spec.state,
                due_on=due,
                agreed_by=_signer(owner, unit, people),
                agreed_at=min(working_time(found_on + timedelta(days=9), rng), ceiling),
            )
            if action_spec.revised:
                later, reason = action_spec.revised
                action.revised_due_on, action.revised_reason = due + timedelta(days=later), reason
                moved = min(working_time(due - timedelta(days=6), rng), ceiling)
                changes.append(
                    DueDateChange(
                        action=action,
                        before=due,
                        after=action.revised_due_on,
                        reason=reason,
                        by=owner,
                        at=moved,
                    )
                )
            made_actions.append((action, action_spec))
            links += [("o", action, outcomes[c]) for c in action_spec.outcomes]
            links += [("i", action, indicators[c]) for c in action_spec.indicators]
    Finding.objects.bulk_create(made_findings)
    for action, _ in made_actions:
        action.finding_id = action.finding.pk
    stories = []
    for action, action_spec in made_actions:
        if quarter is None or action.agreed_at.date() > quarter.ends_on:
            continue
        entered = min(
            working_time(quarter.ends_on + timedelta(days=rng.randint(8, 14)), rng), ceiling
        )
        approved = min(
            working_time(entered.date() + timedelta(days=rng.randint(2, 5)), rng),
            ceiling + timedelta(minutes=30),
        )
        entries = {"reported_state": action_spec.state, "progress": PROGRESS[action_spec.state]}
        if action_spec.state == ActionState.complete:
            entries["evidence"] = EVIDENCE
            action.completed_on, action.evidence = approved.date(), EVIDENCE
        update = ActionUpdate(action=action, period=quarter)
        story = ReturnStory(update, ActionUpdateRevision, "update")
        story.record(entries, action.owner, entered)
        story.submit(action.owner, entered + timedelta(minutes=rng.randint(10, 90)))
        story.approve(action.agreed_by, approved)
        stories.append(story)
    ImprovementAction.objects.bulk_create(action for action, _ in made_actions)
    for change in changes:
        change.action_id = change.action.pk
    DueDateChange.objects.bulk_create(changes)
    ImprovementAction.outcomes.through.objects.bulk_create(
        ImprovementAction.outcomes.through(improvementaction_id=a.pk, outcome_id=pk)
        for kind, a, pk in links
        if kind == "o"
    )
    ImprovementAction.indicators.through.objects.bulk_create(
        ImprovementAction.indicators.through(improvementaction_id=a.pk, indicator_id=pk)
        for kind, a, pk in links
        if kind == "i"
    )
    save_stories(stories)
    return ImprovementDemoSummary(
        findings=len(made_findings), actions=len(made_actions), updates=len(stories)
    )


def _head_of(unit: OrgUnit) -> str:
    return unit.head.username if unit.head_id else "performance"
