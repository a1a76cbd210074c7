import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from delivery.models import MilestoneDateChange, Project, ProjectState
from delivery.plan import (
    ENDS_BEFORE_START,
    PROJECT_CLOSED,
    REASON_REQUIRED,
    REFERENCE_TAKEN,
    PlanError,
    add_milestone,
    change_project,
    close_project,
    create_programme,
    create_project,
    move_milestone,
)

pytestmark = pytest.mark.django_db


def _values(town, **changes):
    return {
        "reference": "DP-02",
        "title": "Garden waste subscriptions",
        "owner": town.person("officer"),
        "lead_service": town.waste,
        "starts_on": datetime.date(2026, 4, 1),
        "ends_on": datetime.date(2026, 12, 31),
        "outcomes": [town.outcome],
        "is_priority": True,
        **changes,
    }


def test_every_change_of_a_milestone_date_is_kept_with_its_reason(town, milestone):
    director = town.person("director")
    move_milestone(
        milestone=milestone,
        forecast_on=datetime.date(2026, 12, 14),
        reason="Supplier delay",
        by=director,
    )
    move_milestone(
        milestone=milestone,
        forecast_on=datetime.date(2026, 12, 21),
        reason="Second supplier delay",
        by=town.person("approver"),
    )
    move_milestone(
        milestone=milestone,
        achieved_on=datetime.date(2026, 12, 18),
        forecast_on=None,
        reason="Delivered early",
        by=director,
    )

    changes = list(milestone.date_changes.order_by("pk"))
    assert [(c.which, c.before, c.after, c.reason) for c in changes] == [
        ("forecast_on", None, datetime.date(2026, 12, 14), "Supplier delay"),
        (
            "forecast_on",
            datetime.date(2026, 12, 14),
            datetime.date(2026, 12, 21),
            "Second supplier delay",
        ),
        ("forecast_on", datetime.date(2026, 12, 21), None, "Delivered early"),
        ("achieved_on", None, datetime.date(2026, 12, 18), "Delivered early"),
    ]
    assert changes[1].changed_by == town.person("approver")
    milestone.refresh_from_db()
    assert milestone.baseline_due == datetime.date(2026, 11, 30)
    assert milestone.achieved_on == datetime.date(2026, 12, 18)


def test_a_date_change_needs_a_reason(town, milestone):
    with pytest.raises(PlanError) as refused:
        move_milestone(
            milestone=milestone,
            forecast_on=datetime.date(2027, 1, 4),
            reason=" ",
            by=town.person("director"),
        )
    assert refused.value.problems == {"reason": REASON_REQUIRED}
    assert not MilestoneDateChange.objects.exists()


def test_only_the_keepers_of_the_lead_service_move_milestones(town, milestone):
    for name in ("other_approver", "officer"):
        with pytest.raises((Http404, PermissionDenied)):
            move_milestone(
                milestone=milestone,
                forecast_on=datetime.date(2027, 1, 4),
                reason="Slipped",
                by=town.person(name),
            )
    assert not MilestoneDateChange.objects.exists()


def test_a_project_is_created_changed_and_closed(town):
    director = town.person("director")
    project = create_project(values=_values(town), by=director)
    assert list(project.outcomes.all()) == [town.outcome]

    changed = change_project(
        project=project, values={"title": "Garden waste", "outcomes": []}, by=director
    )
    assert changed == ["title", "outcomes"]
    project = close_project(project=project, by=director)
    assert Project.objects.get(pk=project.pk).state == ProjectState.CLOSED
    with pytest.raises(PlanError) as refused:
        add_milestone(
            project=project, title="Late", baseline_due=datetime.date(2027, 1, 1), by=director
        )
    assert refused.value.problems == {"state": PROJECT_CLOSED}


def test_a_project_is_refused_with_its_problems(town, project):
    with pytest.raises(PlanError) as refused:
        create_project(
            values=_values(town, reference="DP-01", ends_on=datetime.date(2026, 3, 1)),
            by=town.person("performance"),
        )
    assert refused.value.problems == {
        "ends_on": ENDS_BEFORE_START,
        "reference": REFERENCE_TAKEN.format(reference="DP-01"),
    }


def test_a_project_cannot_be_moved_to_a_service_outside_scope(town, project):
    with pytest.raises(Http404):
        change_project(
            project=project, values={"lead_service": town.libraries}, by=town.person("approver")
        )
    assert Project.objects.get(pk=project.pk).lead_service == town.waste


def test_milestones_are_added_in_order(town, project):
    director = town.person("director")
    first = add_milestone(
        project=project, title="Consult", baseline_due=datetime.date(2026, 6, 1), by=director
    )
    second = add_milestone(
        project=project, title="Launch", baseline_due=datetime.date(2026, 9, 1), by=director
    )
    assert (first.position, second.position) == (0, 1)


def test_a_programme_without_a_lead_unit_is_the_performance_teams(town):
    with pytest.raises(PermissionDenied):
        director = town.person("director")
        create_programme(code="digital", name="Digital", sponsor=director, by=director)
    programme = create_programme(
        code="digital",
        name="Digital",
        sponsor=town.person("director"),
        by=town.person("performance"),
    )
    assert programme.sponsor == town.person("director")
