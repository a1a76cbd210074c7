"""The corporate delivery plan: change programmes, their projects, milestones and the projects'
periodic updates; and each service's plan for a financial year (objectives and actions).

A project update is a return like an indicator's figure: collected in the same reporting cycle,
moved through `signoff.workflow` by `delivery.workflow`, each change kept as a revision. Its
delivery status is computed from it (`delivery.workflow.update_reading`), never stored.
"""

from django.conf import settings
from django.db import models

from signoff.models import Returnable, Revision
from status.delivery import DeliveryStatus


class Programme(models.Model):
    """A change programme: a group of projects with a sponsor, expected benefits and KPIs."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sponsored_programmes"
    )
    lead_unit = models.ForeignKey(
        "organisation.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programmes",
    )
    description = models.TextField(blank=True)
    expected_benefits = models.TextField(blank=True)
    kpis = models.ManyToManyField(
        "indicators.Indicator",
        blank=True,
        related_name="programmes",
        verbose_name="KPIs",
        help_text="The indicators that show whether the programme delivers its benefits",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_unit_id(self) -> int | None:
        return self.lead_unit_id


class ProjectState(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class Project(models.Model):
    """A project: in the corporate delivery plan when it is a priority, and often in a programme."""

    reference = models.CharField(max_length=20, unique=True, help_text="e.g. DP-07")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    is_priority = models.BooleanField(
        default=False, help_text="A priority project of the corporate delivery plan"
    )
    outcomes = models.ManyToManyField("strategy.Outcome", blank=True, related_name="projects")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_projects"
    )
    lead_service = models.ForeignKey(
        "organisation.OrgUnit", on_delete=models.PROTECT, related_name="projects"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    measures = models.ManyToManyField(
        "indicators.Indicator",
        blank=True,
        related_name="projects",
        help_text="The indicators that show the project's effect",
    )
    state = models.CharField(
        max_length=10, choices=ProjectState.choices, default=ProjectState.ACTIVE
    )

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def owning_unit_id(self) -> int:
        return self.lead_service_id


class Milestone(models.Model):
    """A step of a project: its baseline due date is kept; forecast and achieved dates move."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    baseline_due = models.DateField(help_text="The date first agreed")
    forecast_on = models.DateField(null=True, blank=True)
    achieved_on = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project_id", "position", "baseline_due", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_unit_id(self) -> int:
        return self.project.lead_service_id


class MilestoneDate(models.TextChoices):
    BASELINE = "baseline_due", "Baseline due date"
    FORECAST = "forecast_on", "Forecast date"
    ACHIEVED = "achieved_on", "Date achieved"


