from django.db import migrations

# The escalation the seeds describe: the officer, then the responsible manager, then the
# performance team. Councils change these steps in the admin.
DEFAULT_RULES = [
    ("data_entry", -5, "data_owner"),
    ("data_entry", 1, "data_owner"),
    ("data_entry", 1, "manager"),
    ("data_entry", 5, "performance_team"),
    ("signoff", -2, "manager"),
    ("signoff", 1, "performance_team"),
]


def create_rules(apps, schema_editor):
    ReminderRule = apps.get_model("returns", "ReminderRule")
    for deadline, days_after, audience in DEFAULT_RULES:
        ReminderRule.objects.get_or_create(
            deadline=deadline, days_after=days_after, audience=audience
        )


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial")]
    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
