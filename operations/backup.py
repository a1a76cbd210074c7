"""Backups: every table's rows and every uploaded file in one portable archive; and restoring
one onto an empty (or emptied) database of either engine (decision 0014).

The archive is one zip file:

    manifest.json               format, when, which database, the migrations applied, every
                                table (columns, rows, sha256) and every file (size, sha256)
    data/<app>.<model>.jsonl    a table's rows, one JSON object a line, in primary-key order
    media/<name>                each file a row names: evidence, import files, report files

The rows are read in one transaction that sees one moment of the database (PostgreSQL:
repeatable read, read only; SQLite: a deferred read transaction, which under WAL blocks no
writer), so a change committed while the backup runs is in it whole or not at all. Values are
written as text both engines read back exactly (decimals, times to the microsecond).

A restore checks everything before it changes anything: the format, that the migrations
applied here are the backup's, that the database holds no data (unless replacing it), and
every table's and file's hash. It then writes the files to temporary names, replaces every
table's rows in one transaction, and only then renames the files into place: a failed restore
leaves the database as it was and no partial file.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import time
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from itertools import batched
from pathlib import Path
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

from operations.storage import TEMPORARY_PREFIX, _write_temporary

FORMAT = "golden-thread-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Sign-ins are live credentials, and would sign people in as whoever holds their id after a
# restore: never kept. A restore empties them (everyone signs in again).
#
# Kept readings, histories and positions and the generations (readings, published figures,
# the public site) are made from the rest and written by the database's own triggers while the
# rest is restored: never kept either. A restore empties them, and each is worked out again
# when it is next read (decisions 0023 and 0024).
EXCLUDED = (
    "sessions.session",
    "scorecards.readinggeneration",
    "scorecards.calendargeneration",
    "scorecards.storedreading",
    "scorecards.storedhistory",
    "benchmarking.publishedgeneration",
    "benchmarking.keptpositions",
    "publishing.publicgeneration",
)
# What `migrate` itself puts in a new database: content types, permissions, the groups of the
# roles, the usual indicator sets, the default reminder steps, the head of the audit chain
# (a test fails, naming the table, when a migration starts filling another). A database holding only
# these is empty; a restore replaces them with the backup's.
FILLED_BY_MIGRATE = (
    "contenttypes.contenttype",
    "auth.permission",
    "auth.group",
    "auth.group_permissions",
    "indicators.indicatorset",
    "returns.reminderrule",
    "audit.audithead",
)
CHUNK = 1024 * 1024

NOT_A_BACKUP = "{name} is not a Golden Thread backup: {why}"
OTHER_FORMAT = (
    "{name} is a backup in format version {version}; this version of Golden Thread restores "
    "version {ours}. Restore it with the version of Golden Thread that made it"
)
OTHER_MIGRATIONS = (
    "The backup was made from a database at a different stage of Golden Thread's database "
    "changes (migrations), so it cannot be restored here. Restore it with the version of "
    "Golden Thread that made it, then upgrade; or bring this database to the backup's stage "
    "with `manage.py migrate`. Differences:"
)
HOLDS_DATA = (
    "The database already holds data ({tables}). Restoring would replace all of it: run "
    "restore again with --replace if that is what you want, or restore into a new database"
)
DAMAGED = "{name} is damaged: {what} does not match the hash in its manifest. Nothing was restored"
UNREADABLE = "{name} cannot be read as a zip file ({error}). Nothing was restored"
UNKNOWN_TABLE = "The backup holds a table this version of Golden Thread does not have: {label}"
OTHER_COLUMNS = "The columns of {label} in the backup are not this database's: {detail}"
COUNT_DIFFERS = "{label}: {found:,} rows were restored, the manifest says {expected:,}"
UNSUPPORTED = "Backups are made from SQLite or PostgreSQL databases, not {vendor}"

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the person."""


def _quiet(_: str) -> None:
    pass


