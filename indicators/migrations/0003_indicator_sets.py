from django.db import migrations

SETS = [
    ("strategic", "Strategic (headline)", "Strategic KPIs linked to the council's ambitions"),
    ("operational", "Operational", "Service performance indicators"),
    ("statutory", "Statutory", "Indicators the council must collect or report by law"),
    ("oflog", "Oflog", "Office for Local Government metrics"),
    ("partnership", "Partnership", "Outcomes shared with partners"),
    ("equality", "Equality and diversity", "Equality, diversity and inclusion measures"),
]


def create_sets(apps, schema_editor):
    IndicatorSet = apps.get_model("indicators", "IndicatorSet")
    for order, (code, name, description) in enumerate(SETS):
        IndicatorSet.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_initial")]
    operations = [migrations.RunPython(create_sets, migrations.RunPython.noop)]
