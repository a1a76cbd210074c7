from django.db import migrations

AUDITOR = "Internal auditor"


def create_auditor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=AUDITOR)


def remove_auditor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=AUDITOR).delete()


class Migration(migrations.Migration):
    dependencies = [("organisation", "0002_role_groups")]
    operations = [migrations.RunPython(create_auditor_group, remove_auditor_group)]
