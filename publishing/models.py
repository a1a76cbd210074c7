"""What the public site keeps between requests."""

from django.db import models


class PublicGeneration(models.Model):
    """How many times anything the public site is made of has changed: a report (its state,
    times, snapshot), a meeting, an ambition, plan or outcome, or the council.

    Written by the database's own triggers (migration 0002), one row (id 1). `epoch` is drawn
    at random when the row is made, so that a database emptied and loaded again (a restore)
    never repeats an earlier (epoch, number).
    """

    number = models.BigIntegerField(default=0)
    epoch = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Public generation {self.number}"
