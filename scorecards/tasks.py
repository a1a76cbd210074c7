from django.tasks import task
from django.utils import timezone

from scorecards import stored


@task
def refresh_readings(indicator_ids: list[int] | None) -> int:
    """Judge again the kept readings (and the kept positions among published figures) a change
    left behind, so the next page finds them kept."""
    from benchmarking import kept

    kept.refresh(indicator_ids)
    return stored.refresh(indicator_ids, today=timezone.localdate())