# --- What is backed up ------------------------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    """Every table the apps keep (link tables included), in a fixed order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def _kept(model) -> bool:
    return model._meta.label_lower not in EXCLUDED


def migration_state(using: str = "default") -> dict[str, list[str]]:
    """The migrations applied to the database, app by app."""
    applied: dict[str, list[str]] = defaultdict(list)
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        applied[app].append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def tables_holding_data(using: str = "default") -> list[str]:
    """The tables with rows, other than those `migrate` fills itself."""
    return [
        model._meta.label_lower
        for model in backed_up_models()
        if _kept(model)
        and model._meta.label_lower not in FILLED_BY_MIGRATE
        and model._base_manager.using(using).exists()
    ]


# --- Values as the archive keeps them ---------------------------------------------------------

# Columns whose values JSON holds as they are (text, numbers, true/false): read and written
# without conversion. Every other kind is written as text and read back by its field.
PLAIN = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "BooleanField",
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "URLField",
    "FileField",
    "ImageField",
}


def _as_json(value):
    """Values JSON has no type for, as text their field reads back exactly."""
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime | date | time_of_day):
        return value.isoformat()  # to the microsecond, with its offset
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"{type(value).__name__} cannot be kept in a backup")


def _kind(field: models.Field) -> str:
    return (field.target_field if field.is_relation else field).get_internal_type()


def _reader(field: models.Field, connection) -> Callable:
    """From the archive's JSON to what the database driver takes."""
    kind = _kind(field)
    if kind in PLAIN:
        return lambda value: value
    if kind == "JSONField":
        return lambda value: field.get_db_prep_save(value, connection)
    return lambda value: (
        None if value is None else field.get_db_prep_save(field.to_python(value), connection)
    )


# --- Making a backup --------------------------------------------------------------------------


@dataclass
class BackupSummary:
    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    missing_files: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@contextmanager
def consistent_read(using: str = "default") -> Iterator[None]:
    """Reads within see one moment of the database. Inside a caller's transaction, that
    transaction is the moment (it cannot be made repeatable-read once begun)."""
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # BEGIN DEFERRED, whatever the settings say for writes: a reader's snapshot starts at
        # its first read, and under WAL it holds no lock a writer waits for.
        connection.ensure_connection()
        mode = connection.transaction_mode
        connection.transaction_mode = "DEFERRED"
        try:
            with transaction.atomic(using=using):
                connection.transaction_mode = mode
                yield
        finally:
            connection.transaction_mode = mode
    else:
        raise BackupError(UNSUPPORTED.format(vendor=connection.vendor))


def backup_name(now: datetime) -> str:
    return f"golden-thread-backup-{timezone.localtime(now):%Y-%m-%d-%H%M%S}.zip"


def make_backup(
    destination: Path | str,
    *,
    using: str = "default",
    progress: Progress = _quiet,
    now: datetime | None = None,
) -> BackupSummary:
    """Write a backup of the database and its files; `destination` is a folder (the archive
    is named after the time) or a `.zip` path. The archive appears whole or not at all."""
    started = time.perf_counter()
    now = now or timezone.now()
    destination = Path(destination)
    if destination.suffix != ".zip":
        destination.mkdir(mode=0o700, parents=True, exist_ok=True)
        destination = destination / backup_name(now)
    destination.parent.mkdir(parents=True, exist_ok=True)
    summary = BackupSummary(path=destination)
    partial = destination.with_name(f"{TEMPORARY_PREFIX}{destination.name}")
    try:
        # Readable by the service's account alone: it holds password hashes and every figure.
        partial.touch(mode=0o600)
        partial.chmod(0o600)
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            manifest = _write_archive(archive, using=using, now=now, summary=summary, say=progress)
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, destination)
    except BaseException:
        with suppress(FileNotFoundError):
            partial.unlink()
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def _write_archive(archive, *, using: str, now: datetime, summary: BackupSummary, say) -> dict:
    connection = connections[using]
    tables, names = [], set()
    say(f"Reading the {connection.vendor} database as it stands at one moment")
    with consistent_read(using):
        migrations = migration_state(using)
        for model in backed_up_models():
            if not _kept(model):
                continue
            table, found = _write_table(archive, model, using)
            tables.append(table)
            names.update(found)
            summary.tables += 1
            summary.rows += table["rows"]
            if table["rows"]:
                say(f"  {table['model']}: {table['rows']:,} rows")
        # The files the rows name, copied while the rows are held: one removed since the
        # moment of the backup (by the retention rules) is listed as missing.
        say(f"Copying {len(names):,} files")
        files = []
        for name in sorted(names):
            entry = _write_file(archive, name)
            if entry is None:
                summary.missing_files.append(name)
                say(f"  missing, not in the backup: {name}")
                continue
            files.append(entry)
            summary.files += 1
            summary.file_bytes += entry["size"]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": now.isoformat(),
        "database": {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"])},
        "migrations": migrations,
        "excluded_tables": list(EXCLUDED),
        "tables": tables,
        "files": files,
        "missing_files": summary.missing_files,
    }


