"""The whole of what a backup keeps, to compare before and after: every row and every file."""

from pathlib import Path

from audit.models import GENESIS_HASH, AuditEntry, AuditHead
from operations.backup import EXCLUDED, RESTORED, backed_up_models


def every_row() -> dict[str, list[tuple]]:
    """Every backed-up table's rows, every column, in primary-key order."""
    return {
        model._meta.label_lower: list(
            model._base_manager.order_by("pk").values_list(
                *[f.attname for f in model._meta.concrete_fields]
            )
        )
        for model in backed_up_models()
        if model._meta.label_lower not in EXCLUDED
    }


def media_files(root) -> dict[str, bytes]:
    """Every file under the media folder (temporary ones too), by name."""
    root = Path(root)
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def without_the_restore_entry(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Rows read after a restore, less what the restore itself appended to the audit log (its
    one entry, and the head moved onto it), to compare with the rows backed up. Fails unless
    that entry is there, the last of the chain."""
    entries, head = rows["audit.auditentry"], rows["audit.audithead"]
    action = [f.attname for f in AuditEntry._meta.concrete_fields].index("action")
    assert entries and entries[-1][action] == RESTORED, "the restore is not in the audit log"
    kept = entries[:-1]
    return rows | {
        "audit.auditentry": kept,
        "audit.audithead": _head_at(head, kept),
    }


def _head_at(head: list[tuple], entries: list[tuple]) -> list[tuple]:
    names = [f.attname for f in AuditHead._meta.concrete_fields]
    columns = [f.attname for f in AuditEntry._meta.concrete_fields]
    last = dict(zip(columns, entries[-1], strict=True)) if entries else None
    (row,) = head
    found = dict(zip(names, row, strict=True))
    found["sequence"] = last["sequence"] if last else 0
    found["entry_hash"] = last["entry_hash"] if last else GENESIS_HASH
    return [tuple(found[name] for name in names)]
