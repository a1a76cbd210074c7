"""The reference list of areas, and finding an area from the way a publisher wrote it.

Publishers write the same council many ways ("Bristol, City of", "City of Bristol", "Perth &
Kinross"), and keep codes that were replaced in a reorganisation. Names are compared by their
words, ignoring case, punctuation, order and the filler words "of", "the", "and".
"""

from __future__ import annotations

import csv
import datetime
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Area, Tier

SHIPPED_AREAS = Path(__file__).parent / "data" / "uk_local_authorities.csv"
GSS_CODE = re.compile(r"^[ENSWK]\d{8}$")
FILLER_WORDS = frozenset({"of", "the", "and"})


def name_key(text: str) -> str:
    """Case-, punctuation- and order-insensitive key: "Bristol, City of" = "City of Bristol"."""
    words = re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split()
    return " ".join(sorted(word for word in words if word not in FILLER_WORDS))


@dataclass(frozen=True)
class AreasLoaded:
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.created} areas created, {self.updated} updated, {self.unchanged} unchanged"


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text.strip() else None


def _tier(code: str) -> str:
    return code if code in Tier.values else Tier.OTHER


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


AREA_FIELDS = (
    "gss_code",
    "name",
    "official_name",
    "other_names",
    "nation",
    "tier",
    "region",
    "start_date",
    "end_date",
    "is_current",
    "former_gss_codes",
    "successor_codes",
)


@transaction.atomic
def load_areas(*, path: Path = SHIPPED_AREAS) -> AreasLoaded:
    """Create or refresh areas from mySociety's list; never deletes one.

    A newer copy refreshes names, end dates and successors. An area missing from the newer
    copy is kept, since published values may still point at it.
    """
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    existing = {area.code: area for area in Area.objects.select_for_update()}
    created, changed, unchanged = [], [], 0
    for row in rows:
        fields = {
            "gss_code": row["gss-code"].strip() or None,
            "name": row["nice-name"],
            "official_name": row["official-name"],
            "other_names": "\n".join(_split(row["alt-names"])),
            "nation": row["nation"],
            "tier": _tier(row["local-authority-type"]),
            "region": row["region"],
            "start_date": _date(row["start-date"]),
            "end_date": _date(row["end-date"]),
            "is_current": row["current-authority"] == "True",
            "former_gss_codes": ",".join(_split(row["former-gss-codes"])),
            "successor_codes": ",".join(_split(row["replaced-by"])),
        }
        area = existing.get(row["local-authority-code"])
        if area is None:
            created.append(Area(code=row["local-authority-code"], **fields))
        elif any(getattr(area, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(area, name, value)
            changed.append(area)
        else:
            unchanged += 1
    Area.objects.bulk_create(created)
    Area.objects.bulk_update(changed, AREA_FIELDS)
    _link_successors()
    return AreasLoaded(created=len(created), updated=len(changed), unchanged=unchanged)


def _link_successors() -> None:
    by_code = dict(Area.objects.values_list("code", "pk"))
    links = Area.successors.through
    wanted = {
        (area_pk, by_code[code])
        for area_pk, codes in Area.objects.exclude(successor_codes="").values_list(
            "pk", "successor_codes"
        )
        for code in codes.split(",")
        if code in by_code
    }
    held = {
        (from_pk, to_pk): pk
        for pk, from_pk, to_pk in links.objects.values_list("pk", "from_area_id", "to_area_id")
    }
    links.objects.filter(pk__in=[pk for pair, pk in held.items() if pair not in wanted]).delete()
    links.objects.bulk_create(
        [links(from_area_id=a, to_area_id=b) for a, b in sorted(wanted - held.keys())]
    )


class AreaIndex:
    """Every way of writing every area, read once: the importer looks areas up here, not in
    the database row by row."""

    def __init__(self, areas) -> None:
        self.by_code: dict[str, Area] = {}
        self.by_name: dict[str, Area] = {}
        former: dict[str, Area] = {}
        # Current areas are indexed last so they win a name shared with a former one.
        for area in sorted(areas, key=lambda a: (a.is_current, a.end_date or datetime.date.max)):
            if area.gss_code:
                self.by_code[area.gss_code.upper()] = area
            self.by_code[area.code.upper()] = area
            for code in _split(area.former_gss_codes):
                former[code.upper()] = area
            for text in [area.name, area.official_name, *area.other_names.splitlines()]:
                if text.strip():
                    self.by_name[name_key(text)] = area
        for code, area in former.items():
            self.by_code.setdefault(code, area)

    @classmethod
    def load(cls) -> AreaIndex:
        return cls(Area.objects.all())

    def find(self, text: str) -> Area | None:
        text = text.strip()
        if not text:
            return None
        return self.by_code.get(text.upper()) or self.by_name.get(name_key(text))

    def nearest(self, text: str) -> str | None:
        """The closest known name or code, as a hint for an area that was not found."""
        text = text.strip()
        if GSS_CODE.match(text.upper()):
            close = difflib.get_close_matches(text.upper(), self.by_code, n=1, cutoff=0.7)
            return str(self.by_code[close[0]]) if close else None
        close = difflib.get_close_matches(name_key(text), self.by_name, n=1, cutoff=0.6)
        return str(self.by_name[close[0]]) if close else None


def find_area(text: str) -> Area | None:
    """The area a GSS code, former GSS code, 3-letter code or any of its names means."""
    return AreaIndex.load().find(text)


def nearest_area_hint(text: str) -> str | None:
    return AreaIndex.load().nearest(text)
