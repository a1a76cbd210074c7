"""The admin's permissions of the Performance team role over the registers beside the
indicators: finance thresholds and cost centres, risk bands, and the registers' rare fixes.
Their periodic returns (forecasts, reviews, updates) are read only here: they change through
their pages' sign-off, like figures."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERFORMANCE_TEAM = "Performance team"

VIEW = ("view",)
CHANGE = ("view", "change")
ADD = ("view", "add", "change")

PERMISSIONS = {
    "finance": {"budgetline": ADD, "costcentre": ADD, "financesettings": CHANGE},
    "risks": {
        "risk": ADD,
        "control": ADD,
        "furtheraction": ADD,
        "riskbands": CHANGE,
        "riskreview": VIEW,
    },
    "delivery": {"programme": ADD, "project": ADD, "milestone": ADD},
    "improvement": {"finding": ADD, "improvementaction": ADD},
}


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, models in PERMISSIONS.items():
        for model, actions in models.items():
            found.extend(
                Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )
    return found


def grant(apps, schema_editor):
    # Permissions are made after all migrations have run; make them now, so they can be given.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=PERFORMANCE_TEAM)
    group.permissions.add(*_permissions(apps))


def take_back(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=PERFORMANCE_TEAM).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0005_finance_partner_group"),
        ("finance", "0001_initial"),
        ("risks", "0001_initial"),
        ("delivery", "0001_initial"),
        ("improvement", "0001_initial"),
    ]
    operations = [migrations.RunPython(grant, take_back)]
