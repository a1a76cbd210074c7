"""The whole of what a backup keeps, to compare before and after: every row and every file."""

from pathlib import Path

from operations.backup import EXCLUDED, backed_up_models


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
