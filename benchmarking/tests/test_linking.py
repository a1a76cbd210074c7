import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from benchmarking.linking import link_indicator, unlink_indicator
from benchmarking.models import BenchmarkLink
from indicators.tests.factories import IndicatorFactory
from organisation.models import Role
from organisation.tests.factories import UserFactory

from .builders import make_areas, make_group, make_metric

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    areas = make_areas()
    return IndicatorFactory(code="WST-01"), make_metric(), make_group(areas)


def performance_officer():
    return UserFactory(roles=[Role.PERFORMANCE_TEAM])


def test_the_performance_team_links_an_indicator_and_the_audit_log_says_who(world):
    indicator, metric, group = world
    by = performance_officer()

    link = link_indicator(
        indicator=indicator, metric=metric, group=group, definition_note=" Per person ", by=by
    )

    assert (link.metric, link.group, link.definition_note) == (metric, group, "Per person")
    entry = AuditEntry.objects.filter(object_type="benchmarking.benchmarklink").get()
    assert entry.actor == by
    assert entry.after["definition_note"] == "Per person"


def test_linking_again_changes_the_one_link_and_unlinking_removes_it(world):
    indicator, metric, group = world
    by = performance_officer()
    other = make_metric(code="test-other")
    link_indicator(indicator=indicator, metric=metric, group=group, by=by)

    link_indicator(indicator=indicator, metric=other, group=group, by=by)

    assert BenchmarkLink.objects.get().metric == other
    assert unlink_indicator(indicator=indicator, by=by) is True
    assert not BenchmarkLink.objects.exists()
    assert unlink_indicator(indicator=indicator, by=by) is False
    actions = list(
        AuditEntry.objects.filter(object_type="benchmarking.benchmarklink").values_list(
            "action", flat=True
        )
    )
    assert len(actions) == 3


def test_only_the_performance_team_links(world):
    indicator, metric, group = world
    officer = UserFactory(roles=[Role.DATA_OWNER])

    with pytest.raises(PermissionDenied):
        link_indicator(indicator=indicator, metric=metric, group=group, by=officer)
    link_indicator(indicator=indicator, metric=metric, group=group, by=performance_officer())
    with pytest.raises(PermissionDenied):
        unlink_indicator(indicator=indicator, by=officer)
    assert BenchmarkLink.objects.count() == 1
