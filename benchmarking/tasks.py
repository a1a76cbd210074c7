"""Background work for benchmarking, run by the tasks worker (`manage.py db_worker`)."""

from django.tasks import task

from benchmarking import kept


@task
def refresh_positions() -> int:
    """Work out again the kept positions an import left behind, so the next page finds them."""
    return kept.refresh()
