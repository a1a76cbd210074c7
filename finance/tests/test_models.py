"""The council's thresholds: one row, checked as the status rules take them."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from finance.models import FinanceSettings

pytestmark = pytest.mark.django_db


def test_amber_above_red_is_refused():
    with pytest.raises(ValidationError) as refused:
        FinanceSettings(amber_percent=D("6"), red_percent=D("5")).full_clean()
    assert "The amber percent cannot be above the red percent" in str(refused.value)


def test_there_is_only_ever_one_row():
    FinanceSettings.objects.create()
    with pytest.raises(IntegrityError):
        FinanceSettings.objects.create(key=2)
