"""Who may do what: `can` and `require` for every action and persona.

The table below is the rule book. Each row is an action, on an object of the small council in
`organisation.tests.personas`, and the answer for each persona in `PERSONAS` order. A change to
the rules must change a row here, so it shows up as a diff in review.

Columns: off, off2 = the data owners of Waste and of Parks; appr, appr2 = the approvers of
Waste and of Parks; dir = the director of Place (Waste and Parks); perf = the performance team;
admin = a superuser; cllr = a councillor; anon = not signed in. "draft", "submitted" and
"signed_off" are Waste's figures in those states.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from indicators.tests.factories import IndicatorFactory
from indicators.workflow import revise_value
from organisation.models import OrgUnitKind, Role
from organisation.permissions import Action, can, require, scope_unit_ids
from organisation.tests.factories import OrgUnitFactory, UserFactory
from organisation.tests.personas import PERSONAS, build_town
from scorecards.tests.builders import Returns

pytestmark = pytest.mark.django_db

T, F = True, False

# fmt: off
CAN = {
    #                                       off   off2  appr  appr2 dir   perf  admin cllr  anon
    (Action.VIEW_SCORECARDS, None):        (T,    T,    T,    T,    T,    T,    T,    T,    F),
    (Action.VIEW_UNAPPROVED, None):        (T,    T,    T,    T,    T,    T,    T,    F,    F),
    (Action.VIEW_UNAPPROVED, "draft"):     (T,    F,    T,    F,    T,    T,    T,    F,    F),
    (Action.VIEW_UNAPPROVED, "submitted"): (T,    F,    T,    F,    T,    T,    T,    F,    F),
    (Action.VIEW_UNAPPROVED, "waste"):     (T,    F,    T,    F,    T,    T,    T,    F,    F),
    (Action.VIEW_UNAPPROVED, "parks"):     (F,    T,    F,    T,    T,    T,    T,    F,    F),
    (Action.VIEW_UNAPPROVED, "libraries"): (F,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.ENTER_VALUE, None):            (T,    T,    F,    F,    F,    T,    T,    F,    F),
    (Action.ENTER_VALUE, "waste"):         (T,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.ENTER_VALUE, "draft"):         (T,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.ENTER_VALUE, "signed_off"):    (T,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.ENTER_VALUE, "parks"):         (F,    T,    F,    F,    F,    T,    T,    F,    F),
    (Action.ENTER_VALUE, "place"):         (F,    F,    F,    F,    F,    T,    T,    F,    F),
    # Directors sign off what their directorate holds itself (Place), not their services'.
    (Action.APPROVE_VALUE, None):          (F,    F,    T,    T,    T,    F,    F,    F,    F),
    (Action.APPROVE_VALUE, "place"):       (F,    F,    F,    F,    T,    F,    F,    F,    F),
    (Action.APPROVE_VALUE, "waste"):       (F,    F,    T,    F,    F,    F,    F,    F,    F),
    (Action.APPROVE_VALUE, "submitted"):   (F,    F,    T,    F,    F,    F,    F,    F,    F),
    (Action.APPROVE_VALUE, "parks"):       (F,    F,    F,    T,    F,    F,    F,    F,    F),
    (Action.MANAGE_CYCLES, None):          (F,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.IMPORT_RETURNS, None):         (F,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.CHASE_RETURNS, None):          (F,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.MANAGE_FRAMEWORK, None):       (F,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.VIEW_AUDIT, None):             (F,    F,    F,    F,    F,    F,    T,    F,    F),
    (Action.WRITE_NARRATIVE, None):        (F,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.WRITE_NARRATIVE, "place"):     (F,    F,    F,    F,    T,    T,    T,    F,    F),
    (Action.WRITE_NARRATIVE, "waste"):     (F,    F,    T,    F,    T,    T,    T,    F,    F),
    (Action.WRITE_NARRATIVE, "libraries"): (F,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.VIEW_REPORT_DRAFTS, None):     (F,    F,    F,    F,    T,    T,    T,    F,    F),
    (Action.PREPARE_REPORT, None):         (F,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.WITHDRAW_REPORT, None):        (F,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.APPROVE_REPORT, None):         (F,    F,    F,    F,    T,    F,    T,    F,    F),
    (Action.APPROVE_REPORT, "report_by_performance"): (F, F, F, F, T, F, T, F, F),
    (Action.APPROVE_REPORT, "report_by_admin"):       (F, F, F, F, T, F, F, F, F),
    (Action.APPROVE_REPORT, "report_by_director"):    (F, F, F, F, F, F, T, F, F),
    # The director of the indicator's directorate agrees its targets (Waste's draft: Place).
    (Action.AGREE_TARGETS, None):          (F,    F,    F,    F,    T,    F,    F,    F,    F),
    (Action.AGREE_TARGETS, "draft"):       (F,    F,    F,    F,    T,    F,    F,    F,    F),
    (Action.AGREE_TARGETS, "libraries"):   (F,    F,    F,    F,    F,    F,    F,    F,    F),
    (Action.MANAGE_REGISTERS, None):       (F,    F,    T,    T,    T,    T,    T,    F,    F),
    (Action.MANAGE_REGISTERS, "waste"):    (F,    F,    T,    F,    T,    T,    T,    F,    F),
    (Action.MANAGE_REGISTERS, "libraries"):(F,    F,    F,    F,    F,    T,    T,    F,    F),
    # Finance business partners are tested in finance/tests (no town persona holds the role).
    (Action.ENTER_FORECAST, None):         (F,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.ENTER_FORECAST, "waste"):      (F,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.MANAGE_BUDGETS, None):         (F,    F,    F,    F,    F,    T,    T,    F,    F),
    (Action.MANAGE_BUDGETS, "waste"):      (F,    F,    F,    F,    F,    T,    T,    F,    F),
}
# fmt: on

OK = "allowed"  # else the status `require` answers with: 404 out of scope, 403 in scope

# fmt: off
REQUIRE = {
    #                                     off   off2  appr  appr2 dir   perf  admin cllr  anon
    (Action.ENTER_VALUE, "draft"):       (OK,   404,  403,  404,  403,  OK,   OK,   404,  404),
    (Action.APPROVE_VALUE, "submitted"): (403,  404,  OK,   404,  403,  403,  403,  404,  404),
    (Action.MANAGE_CYCLES, None):        (403,  403,  403,  403,  403,  OK,   OK,   403,  403),
    (Action.APPROVE_REPORT, "report_by_director"):
                                         (403,  403,  403,  403,  403,  403,  OK,   403,  403),
}
# fmt: on


@pytest.fixture
def town():
    return build_town()


def who(town, persona):
    return town.personas[persona] or AnonymousUser()


def target(town, name):
    """A unit (waste, parks, place, libraries), a Waste figure (draft, submitted…) or a
    report last edited by a persona (report_by_perf…)."""
    if name is not None and name.startswith("report_by_"):
        editor = town.personas[name.removeprefix("report_by_")]
        return SimpleNamespace(edited_by_id=editor.pk)
    return None if name is None else getattr(town, name)


def cells(table) -> list:
    """One test per cell, named like `enter_value:draft-officer`."""
    return [
        pytest.param(action, on, persona, expected, id=f"{action}:{on}-{persona}")
        for (action, on), row in table.items()
        for persona, expected in zip(PERSONAS, row, strict=True)
    ]


@pytest.mark.parametrize(("action", "on", "persona", "expected"), cells(CAN))
def test_can(town, action, on, persona, expected):
    assert can(who(town, persona), action, target(town, on)) is expected


@pytest.mark.parametrize(("action", "on", "persona", "expected"), cells(REQUIRE))
def test_require_says_not_found_outside_the_scope(town, action, on, persona, expected):
    user, obj = who(town, persona), target(town, on)

    if expected == OK:
        assert require(user, action, obj) is None
    elif expected == 404:
        with pytest.raises(Http404):
            require(user, action, obj)
    else:
        with pytest.raises(PermissionDenied):
            require(user, action, obj)


def test_every_action_is_in_the_table():
    assert {action for action, _ in CAN} == set(Action)


# --- Internal audit reads, and changes nothing ----------------------------------------------

# The internal auditor's column of `CAN`: of every row, only these are allowed.
AUDITOR_MAY = {(Action.VIEW_SCORECARDS, None), (Action.VIEW_AUDIT, None)}


@pytest.fixture
def auditor(town):
    made = UserFactory(username="auditor", roles=[Role.AUDITOR])
    return type(made).objects.get(pk=made.pk)


@pytest.mark.parametrize(("action", "on"), list(CAN), ids=[f"{a}:{o}" for a, o in CAN])
def test_an_internal_auditor_reads_scorecards_and_the_audit_log_and_does_nothing_else(
    town, auditor, action, on
):
    allowed = (action, on) in AUDITOR_MAY

    assert can(auditor, action, target(town, on)) is allowed
    if not allowed:
        with pytest.raises((PermissionDenied, Http404)):
            require(auditor, action, target(town, on))


# --- Never your own submission -------------------------------------------------------------


@pytest.fixture
def officer_and_approver(town):
    """A Waste manager who is both a data owner and an approver."""
    return UserFactory(username="both", roles=[Role.DATA_OWNER, Role.APPROVER], units=[town.waste])


def test_an_approver_never_approves_their_own_submission(town, officer_and_approver):
    returns = Returns()
    returns.officer = officer_and_approver
    theirs = returns.submitted(town.draft.indicator, "2026-27-Q3", "60")

    assert can(officer_and_approver, Action.APPROVE_VALUE, theirs) is False
    with pytest.raises(PermissionDenied):
        require(officer_and_approver, Action.APPROVE_VALUE, theirs)
    # Someone else's submission, and the service's sign-off page, stay theirs to decide.
    assert can(officer_and_approver, Action.APPROVE_VALUE, town.submitted) is True
    assert can(officer_and_approver, Action.APPROVE_VALUE, town.waste) is True
    # And another approver may sign theirs off.
    assert can(town.personas["approver"], Action.APPROVE_VALUE, theirs) is True


def test_revising_a_signed_off_figure_makes_it_your_own_submission(town, officer_and_approver):
    revised = revise_value(
        value=town.signed_off,
        entries={"figure": 48},
        by=officer_and_approver,
        reason="Contractor corrected the tonnage",
    )

    assert can(officer_and_approver, Action.APPROVE_VALUE, revised) is False
    assert can(town.personas["approver"], Action.APPROVE_VALUE, revised) is True


# --- Scope includes every unit below -------------------------------------------------------


def test_a_directors_scope_covers_the_services_of_their_directorate(town):
    director = town.personas["director"]

    assert scope_unit_ids(director) == {town.place.pk, town.waste.pk, town.parks.pk}
    for obj in (town.place, town.waste, town.parks, town.draft, town.submitted):
        assert can(director, Action.VIEW_UNAPPROVED, obj) is True
    assert can(director, Action.VIEW_UNAPPROVED, town.libraries) is False
    assert can(director, Action.ENTER_VALUE, town.waste) is False  # sees, does not enter


def test_scope_reaches_teams_below_a_service(town):
    team = OrgUnitFactory(council=town.council, parent=town.waste, kind=OrgUnitKind.TEAM)
    grandchild = IndicatorFactory(code="WST-TEAM", owner=team)
    officer, other = town.personas["officer"], town.personas["other_officer"]

    assert can(officer, Action.ENTER_VALUE, team) is True
    assert can(officer, Action.ENTER_VALUE, grandchild) is True
    assert can(town.personas["director"], Action.VIEW_UNAPPROVED, grandchild) is True
    assert can(other, Action.ENTER_VALUE, grandchild) is False


def test_people_scoped_to_a_directorate_act_for_each_of_its_services(town):
    place_owner = UserFactory(roles=[Role.DATA_OWNER], units=[town.place])
    place_approver = UserFactory(roles=[Role.APPROVER], units=[town.place])

    assert can(place_owner, Action.ENTER_VALUE, town.waste) is True
    assert can(place_owner, Action.ENTER_VALUE, town.parks) is True
    assert can(place_owner, Action.ENTER_VALUE, town.libraries) is False
    assert can(place_approver, Action.APPROVE_VALUE, town.submitted) is True
    assert can(place_approver, Action.APPROVE_VALUE, town.libraries) is False


def test_a_role_without_scope_reaches_nothing_in_particular(town):
    unscoped = UserFactory(roles=[Role.DATA_OWNER, Role.APPROVER])

    assert can(unscoped, Action.ENTER_VALUE, town.waste) is False
    assert can(unscoped, Action.APPROVE_VALUE, town.submitted) is False
    assert can(unscoped, Action.VIEW_UNAPPROVED, town.draft) is False


# --- Inactive people can do nothing --------------------------------------------------------


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_inactive_people_can_do_nothing(town, persona):
    person = town.personas[persona]
    person.is_active = False
    person.save(update_fields=["is_active"])

    allowed = [(action, on) for action, on in CAN if can(person, action, target(town, on))]

    assert allowed == []
