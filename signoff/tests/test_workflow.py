"""The one workflow, through the figure's kind: a stale save is refused naming who changed
what and when. (Every kind walks its own returns through the steps in its app's tests.)"""

import pytest

from indicators.models import Period
from indicators.workflow import STALE, record_value, submit_value
from organisation.tests.personas import OPEN_PERIOD
from signoff.workflow import StaleError

pytestmark = pytest.mark.django_db


def test_a_stale_save_names_who_changed_what(town, monkeypatch):
    officer, approver = town.person("officer"), town.person("approver")
    officer.first_name, officer.last_name = "Olu", "Adeyemi"
    period = Period.objects.get(code=OPEN_PERIOD)
    indicator = town.draft.indicator
    opened = town.draft.lock_version
    record_value(
        indicator=indicator,
        period=period,
        entries={"commentary": "Rounds were missed in the snow"},
        by=officer,
        expected_version=opened,
    )

    with pytest.raises(StaleError) as refused:
        submit_value(value=town.draft, by=approver, expected_version=opened)

    assert str(refused.value) == STALE
    assert refused.value.changed_fields == ["commentary"]
    named = refused.value.named({"commentary": "the commentary"})
    assert named.startswith("Olu Adeyemi changed this figure (the commentary) at ")
    assert "after you opened it. Your change was not saved" in named
