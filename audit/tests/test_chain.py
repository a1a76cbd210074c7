"""The chain: entries are only ever added, and any change, removal, insertion or reordering
behind the log's back is found by `verify_audit`, which names the entry."""

import threading
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.chain import append, entry_hash, verify
from audit.models import AppendOnly, AuditEntry, AuditHead

pytestmark = pytest.mark.django_db


def write(count: int) -> list[AuditEntry]:
    return [
        append(
            action="changed",
            object_type="strategy.committee",
            object_id=str(n),
            object_label=f"Committee {n}",
            before={"remit": f"Old remit {n}", "order": n},
            after={"remit": f"New remit {n} – “quoted”", "order": n + 1},
            reason=f"Reason {n}",
            source="command",
        )
        for n in range(1, count + 1)
    ]


def run_verify(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def refused(*args) -> CommandError:
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit", *args)
    assert raised.value.returncode == 1
    return raised.value


@contextmanager
def trigger_dropped():
    """What someone with the database could do: take the trigger away (rolled back with the
    test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As a superuser would; undone when the test's transaction is.
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_append_only")
    yield connection.cursor()


def sql(statement: str, *params):
    with trigger_dropped() as cursor:
        cursor.execute(statement, params)


# --- A good chain ----------------------------------------------------------------------------


def test_entries_are_numbered_and_chained_from_the_head():
    first, second, third = write(3)

    assert [e.sequence for e in (first, second, third)] == [1, 2, 3]
    assert first.previous_hash == "0" * 64
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    head = AuditHead.objects.get()
    assert (head.sequence, head.entry_hash) == (3, third.entry_hash)


def test_an_entry_read_back_from_the_database_hashes_the_same():
    written = write(1)[0]
    stored = AuditEntry.objects.get(pk=written.pk)

    assert entry_hash(vars(stored)) == stored.entry_hash == written.entry_hash


def test_verify_audit_passes_a_good_chain_and_prints_its_last_hash():
    last = write(4)[-1]

    assert run_verify().strip() == (
        f"Audit log verified: 4 entries, last #4, hash {last.entry_hash}"
    )


def test_an_empty_log_verifies():
    assert run_verify().strip() == f"Audit log verified: 0 entries, last #0, hash {'0' * 64}"


# --- Appending only --------------------------------------------------------------------------


def test_the_model_refuses_to_change_or_delete_an_entry():
    entry = write(1)[0]
    entry.reason = "Changed my mind"

    for attempt in (
        entry.save,
        entry.delete,
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(reason="x"),
        lambda: AuditEntry.objects.all().delete(),
        lambda: AuditEntry.objects.bulk_create([AuditEntry(sequence=9)]),
    ):
        with pytest.raises(AppendOnly):
            attempt()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Reason 1"


def test_the_database_refuses_to_update_an_entry():
    write(1)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET reason = 'forged'")


def test_postgresql_refuses_to_delete_an_entry():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite has no DELETE trigger (the test runner empties tables with DELETE): a "
            "removed entry is found by the chain instead (test_a_removed_entry_is_named)"
        )
    write(1)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditentry")


# --- Tampering behind the log's back ---------------------------------------------------------


def test_a_changed_entry_is_named():
    write(5)
    sql("UPDATE audit_auditentry SET reason = 'Nothing to see here' WHERE sequence = 3")

    result = verify()
    error = refused()

    assert (result.ok, result.broken_at, result.count) == (False, 3, 2)
    assert str(error) == "Audit log broken at entry #3: it was changed after it was written"


def test_a_changed_value_before_or_after_is_named():
    write(5)
    forged = '{"remit": "New remit 4", "order": 99}'
    sql("UPDATE audit_auditentry SET after = %s WHERE sequence = 4", forged)

    assert verify().broken_at == 4


def test_a_changed_hash_is_named():
    write(5)
    sql("UPDATE audit_auditentry SET entry_hash = %s WHERE sequence = 2", "f" * 64)

    assert "entry #2: it was changed after it was written" in str(refused())


def test_a_removed_entry_is_named():
    write(5)
    sql("DELETE FROM audit_auditentry WHERE sequence = 3")

    assert str(refused()) == (
        "Audit log broken at entry #3: entry #3 is missing: removed from the log"
    )


def test_entries_removed_from_the_end_are_named():
    write(5)
    sql("DELETE FROM audit_auditentry WHERE sequence >= 4")

    assert str(refused()) == (
        "Audit log broken at entry #4: entries #4 to #5 were removed from the end of the log"
    )


def test_entries_swapped_are_named():
    entries = write(5)
    two, three = entries[1], entries[2]
    # Swap what entries 2 and 3 say, keeping each position's number.
    sql(
        "UPDATE audit_auditentry SET object_label = %s, reason = %s WHERE sequence = 2",
        three.object_label,
        three.reason,
    )
    sql(
        "UPDATE audit_auditentry SET object_label = %s, reason = %s WHERE sequence = 3",
        two.object_label,
        two.reason,
    )

    assert verify().broken_at == 2


def test_an_entry_inserted_with_a_good_hash_of_its_own_is_named():
    entries = write(5)
    # A forged entry 3, hashed properly but not from entry 2: everything after shifts up one.
    with trigger_dropped() as cursor:
        for sequence in (5, 4, 3):
            cursor.execute(
                "UPDATE audit_auditentry SET sequence = sequence + 1 WHERE sequence = %s",
                [sequence],
            )
    forged = {
        **{name: getattr(entries[2], name) for name in ("at", "actor_id", "actor_name")},
        "sequence": 3,
        "source": "page",
        "action": "changed",
        "object_type": "strategy.committee",
        "object_id": "3",
        "object_label": "Committee 3",
        "before": None,
        "after": None,
        "reason": "Forged",
        "previous_hash": "e" * 64,
    }
    AuditEntry(**forged, entry_hash=entry_hash(forged)).save()

    result = verify()

    assert (result.broken_at, result.problem) == (
        3,
        "it does not follow the entry before it: entries were removed, inserted or reordered here",
    )


def test_an_entry_added_behind_the_logs_back_is_named():
    last = write(3)[-1]
    forged = {
        "sequence": 4,
        "at": last.at,
        "actor_id": None,
        "actor_name": "",
        "source": "page",
        "action": "changed",
        "object_type": "strategy.committee",
        "object_id": "1",
        "object_label": "Committee 1",
        "before": None,
        "after": None,
        "reason": "",
        "previous_hash": last.entry_hash,
    }
    AuditEntry(**forged, entry_hash=entry_hash(forged)).save()  # the head is not moved

    assert str(refused()) == (
        "Audit log broken at entry #4: it was added behind the log's back (the log ends at #3)"
    )


def test_a_log_rewritten_from_scratch_fails_against_a_kept_hash():
    entries = write(3)
    kept = f"2={entries[1].entry_hash}"
    # Change entry 2 and recompute every hash from there, head and all: the chain holds...
    with trigger_dropped() as cursor:
        previous = entries[0].entry_hash
        for entry in AuditEntry.objects.filter(sequence__gte=2).order_by("sequence"):
            fields = vars(entry) | {"previous_hash": previous}
            if entry.sequence == 2:
                fields["reason"] = "Rewritten"
            new_hash = entry_hash(fields)
            cursor.execute(
                "UPDATE audit_auditentry SET reason = %s, previous_hash = %s, entry_hash = %s "
                "WHERE sequence = %s",
                [fields["reason"], previous, new_hash, entry.sequence],
            )
            previous = new_hash
        AuditHead.objects.update(entry_hash=previous)
    assert verify().ok

    # ...but not through the hash kept outside the database.
    assert str(refused("--kept", kept)) == (
        "Audit log broken at entry #2: its hash is not the one kept: the log was rewritten"
    )
    assert "Audit log verified" in run_verify("--kept", f"1={entries[0].entry_hash}")


# --- Two writers at once ---------------------------------------------------------------------


# Serialized like every transactional test here: its flush must not re-create content types
# under new ids, which the next test's restore of the migrated rows would collide with.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writers_at_once_never_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time anyway; PostgreSQL is where rows race")
    errors = []

    def writer():
        try:
            for _ in range(15):
                with transaction.atomic():
                    write(1)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == (
        list(range(1, 46))
    )
    assert verify().ok
