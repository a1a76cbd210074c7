"""Setting, proposing, agreeing and returning a year's targets: all or none, by the right
people, recorded, and judging figures only once agreed."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from indicators.models import Indicator, Period, Target
from indicators.tests.factories import IndicatorFactory
from organisation.models import Role
from organisation.tests.factories import UserFactory
from scorecards.readings import read_indicators
from status.rag import Polarity, Rag
from targets.models import TargetAction, TargetEvent, TargetState, YearTarget
from targets.profiles import Profile
from targets.workflow import (
    Setting,
    TargetError,
    agree_targets,
    propose_targets,
    return_targets,
    set_targets,
)

pytestmark = pytest.mark.django_db


def wst(n: int) -> Indicator:
    return Indicator.objects.get(code=f"WST-0{n}")


def proposed(town, year, *settings):
    performance = town.person("performance")
    targets = set_targets(year=year, settings=list(settings), by=performance)
    return propose_targets(targets=targets, by=performance)


def test_setting_many_indicators_saves_drafts_with_their_period_targets(town, next_year):
    saved = set_targets(
        year=next_year,
        settings=[
            Setting(indicator=wst(1), annual=D("50"), rationale="Up on the outturn"),
            Setting(
                indicator=wst(2),
                annual=D("30"),
                profile=Profile.TYPED,
                typed=(D(25), D(28), D(31), D(30)),
            ),
        ],
        by=town.person("performance"),
    )
    assert [t.state for t in saved] == [TargetState.DRAFT, TargetState.DRAFT]
    first, second = saved
    # A percentage (snapshot) is the annual target in every quarter, never split.
    assert first.period_targets == {f"2027-28-Q{q}": "50" for q in (1, 2, 3, 4)}
    assert list(second.period_targets.values()) == ["25", "28", "31", "30"]
    event = TargetEvent.objects.get(year_target=first)
    assert (event.action, event.before, event.after["annual"]) == (TargetAction.SET, None, "50")
    # A draft judges nothing.
    assert not Target.objects.filter(period__code__startswith="2027-28").exists()


def test_a_seasonal_profile_comes_from_the_past_years(town, next_year):
    # WST-01 is a snapshot level: seasons scale it; the last quarter carries the year.
    (target,) = set_targets(
        year=next_year,
        settings=[Setting(indicator=wst(1), annual=D("50"), profile=Profile.SEASONAL)],
        by=town.person("performance"),
    )
    values = [D(v) for v in target.period_targets.values()]
    assert values[-1] == D(50) and len(set(values)) > 1


def test_one_bad_setting_saves_nothing_and_names_the_indicator_and_field(town, next_year):
    with pytest.raises(TargetError) as refused:
        set_targets(
            year=next_year,
            settings=[
                Setting(indicator=wst(1), annual=D("50")),
                Setting(indicator=wst(2), profile=Profile.SEASONAL, annual=D("30")),
                Setting(
                    indicator=wst(3),
                    profile=Profile.TYPED,
                    annual=D("40"),
                    typed=(D(1), D(2), D(3), D(4)),
                ),
            ],
            by=town.person("performance"),
        )
    assert set(refused.value.problems) == {"WST-02:profile", "WST-03:typed"}
    assert "no complete past year" in refused.value.problems["WST-02:profile"]
    assert (
        "come to 4 for the year, not the annual target 40" in refused.value.problems["WST-03:typed"]
    )
    assert not YearTarget.objects.exists()


def test_only_the_performance_team_sets_targets(town, next_year):
    with pytest.raises(TargetError, match="cannot set targets"):
        set_targets(
            year=next_year,
            settings=[Setting(indicator=wst(1), annual=D(1))],
            by=town.person("director"),
        )
    assert not YearTarget.objects.exists()


def test_agreeing_writes_the_targets_that_judge_figures(town, next_year):
    targets = proposed(
        town,
        next_year,
        Setting(indicator=wst(1), annual=D("50"), tolerance_percent=D("5"), rationale="Stretch"),
    )
    (agreed,) = agree_targets(targets=targets, by=town.person("director"))
    assert agreed.state == TargetState.AGREED and agreed.decided_by == town.person("director")
    rows = Target.objects.filter(indicator=wst(1), period__code__startswith="2027-28")
    assert sorted((r.period.code, r.value) for r in rows) == [
        ("2027-28", D(50)),
        *((f"2027-28-Q{q}", D(50)) for q in (1, 2, 3, 4)),
    ]
    assert {r.rationale for r in rows} == {"Stretch"}
    assert [e.action for e in agreed.events.all()] == ["set", "proposed", "agreed"]


def test_a_director_agrees_only_their_own_directorates_targets(town, next_year):
    library = Indicator.objects.get(code="LIB-01")
    targets = proposed(town, next_year, Setting(indicator=library, annual=D("1000")))
    with pytest.raises(TargetError, match="cannot agree the targets of LIB-01"):
        agree_targets(targets=targets, by=town.person("director"))
    assert YearTarget.objects.get().state == TargetState.PROPOSED
    assert not Target.objects.exists()


def test_a_director_never_agrees_targets_they_proposed(town, next_year):
    director_in_both = UserFactory(roles=[Role.DIRECTOR, Role.PERFORMANCE_TEAM], units=[town.place])
    targets = set_targets(
        year=next_year, settings=[Setting(indicator=wst(1), annual=D(50))], by=director_in_both
    )
    targets = propose_targets(targets=targets, by=director_in_both)
    with pytest.raises(TargetError, match="cannot agree"):
        agree_targets(targets=targets, by=director_in_both)


def test_returning_needs_a_reason_and_the_team_revises_and_proposes_again(town, next_year):
    targets = proposed(town, next_year, Setting(indicator=wst(1), annual=D("90")))
    with pytest.raises(TargetError, match="Give a reason"):
        return_targets(targets=targets, by=town.person("director"), reason="  ")
    (returned,) = return_targets(
        targets=targets, by=town.person("director"), reason="90% is beyond the process: 60%"
    )
    assert (returned.state, returned.return_reason) == (
        TargetState.RETURNED,
        "90% is beyond the process: 60%",
    )
    (revised,) = set_targets(
        year=next_year,
        settings=[Setting(indicator=wst(1), annual=D(60))],
        by=town.person("performance"),
    )
    assert revised.state == TargetState.DRAFT
    (again,) = propose_targets(targets=[revised], by=town.person("performance"))
    assert again.state == TargetState.PROPOSED
    with pytest.raises(TargetError, match="awaiting agreement, so they cannot be proposed"):
        propose_targets(targets=[again], by=town.person("performance"))


def test_once_the_year_started_a_change_needs_a_reason_and_is_recorded(town, this_year):
    performance = town.person("performance")
    setting = Setting(indicator=wst(1), annual=D("48"))
    with pytest.raises(TargetError, match="started on 1 April 2026"):
        set_targets(year=this_year, settings=[setting], by=performance)
    assert not YearTarget.objects.exists()
    targets = set_targets(
        year=this_year, settings=[setting], by=performance, reason="New contract from July"
    )
    targets = propose_targets(targets=targets, by=performance)
    agree_targets(targets=targets, by=town.person("director"))
    change = AuditEntry.objects.filter(object_type="indicators.target").latest("sequence")
    assert change.reason == "New contract from July"
    assert change.actor == town.person("director")
    # The same setting again changes nothing, so it needs no reason.
    assert set_targets(year=this_year, settings=[setting], by=performance) == []


def test_a_change_to_an_agreed_target_keeps_judging_by_the_agreed_one_until_agreed(town, this_year):
    performance, director = town.person("performance"), town.person("director")
    targets = set_targets(
        year=this_year,
        settings=[Setting(indicator=wst(3), annual=D("45"))],
        by=performance,
        reason="First targets",
    )
    agree_targets(targets=propose_targets(targets=targets, by=performance), by=director)
    q2 = Period.objects.get(code="2026-27-Q2")

    def status():
        reading = read_indicators([wst(3)], q2, today=timezone.localdate(), council=town.council)
        return reading[wst(3).pk].rag

    assert status() == Rag.green  # 47.3 against 45
    set_targets(
        year=this_year,
        settings=[Setting(indicator=wst(3), annual=D("60"))],
        by=performance,
        reason="Stretch after the new contract",
    )
    assert status() == Rag.green  # the proposal judges nothing yet
    agree_targets(
        targets=propose_targets(targets=YearTarget.objects.all(), by=performance), by=director
    )
    assert status() == Rag.red


def test_an_in_range_target_holds_its_range_in_every_period(town, next_year):
    occupancy = IndicatorFactory(
        code="PRK-09", owner=town.parks, polarity=Polarity.in_range, unit="%"
    )
    targets = proposed(town, next_year, Setting(indicator=occupancy, lower=D(85), upper=D(95)))
    agree_targets(targets=targets, by=town.person("director"))
    rows = Target.objects.filter(indicator=occupancy)
    assert rows.count() == 5
    assert {(r.value, r.lower, r.upper) for r in rows} == {(None, D(85), D(95))}


def test_a_save_over_someone_elses_change_is_refused(town, next_year):
    (first,) = set_targets(
        year=next_year,
        settings=[Setting(indicator=wst(1), annual=D(50))],
        by=town.person("performance"),
    )
    seen = first.lock_version
    set_targets(
        year=next_year,
        settings=[Setting(indicator=wst(1), annual=D(52))],
        by=town.person("admin"),
    )
    with pytest.raises(TargetError, match="changed by someone else"):
        set_targets(
            year=next_year,
            settings=[Setting(indicator=wst(1), annual=D(55))],
            by=town.person("performance"),
            expected_versions={wst(1).pk: seen},
        )
    assert YearTarget.objects.get().annual == D(52)


def test_proposing_tells_the_director_and_returning_tells_the_proposer(town, next_year):
    from notices.models import Notice, NoticeKind

    library = IndicatorFactory(code="LIB-09", title="Library loans", owner=town.libraries)
    proposed(
        town,
        next_year,
        Setting(indicator=wst(1), annual=D("57.5")),
        Setting(indicator=library, annual=D("120")),
    )

    asked = Notice.objects.get(kind=NoticeKind.TARGETS_PROPOSED)
    # Place's director is asked about Waste's target only; nobody is told of their own act.
    assert asked.recipient == town.person("director")
    assert asked.subject == "1 target for 2027/28 to agree"
    assert "WST-01" in asked.summary and "LIB-09" not in asked.summary
    assert "57.5" not in asked.summary

    returned = YearTarget.objects.filter(indicator=wst(1), year=next_year)
    return_targets(targets=returned, by=town.person("director"), reason="57.5 is too low: aim 60")
    back = Notice.objects.get(kind=NoticeKind.TARGETS_RETURNED)
    assert back.recipient == town.person("performance")
    assert "Their reason: [figure removed] is too low: aim 60" in back.summary


def test_the_director_s_notice_is_read_once_every_target_it_names_is_decided(town, next_year):
    from notices.models import Notice, NoticeKind

    proposed(
        town,
        next_year,
        Setting(indicator=wst(1), annual=D("57.5")),
        Setting(indicator=wst(2), annual=D("40")),
    )
    asked = Notice.objects.get(kind=NoticeKind.TARGETS_PROPOSED)

    agree_targets(
        targets=YearTarget.objects.filter(indicator=wst(1), year=next_year),
        by=town.person("director"),
    )
    asked.refresh_from_db()
    assert asked.read_at is None  # WST-02's target still waits

    return_targets(
        targets=YearTarget.objects.filter(indicator=wst(2), year=next_year),
        by=town.person("director"),
        reason="Aim higher",
    )
    asked.refresh_from_db()
    assert asked.read_at is not None
    assert Notice.objects.get(kind=NoticeKind.TARGETS_RETURNED).read_at is None  # news, not done
