"""`manage.py backup` and `manage.py restore` of the demo council: every row and every file back
exactly as they were.

The demo is loaded once for the module, inside a transaction rolled back when the module ends
(a backup inside a transaction reads that transaction's view). Files are attached per test,
under the test's own media folder.
"""

import datetime
import hashlib
import json
import time
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from demo.generate import load_demo
from indicators.models import Value
from operations.backup import EXCLUDED, make_backup, restore_backup
from operations.tests.snapshots import every_row, media_files, without_the_restore_entry
from organisation.models import User
from reports.models import OutputFormat, OutputState, Report, ReportOutput
from returns.models import Evidence, ImportKind, ImportRun, ImportState

pytestmark = pytest.mark.django_db

DEMO_TODAY = datetime.date(2026, 11, 24)
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CSV = b"indicator_code,period,figure\nWST-01,2026-27-Q2,47.5\n"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hashing = override_settings(PASSWORD_HASHERS=[FAST_HASHER])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        load_demo(today=DEMO_TODAY, seed=2026)
        yield
        transaction.set_rollback(True)


def attach_files():
    """A piece of evidence, an uploaded import file and a made report file, as the service
    keeps them (a file whose name is taken is stored under another, as uploads are)."""
    now = timezone.now()
    value = Value.objects.order_by("pk").first()
    evidence = Evidence.objects.create(
        value=value,
        file=ContentFile(PDF, name="tonnage-report.pdf"),
        original_name="tonnage-report.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_at=now,
    )
    second = Evidence.objects.create(
        value=value,
        file=ContentFile(PDF + b"% second\n", name="tonnage-report.pdf"),
        original_name="tonnage-report.pdf",
        content_type="application/pdf",
        size=len(PDF) + 9,
        uploaded_at=now,
    )
    run = ImportRun.objects.create(
        kind=ImportKind.CSV,
        file=ContentFile(CSV, name="q2 figures £.csv"),
        original_name="q2 figures £.csv",
        state=ImportState.FAILED,
        problems=[{"row": 2, "field": "figure", "message": "Enter a number – “47,5” is not"}],
        created_at=now,
    )
    output = ReportOutput.objects.create(
        report=Report.objects.order_by("pk").first(),
        format=OutputFormat.XLSX,
        state=OutputState.DONE,
        file=ContentFile(b"PK\x03\x04" + bytes(range(256)) * 40, name="cabinet.xlsx"),
        size=10244,
        requested_at=now,
    )
    return [evidence.file.name, second.file.name, run.file.name, output.file.name]


def test_a_backup_of_the_demo_council_restores_every_row_and_file_exactly(demo, settings, tmp_path):
    names = attach_files()
    rows, files = every_row(), media_files(settings.MEDIA_ROOT)
    assert len(files) == 4 and set(files) == set(names)
    assert sum(len(table) for table in rows.values()) > 25_000

    started = time.perf_counter()
    made = make_backup(tmp_path / "backups")
    backup_seconds = time.perf_counter() - started
    # What restoring replaces: changed, removed and added rows, and the files gone.
    Value.objects.filter(pk=Value.objects.order_by("pk").first().pk).update(commentary="Changed")
    Evidence.objects.filter(file=names[1]).delete()
    User.objects.create(username="after-the-backup")
    for name in names:
        (Path(settings.MEDIA_ROOT) / name).unlink()
    started = time.perf_counter()
    restored = restore_backup(made.path, replace=True)
    restore_seconds = time.perf_counter() - started

    assert without_the_restore_entry(every_row()) == rows
    assert media_files(settings.MEDIA_ROOT) == files
    assert restored.rows == made.rows == sum(len(table) for table in rows.values())
    assert restored.files == made.files == 4 and made.missing_files == []
    assert made.path.name.startswith("golden-thread-backup-") and made.path.suffix == ".zip"
    assert [p.name for p in made.path.parent.iterdir()] == [made.path.name]  # no partial left
    print(
        f"\n{connection.vendor}: backup {backup_seconds:.2f} s, {made.size / 1e6:.2f} MB; "
        f"restore {restore_seconds:.2f} s"
    )
    assert backup_seconds < 15 and restore_seconds < 30


def test_the_manifest_describes_the_backup(demo, settings, tmp_path):
    attach_files()
    made = make_backup(tmp_path)

    with zipfile.ZipFile(made.path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        value_rows = archive.read("data/indicators.value.jsonl").decode().splitlines()
        evidence = next(f for f in manifest["files"] if f["path"].startswith("evidence/"))
        kept = archive.read(f"media/{evidence['path']}")

    assert manifest["format"] == "golden-thread-backup" and manifest["format_version"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["indicators"]
    tables = {table["model"]: table for table in manifest["tables"]}
    assert "sessions.session" not in tables and manifest["excluded_tables"] == list(EXCLUDED)
    assert tables["indicators.value"]["rows"] == Value.objects.count() == len(value_rows)
    assert "indicators.indicator_sets" in tables  # link tables too
    assert hashlib.sha256(kept).hexdigest() == evidence["sha256"] and kept == PDF
    first = json.loads(value_rows[0])
    assert set(first) == set(tables["indicators.value"]["columns"])
    assert isinstance(first["figure"], str | None) and "T" in first["entered_at"]


def test_the_commands_print_progress_and_a_summary(demo, settings, tmp_path):
    attach_files()
    out = StringIO()

    call_command("backup", "--output", str(tmp_path), stdout=out)
    archive = next(tmp_path.glob("golden-thread-backup-*.zip"))
    call_command("restore", str(archive), "--replace", stdout=out)

    printed = out.getvalue()
    assert f"Reading the {connection.vendor} database as it stands at one moment" in printed
    assert f"  indicators.value: {Value.objects.count():,} rows" in printed
    assert "Copying 4 files" in printed
    assert f"Backup written to {archive}" in printed
    assert "Checked " in printed and "Emptying the database" in printed
    assert "Restored the backup made " in printed and " 4 files" in printed