def _write_table(archive, model, using: str) -> tuple[dict, set[str]]:
    fields = model._meta.concrete_fields
    columns = [f.attname for f in fields]
    file_columns = [f.attname for f in fields if isinstance(f, models.FileField)]
    label = model._meta.label_lower
    path = f"data/{label}.jsonl"
    digest, rows, names = hashlib.sha256(), 0, set()
    query = model._base_manager.using(using).order_by("pk").values_list(*columns)
    with archive.open(path, "w", force_zip64=True) as member:
        buffer = io.BytesIO()
        for row in query.iterator(chunk_size=2000):
            record = dict(zip(columns, row, strict=True))
            line = json.dumps(record, default=_as_json, ensure_ascii=False, separators=(",", ":"))
            buffer.write(line.encode() + b"\n")
            rows += 1
            for column in file_columns:
                if record[column]:
                    names.add(record[column])
            if buffer.tell() >= CHUNK:
                _flush_buffer(buffer, member, digest)
        _flush_buffer(buffer, member, digest)
    table = {
        "model": label,
        "table": model._meta.db_table,
        "columns": columns,
        "rows": rows,
        "path": path,
        "sha256": digest.hexdigest(),
    }
    return table, names


def _flush_buffer(buffer: io.BytesIO, member, digest) -> None:
    data = buffer.getvalue()
    digest.update(data)
    member.write(data)
    buffer.seek(0)
    buffer.truncate()


def _write_file(archive, name: str) -> dict | None:
    try:
        source = default_storage.open(name, "rb")
    except FileNotFoundError:
        return None
    digest, size = hashlib.sha256(), 0
    with source, archive.open(f"media/{name}", "w", force_zip64=True) as member:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            member.write(chunk)
            size += len(chunk)
    return {"path": name, "size": size, "sha256": digest.hexdigest()}


# --- Restoring --------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    created_at: str
    vendor: str
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    seconds: float = 0.0


