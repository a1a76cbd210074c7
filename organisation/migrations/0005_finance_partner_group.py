from django.db import migrations

FINANCE_PARTNER = "Finance business partner"


def create_finance_partner_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=FINANCE_PARTNER)


def remove_finance_partner_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=FINANCE_PARTNER).delete()


class Migration(migrations.Migration):
    dependencies = [("organisation", "0004_performance_team_admin")]
    operations = [migrations.RunPython(create_finance_partner_group, remove_finance_partner_group)]
