"""A published statistic uploaded by the performance team: the same importer as the command,
run on the uploaded file in a folder of its own, recorded in the audit log as one import."""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path

from django.db import transaction

from audit.context import audited
from audit.recording import record
from benchmarking.importing import (
    DESCRIPTIONS,
    DescriptionError,
    ImportRejected,
    ImportReport,
    Problem,
    import_benchmark,
)
from benchmarking.models import Metric
from organisation.permissions import Action, require

MAX_FILE_BYTES = 50 * 1024 * 1024  # the largest published table we have met is a few MB
OWN = "own"
SAFE_NAME = "upload"


def shipped_descriptions() -> list[tuple[str, str]]:
    """(name, the source's name) of every description shipped with the product."""
    found = []
    for path in sorted(DESCRIPTIONS.glob("*.toml")):
        with path.open("rb") as file:
            source = tomllib.load(file).get("source", {})
        found.append((path.stem, source.get("name", path.stem)))
    return found


def _save(upload, folder: Path, name: str) -> Path:
    path = folder / name
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


@transaction.atomic
@audited()
def import_upload(*, description: str, data, own_description=None, release: str = "", by):
    """Import the uploaded `data` file by a shipped description (its name) or the officer's
    own (`own_description`, a .toml upload). All or nothing: raises `ImportRejected` with
    every problem by row and column, or a description's own mistake as one problem."""
    require(by, Action.MANAGE_FRAMEWORK)
    with tempfile.TemporaryDirectory(prefix="benchmark-") as folder:
        folder = Path(folder)
        # The data keeps its extension only: an uploaded name never becomes a path.
        suffix = Path(data.name).suffix.lower()[:10]
        data_path = _save(data, folder, f"{SAFE_NAME}{suffix}")
        if description == OWN:
            description_path = _save(own_description, folder, "description.toml")
        else:
            description_path = DESCRIPTIONS / f"{description}.toml"
        try:
            report = import_benchmark(description_path, data_path, release=release or None)
        except (DescriptionError, tomllib.TOMLDecodeError) as error:
            message = f"The description cannot be used: {error}"
            raise ImportRejected([Problem(0, "description", message)]) from None
        except UnicodeDecodeError:
            message = "The file is not text in UTF-8: save it from the spreadsheet as CSV UTF-8"
            raise ImportRejected([Problem(0, "file", message)]) from None
    record(
        action="published figures imported",
        model=Metric,
        object_id="",
        label=f"{data.name} by {description}",
        after={"lines": report.lines(), "metrics": report.metrics},
    )
    return report


__all__ = ["ImportRejected", "ImportReport", "import_upload", "shipped_descriptions"]
