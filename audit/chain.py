"""Appending to the audit log and checking its chain.

Each entry's hash is SHA-256 over a canonical JSON of all its fields and the previous entry's
hash, so changing, removing, inserting or reordering entries breaks the chain at that point.
The chain cannot tell a log rewritten from scratch by someone with the database: keep the hash
`verify_audit` prints outside it (in committee papers, or an audit file) to detect that too.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.models import GENESIS_HASH, AuditEntry, AuditHead

HEAD_ID = 1

HASHED_FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "actor_name",
    "source",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "before",
    "after",
    "reason",
    "previous_hash",
)


def _moment(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical(fields: dict) -> str:
    """The text an entry's hash is taken over: its fields as sorted, compact JSON."""
    data = {name: fields[name] for name in HASHED_FIELDS}
    data["at"] = _moment(data["at"])
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(fields: dict) -> str:
    return hashlib.sha256(canonical(fields).encode()).hexdigest()


def _stored_head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=HEAD_ID).values_list("sequence", "entry_hash").first()
    if head is None:  # a database emptied by a test's flush; the migration makes it otherwise
        AuditHead.objects.get_or_create(pk=HEAD_ID)
        return 0, GENESIS_HASH
    return head


def append(
    *,
    action: str,
    object_type: str,
    object_id: str = "",
    object_label: str = "",
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    actor=None,
    actor_name: str = "",
    source: str,
) -> AuditEntry:
    """Add one entry at the end of the chain, inside the caller's transaction: a change that is
    rolled back leaves no entry.

    The head moves by compare-and-swap (an UPDATE that matches only the head this entry
    follows), which also locks it until the transaction ends, so two writers never fork the
    chain; the head last seen on this connection is tried first, to save reading it again."""
    connection = transaction.get_connection()
    with transaction.atomic(savepoint=not connection.in_atomic_block):
        for _ in range(HEAD_ATTEMPTS):
            sequence, previous = getattr(connection, "audit_head", None) or _stored_head()
            entry = AuditEntry(
                sequence=sequence + 1,
                at=timezone.now(),
                actor=actor,
                actor_name=actor_name[:200],
                source=source,
                action=action[:60],
                object_type=object_type,
                object_id=str(object_id)[:64],
                object_label=object_label[:200],
                before=before,
                after=after,
                reason=reason,
                previous_hash=previous,
            )
            entry.entry_hash = entry_hash(vars(entry) | {"actor_id": entry.actor_id})
            if _move_head(connection, sequence, previous, entry):
                _insert(connection, entry)
                connection.audit_head = (entry.sequence, entry.entry_hash)
                return entry
            connection.audit_head = None  # someone else appended, or a rollback undid ours
    raise RuntimeError("The audit log's head kept moving: the entry was not appended")


HEAD_ATTEMPTS = 20


# Both writes are plain SQL: every audited change makes them, and the ORM's own bookkeeping
# (signals, instance state) would cost more than the statements.
def _move_head(connection, sequence: int, previous: str, entry: AuditEntry) -> bool:
    table = connection.ops.quote_name(AuditHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET sequence = %s, entry_hash = %s "
            "WHERE id = %s AND sequence = %s AND entry_hash = %s",
            [entry.sequence, entry.entry_hash, HEAD_ID, sequence, previous],
        )
        return cursor.rowcount == 1


def _insert(connection, entry: AuditEntry) -> None:
    fields = AuditEntry._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    values = [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({columns}) VALUES ({placeholders})",
            values,
        )
    entry._state.adding, entry._state.db = False, connection.alias


@dataclass(frozen=True)
class Verification:
    """What checking the chain found: all well, or the first entry that does not fit."""

    count: int
    last_sequence: int
    last_hash: str
    problem: str = ""
    broken_at: int | None = None  # the entry where the chain breaks

    @property
    def ok(self) -> bool:
        return not self.problem

    def __str__(self) -> str:
        if self.ok:
            return (
                f"Audit log verified: {self.count} {'entry' if self.count == 1 else 'entries'}, "
                f"last #{self.last_sequence}, "
                f"hash {self.last_hash}"
            )
        return f"Audit log broken at entry #{self.broken_at}: {self.problem}"


def verify(anchors: dict[int, str] | None = None) -> Verification:
    """Recompute every entry's hash in order, and compare the end of the chain with the head.

    `anchors` are hashes kept outside the database ({entry: hash}, as `verify_audit` printed
    them): a log rewritten from scratch, hashes and all, no longer passes through them."""
    anchors = anchors or {}
    expected_sequence, previous, count = 1, GENESIS_HASH, 0
    rows = AuditEntry.objects.order_by("sequence").values(*HASHED_FIELDS, "entry_hash")
    for row in rows.iterator(chunk_size=2000):
        sequence = row["sequence"]
        if sequence != expected_sequence:
            missing = (
                f"#{expected_sequence}"
                if sequence == expected_sequence + 1
                else f"#{expected_sequence} to #{sequence - 1}"
            )
            problem = f"entry {missing} is missing: removed from the log"
            return _broken(count, expected_sequence, previous, problem)
        if row["previous_hash"] != previous:
            return _broken(
                count,
                sequence,
                previous,
                "it does not follow the entry before it: entries were removed, inserted or "
                "reordered here",
            )
        if entry_hash(row) != row["entry_hash"]:
            return _broken(count, sequence, previous, "it was changed after it was written")
        if anchors.get(sequence, row["entry_hash"]) != row["entry_hash"]:
            return _broken(
                count, sequence, previous, "its hash is not the one kept: the log was rewritten"
            )
        previous = row["entry_hash"]
        count += 1
        expected_sequence += 1
    last_sequence = expected_sequence - 1
    beyond = [sequence for sequence in anchors if sequence > last_sequence]
    if beyond:
        problem = f"entry #{min(beyond)}, whose hash was kept, is no longer in the log"
        return _broken(count, min(beyond), previous, problem)
    head = AuditHead.objects.filter(pk=HEAD_ID).first()
    head_sequence, head_hash = (head.sequence, head.entry_hash) if head else (0, GENESIS_HASH)
    if (head_sequence, head_hash) != (last_sequence, previous):
        if head_sequence > last_sequence:
            gone = (
                f"entry #{head_sequence} was"
                if head_sequence == last_sequence + 1
                else f"entries #{last_sequence + 1} to #{head_sequence} were"
            )
            problem = f"{gone} removed from the end of the log"
            return _broken(count, last_sequence + 1, previous, problem)
        if head_sequence < last_sequence:
            problem = f"it was added behind the log's back (the log ends at #{head_sequence})"
            return _broken(count, head_sequence + 1, previous, problem)
        return _broken(count, last_sequence, previous, "the log's head does not match it")
    return Verification(count=count, last_sequence=last_sequence, last_hash=previous)


def _broken(count: int, sequence: int, previous: str, problem: str) -> Verification:
    return Verification(
        count=count,
        last_sequence=count,  # entries 1 to count check out
        last_hash=previous,
        problem=problem,
        broken_at=sequence,
    )
