"""A backup taken while another connection writes holds each committed change whole, or not at
all: rows committed after the backup's moment are in none of its tables, even those it reads
after the change was committed.

The writer runs at a fixed point of the backup (after it has read the figures, before their
revisions), on its own connection in another thread, and commits before the backup goes on:
no sleeps, the same interleaving every time. SQLite's test database lives in memory, where a
reader and a writer lock each other's tables; there the test database is copied to a file in
WAL mode, as the service runs it, and that file is backed up and written to.
"""

import json
import sqlite3
import threading
import zipfile
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.db.models import F
from django.db.utils import load_backend
from django.utils import timezone

from indicators.models import Period, Value, ValueRevision
from indicators.periods import ensure_periods
from indicators.tests.factories import IndicatorFactory
from operations.backup import make_backup
from scorecards.tests.builders import Returns

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COPY = "backup_while_writing"


def connect(alias: str, settings_dict: dict) -> None:
    """This thread's connection to the copy (made here, so the test framework, which guards
    the databases it knows of, lets it be used)."""
    connections[alias] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        dict(settings_dict), alias
    )


def disconnect(alias: str) -> None:
    connections[alias].close()
    if alias != "default":
        del connections[alias]


@pytest.fixture
def database(tmp_path):
    """The alias the backup reads and the writer writes, and how a thread connects to it
    (called once the data is made)."""
    made = []

    def ready():
        if connection.vendor != "sqlite":
            return "default", lambda: None
        path = tmp_path / "live.sqlite3"
        with sqlite3.connect(path) as copy:
            connection.ensure_connection()
            connection.connection.backup(copy)
        settings_dict = {**connections.settings["default"], "NAME": str(path)}
        connect(COPY, settings_dict)
        made.append(COPY)
        return COPY, lambda: connect(COPY, settings_dict)

    yield ready
    for alias in made:
        disconnect(alias)


def write_meanwhile(alias: str, connect_here, *, value_id: int, period: Period) -> None:
    """Another person's change, committed on another connection: a figure corrected with its
    revision, and a new figure with its first revision."""

    def work():
        connect_here()
        try:
            now = timezone.now()
            with transaction.atomic(using=alias):
                values = Value.objects.using(alias)
                value = values.select_for_update().get(pk=value_id)
                values.filter(pk=value_id).update(
                    figure=Decimal("99"), lock_version=F("lock_version") + 1, updated_at=now
                )
                ValueRevision.objects.using(alias).create(
                    value_id=value_id,
                    number=2,
                    action="edited",
                    before={"figure": "40"},
                    after={"figure": "99"},
                    changed_at=now,
                )
                added = values.create(
                    indicator_id=value.indicator_id,
                    period=period,
                    figure=Decimal("12"),
                    entered_at=now,
                    updated_at=now,
                )
                ValueRevision.objects.using(alias).create(
                    value=added, number=1, action="recorded", after={"figure": "12"}, changed_at=now
                )
        finally:
            disconnect(alias)

    writer = threading.Thread(target=work)
    writer.start()
    writer.join()


def rows(archive: zipfile.ZipFile, label: str) -> list[dict]:
    lines = archive.read(f"data/{label}.jsonl").decode().splitlines()
    return [json.loads(line) for line in lines]


def test_a_change_committed_while_the_backup_runs_is_not_half_in_it(database, tmp_path):
    ensure_periods(first_year=2026, last_year=2026)
    value = Returns().draft(IndicatorFactory(), "2026-27-Q1", "40")
    alias, connect_here = database()
    written = []

    def progress(line: str) -> None:
        if line.startswith("  indicators.value:") and not written:
            later = Period.objects.get(code="2026-27-Q2")
            write_meanwhile(alias, connect_here, value_id=value.pk, period=later)
            written.append(line)

    made = make_backup(tmp_path, using=alias, progress=progress)

    assert written == ["  indicators.value: 1 rows"]
    # The change was committed before the backup read the revisions...
    assert Value.objects.using(alias).count() == 2
    assert ValueRevision.objects.using(alias).count() == 3
    with zipfile.ZipFile(made.path) as archive:
        values = rows(archive, "indicators.value")
        revisions = rows(archive, "indicators.valuerevision")
    # ...yet the backup holds the database as it was when the backup began, in every table.
    assert [(v["id"], Decimal(v["figure"])) for v in values] == [(value.pk, Decimal("40"))]
    assert [(r["value_id"], r["number"]) for r in revisions] == [(value.pk, 1)]