def read_manifest(archive: zipfile.ZipFile, name: str) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(NOT_A_BACKUP.format(name=name, why="it has no manifest.json")) from None
    except ValueError:
        raise BackupError(NOT_A_BACKUP.format(name=name, why="its manifest is not JSON")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(NOT_A_BACKUP.format(name=name, why="its manifest is another format"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            OTHER_FORMAT.format(
                name=name, version=manifest.get("format_version"), ours=FORMAT_VERSION
            )
        )
    return manifest


def check_migrations(manifest: dict, using: str = "default") -> None:
    here, there = migration_state(using), manifest["migrations"]
    if here == there:
        return
    lines = []
    for app in sorted(set(here) | set(there)):
        ours, theirs = set(here.get(app, [])), set(there.get(app, []))
        if only_backup := sorted(theirs - ours):
            lines.append(f"{app}: the backup has {', '.join(only_backup)}, not applied here")
        if only_here := sorted(ours - theirs):
            lines.append(f"{app}: this database has {', '.join(only_here)}, the backup has not")
    raise BackupError("\n  ".join([OTHER_MIGRATIONS, *lines]))


def restore_backup(
    archive_path: Path | str,
    *,
    replace: bool = False,
    using: str = "default",
    progress: Progress = _quiet,
) -> RestoreSummary:
    """Restore a backup made by `make_backup` (on either engine) into this database."""
    started = time.perf_counter()
    archive_path = Path(archive_path)
    name = archive_path.name
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(UNREADABLE.format(name=name, error=error)) from None
    with archive:
        manifest = read_manifest(archive, name)
        summary = RestoreSummary(manifest["created_at"], manifest["database"]["vendor"])
        progress(f"Checking {name}: made {manifest['created_at']} from a {summary.vendor} database")
        check_migrations(manifest, using)
        if not replace and (holding := tables_holding_data(using)):
            more = f" and {len(holding) - 5} more" if len(holding) > 5 else ""
            shown = ", ".join(holding[:5]) + more
            raise BackupError(HOLDS_DATA.format(tables=shown))
        models_by_label = _models_for(manifest)
        _check_hashes(archive, manifest, name)
        progress(f"Checked {len(manifest['tables'])} tables and {len(manifest['files'])} files")
        staged = _stage_files(archive, manifest, name)
        try:
            with transaction.atomic(using=using):
                progress("Emptying the database" if replace else "Filling the database")
                _empty_every_table(using)
                for table in manifest["tables"]:
                    count = _load_table(archive, table, models_by_label[table["model"]], using)
                    summary.tables += 1
                    summary.rows += count
                    if count:
                        progress(f"  {table['model']}: {count:,} rows")
                _reset_sequences(using, list(models_by_label.values()))
                _check_counts(manifest, models_by_label, using)
                _audit_restore(name, summary, using)
        except BaseException:
            _discard(staged)
            raise
    ContentType.objects.clear_cache()
    progress(f"Placing {len(staged):,} files")
    for temporary, final in staged:
        os.replace(temporary, final)
    summary.files = len(staged)
    summary.file_bytes = sum(entry["size"] for entry in manifest["files"])
    summary.seconds = time.perf_counter() - started
    return summary


RESTORED = "database restored"


def _audit_restore(name: str, summary: RestoreSummary, using: str) -> None:
    """The restored audit log's next entry says it was restored, from which archive and as of
    when: whatever the log held after that moment is gone, and an auditor can see why."""
    from audit.recording import record  # audit's models are among those restored

    if using != "default":  # the audit log is written on the default database only
        return
    connections[using].audit_head = None  # the restored head, not one seen before
    record(
        action=RESTORED,
        model="database",
        label=f"from {name}, made {summary.created_at}",
        after={
            "archive": name,
            "made_at": summary.created_at,
            "made_from": summary.vendor,
            "tables": summary.tables,
            "rows": summary.rows,
        },
    )


def _models_for(manifest: dict) -> dict[str, type[models.Model]]:
    ours = {model._meta.label_lower: model for model in backed_up_models() if _kept(model)}
    found = {}
    for table in manifest["tables"]:
        model = ours.get(table["model"])
        if model is None:
            raise BackupError(UNKNOWN_TABLE.format(label=table["model"]))
        columns = {f.attname for f in model._meta.concrete_fields}
        if set(table["columns"]) != columns:
            detail = (
                f"only in the backup: {sorted(set(table['columns']) - columns)}, "
                f"only here: {sorted(columns - set(table['columns']))}"
            )
            raise BackupError(OTHER_COLUMNS.format(label=table["model"], detail=detail))
        found[table["model"]] = model
    return found


def _read_member(archive, member: str, name: str) -> Iterator[bytes]:
    try:
        with archive.open(member) as source:
            while chunk := source.read(CHUNK):
                yield chunk
    except KeyError:
        raise BackupError(DAMAGED.format(name=name, what=f"{member} (missing)")) from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise BackupError(DAMAGED.format(name=name, what=f"{member} ({error})")) from None


def _hashed(chunks: Iterator[bytes], digest) -> Iterator[bytes]:
    for chunk in chunks:
        digest.update(chunk)
        yield chunk


def _check_hashes(archive, manifest: dict, name: str) -> None:
    for table in manifest["tables"]:
        digest = hashlib.sha256()
        for _ in _hashed(_read_member(archive, table["path"], name), digest):
            pass
        if digest.hexdigest() != table["sha256"]:
            raise BackupError(DAMAGED.format(name=name, what=table["path"]))


def _stage_files(archive, manifest: dict, name: str) -> list[tuple[str, Path]]:
    """Each file written whole to a temporary name beside where it goes, hash checked."""
    staged: list[tuple[str, Path]] = []
    try:
        for entry in manifest["files"]:
            final = Path(default_storage.path(entry["path"]))  # refuses names outside media
            final.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            member = f"media/{entry['path']}"
            chunks = _hashed(_read_member(archive, member, name), digest)
            staged.append((_write_temporary(final.parent, chunks), final))
            if digest.hexdigest() != entry["sha256"]:
                raise BackupError(DAMAGED.format(name=name, what=member))
    except BaseException:
        _discard(staged)
        raise
    return staged


def _discard(staged: list[tuple[str, Path]]) -> None:
    for temporary, _ in staged:
        with suppress(FileNotFoundError):
            os.unlink(temporary)


def _empty_every_table(using: str) -> None:
    connection = connections[using]
    tables = [model._meta.db_table for model in backed_up_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with checks still pending in this transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Sequences start afresh, then follow the restored rows (`_reset_sequences`).
        for statement in connection.ops.sql_flush(no_style(), tables, reset_sequences=True):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _load_table(archive, table: dict, model, using: str) -> int:
    """Insert the backup's rows as they are: no save(), no signals, no auto_now. Foreign keys
    are checked when the transaction commits (Django makes them deferrable on both engines),
    so the tables may come in any order."""
    connection = connections[using]
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    columns = table["columns"]
    readers = [_reader(by_attname[c], connection) for c in columns]
    quote = connection.ops.quote_name
    table_sql = quote(model._meta.db_table)
    columns_sql = ", ".join(quote(by_attname[c].column) for c in columns)
    count = 0
    with archive.open(table["path"]) as member, connection.cursor() as cursor:
        rows = (
            [read(record[c]) for c, read in zip(columns, readers, strict=True)]
            for record in map(json.loads, io.TextIOWrapper(member, encoding="utf-8"))
        )
        if connection.vendor == "postgresql":  # COPY: the bulk load PostgreSQL is made for
            with cursor.cursor.copy(f"COPY {table_sql} ({columns_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        # Elsewhere, many rows a statement (as many as it takes parameters for).
        per_statement = max(1, min(1000, connection.features.max_query_params // len(columns)))
        one_row = "({})".format(", ".join(["%s"] * len(columns)))
        for batch in batched(rows, per_statement):
            values = ", ".join([one_row] * len(batch))
            cursor.execute(
                f"INSERT INTO {table_sql} ({columns_sql}) VALUES {values}",
                [value for row in batch for value in row],
            )
            count += len(batch)
    return count


def _reset_sequences(using: str, restored: list) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), restored)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _check_counts(manifest: dict, models_by_label: dict, using: str) -> None:
    for table in manifest["tables"]:
        found = models_by_label[table["model"]]._base_manager.using(using).count()
        if found != table["rows"]:
            raise BackupError(
                COUNT_DIFFERS.format(label=table["model"], found=found, expected=table["rows"])
            )


def default_folder() -> Path:
    return Path(getattr(settings, "GOLDEN_THREAD_BACKUP_DIR", settings.VAR_DIR / "backups"))
