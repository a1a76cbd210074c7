"""Background work for reports, run by the tasks worker (`manage.py db_worker`)."""

from django.tasks import task


@task
def make_output(output_id: int) -> str:
    """Make one file of a report (PDF, Word or Excel); returns the output's state."""
    from reports.outputs import make

    return make(output_id).state
