"""Benchmarks run against the demo council, loaded once into the test database."""

import datetime

import pytest
from django.core.management import call_command

DEMO_TODAY = datetime.date(2026, 11, 24)


@pytest.fixture(scope="session")
def demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", "--today", DEMO_TODAY.isoformat(), verbosity=0)
    yield