class MilestoneDateChange(models.Model):
    """One change of a milestone's date, with its reason: none is ever lost."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="date_changes")
    which = models.CharField(max_length=20, choices=MilestoneDate.choices)
    before = models.DateField(null=True, blank=True)
    after = models.DateField(null=True, blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_which_display()}: {self.before} to {self.after}"


class ProjectUpdate(Returnable):
    """A project's update for one reporting period: progress, commentary, an owner's override."""

    TRACKED_FIELDS = (
        "state",
        "percent_complete",
        "status_override",
        "override_reason",
        "deferred_reason",
        "done",
        "next_steps",
        "issues",
    )

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="updates")
    period = models.ForeignKey(
        "indicators.Period", on_delete=models.PROTECT, related_name="project_updates"
    )
    percent_complete = models.PositiveSmallIntegerField(null=True, blank=True)
    status_override = models.CharField(max_length=20, choices=DeliveryStatus.choices(), blank=True)
    override_reason = models.TextField(blank=True)
    deferred_reason = models.TextField(
        blank=True, help_text="The decision to defer the project, when it was deferred"
    )
    done = models.TextField("what was done", blank=True)
    next_steps = models.TextField("what is next", blank=True)
    issues = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="one_update_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.project.reference}, {self.period.label}"

    @property
    def owning_unit_id(self) -> int:
        return self.project.lead_service_id


class ProjectUpdateRevision(Revision):
    update = models.ForeignKey(ProjectUpdate, on_delete=models.CASCADE, related_name="revisions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["update", "number"], name="one_update_revision_number")
        ]


class ServicePlan(Returnable):
    """A service's plan for a financial year: a return drafted by the service and signed off by
    its director (`delivery.service_plans`); its objectives and actions travel with it."""

    # `contents` (the objectives and actions) and `links` are kept in every revision.
    TRACKED_FIELDS = ("state", "summary", "contents", "links")

    service = models.ForeignKey(
        "organisation.OrgUnit", on_delete=models.PROTECT, related_name="service_plans"
    )
    year = models.ForeignKey(
        "indicators.Period",
        on_delete=models.PROTECT,
        related_name="service_plans",
        help_text="The financial year the plan covers",
    )
    summary = models.TextField("purpose and summary", blank=True)
    indicators = models.ManyToManyField(
        "indicators.Indicator",
        blank=True,
        related_name="service_plans",
        help_text="The indicators the service answers for in this plan",
    )
    risks = models.ManyToManyField("risks.Risk", blank=True, related_name="service_plans")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="one_service_plan_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.service.name} service plan {self.year.label}"

    @property
    def owning_unit_id(self) -> int:
        return self.service_id

    @property
    def contents(self) -> list[dict]:
        """The objectives and their actions as plain data, for a revision's before/after."""
        actions: dict[int, list[dict]] = {}
        for action in ServicePlanAction.objects.filter(objective__plan=self).order_by(
            "objective_id", "position", "pk"
        ):
            actions.setdefault(action.objective_id, []).append(
                {
                    "title": action.title,
                    "owner": action.owner_id,
                    "starts_on": action.starts_on.isoformat(),
                    "due_on": action.due_on.isoformat(),
                    "percent_complete": action.percent_complete,
                }
            )
        return [
            {"title": objective.title, "actions": actions.get(objective.pk, [])}
            for objective in self.objectives.order_by("position", "pk")
        ]

    @property
    def links(self) -> dict[str, list[str]]:
        """The codes of the indicators it answers for and the references of its risks."""
        if self.pk is None:
            return {"indicators": [], "risks": []}
        return {
            "indicators": sorted(self.indicators.values_list("code", flat=True)),
            "risks": sorted(self.risks.values_list("reference", flat=True)),
        }


class ServicePlanRevision(Revision):
    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="revisions")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="one_service_plan_revision_number"
            )
        ]


class ServicePlanObjective(models.Model):
    """One of a service plan's objectives, linked to the outcomes it serves."""

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    outcomes = models.ManyToManyField(
        "strategy.Outcome", blank=True, related_name="service_plan_objectives"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan_id", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_unit_id(self) -> int:
        return self.plan.service_id


class ServicePlanAction(models.Model):
    """An action towards an objective: its delivery status is computed from its dates and
    progress (STATUS-RULES: projects and actions), never stored."""

    objective = models.ForeignKey(
        ServicePlanObjective, on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_plan_actions"
    )
    starts_on = models.DateField()
    due_on = models.DateField()
    percent_complete = models.PositiveSmallIntegerField(default=0)
    deferred_reason = models.TextField(
        blank=True, help_text="The decision to defer the action, when it was deferred"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["objective_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("starts_on")),
                name="service_plan_action_due_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100),
                name="service_plan_action_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owning_unit_id(self) -> int:
        return self.objective.plan.service_id


class ActionProgress(models.Model):
    """One report of an action's progress through the year: who, when, before, after, why."""

    action = models.ForeignKey(ServicePlanAction, on_delete=models.CASCADE, related_name="progress")
    before_percent = models.PositiveSmallIntegerField()
    after_percent = models.PositiveSmallIntegerField()
    before_deferred_reason = models.TextField(blank=True)
    after_deferred_reason = models.TextField(blank=True)
    note = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name_plural = "action progress"

    def __str__(self) -> str:
        return f"{self.action.title}: {self.before_percent}% to {self.after_percent}%"
