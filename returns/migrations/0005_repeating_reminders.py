import datetime

import django.core.validators
from django.db import migrations, models

# The default escalation's overdue steps repeat weekly until the returns are in.
REPEATING = [
    ("data_entry", 1, "data_owner"),
    ("data_entry", 1, "manager"),
    ("data_entry", 5, "performance_team"),
    ("signoff", 1, "performance_team"),
]


def repeat_overdue_steps(apps, schema_editor):
    ReminderRule = apps.get_model("returns", "ReminderRule")
    for deadline, days_after, audience in REPEATING:
        ReminderRule.objects.filter(
            deadline=deadline, days_after=days_after, audience=audience, repeat_every_days=None
        ).update(repeat_every_days=7)


def day_of_each_sent_reminder(apps, schema_editor):
    ReminderSent = apps.get_model("returns", "ReminderSent")
    for reminder in ReminderSent.objects.select_related("rule", "cycle"):
        cycle, rule = reminder.cycle, reminder.rule
        deadline = (
            cycle.signoff_deadline if rule.deadline == "signoff" else cycle.data_entry_deadline
        )
        reminder.due_on = deadline + datetime.timedelta(days=rule.days_after)
        reminder.save(update_fields=["due_on"])


class Migration(migrations.Migration):
    dependencies = [("returns", "0004_import_run_service_and_notes")]
    operations = [
        migrations.AddField(
            model_name="reminderrule",
            name="repeat_every_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Repeat every this many days until the returns are in (blank: send once)",
                null=True,
                validators=[django.core.validators.MinValueValidator(1)],
            ),
        ),
        migrations.AddField(
            model_name="remindersent",
            name="due_on",
            field=models.DateField(
                null=True,
                help_text="The step's day (or its repeat's) this reminder is for",
            ),
        ),
        migrations.RunPython(day_of_each_sent_reminder, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="remindersent",
            name="due_on",
            field=models.DateField(
                help_text="The step's day (or its repeat's) this reminder is for"
            ),
        ),
        migrations.RemoveConstraint(model_name="remindersent", name="one_reminder_per_step"),
        migrations.AddConstraint(
            model_name="remindersent",
            constraint=models.UniqueConstraint(
                fields=("cycle", "rule", "recipient", "due_on"), name="one_reminder_per_step_day"
            ),
        ),
        migrations.RunPython(repeat_overdue_steps, migrations.RunPython.noop),
    ]
