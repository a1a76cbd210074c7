"""The admin's permissions of the Performance team role: the framework's configuration, and
nothing about people's accounts, roles, the audit log, sessions or sign-in devices.

Staff status (entry to the admin) follows the role: the people pages give it with the Performance
team and Administrator roles and take it away with them (framework/people.py `follow_roles`).
Administrators are superusers. No other role has any permission in the admin.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERFORMANCE_TEAM = "Performance team"

VIEW = ("view",)
CHANGE = ("view", "change")
ADD = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")  # deletion still refused of anything kept

# app label -> model -> what the performance team may do with it in the admin.
PERMISSIONS = {
    "organisation": {
        "council": CHANGE,
        "orgunit": ADD,  # units are deactivated, never deleted
        # Read only, so an indicator's responsible officer and a unit's head can be chosen
        # (the admin's search of people needs it); people are changed on the people pages.
        "user": VIEW,
    },
    "strategy": {
        "plan": ALL,
        "operatingprinciple": ALL,
        "ambition": ALL,
        "outcome": ALL,
        "committee": ALL,
        "meeting": ALL,
    },
    "indicators": {
        "period": VIEW,
        "indicatorset": ALL,
        "indicator": ADD,  # retired, never deleted
        "indicatorversion": VIEW,
        "target": ALL,
        "baseline": ALL,
        "reportingcycle": CHANGE,
        "value": VIEW,
        "valuerevision": VIEW,
    },
    "returns": {
        "reminderrule": ALL,
        "remindersent": VIEW,
        "cycleevent": VIEW,
        "evidence": VIEW,
        "importrun": VIEW,
    },
    "reports": {"report": VIEW, "reportoutput": VIEW},
    "operations": {"retentionpolicy": ADD, "removedfile": VIEW},
    "scorecards": {"narrative": VIEW},
}


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, models in PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            found.extend(
                Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=codenames,
                )
            )
    return found


def grant(apps, schema_editor):
    # Permissions are made after all migrations have run; make them now, so they can be given.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=PERFORMANCE_TEAM)
    group.permissions.add(*_permissions(apps))


def take_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=PERFORMANCE_TEAM).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0003_auditor_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("strategy", "0001_initial"),
        ("indicators", "0009_history_and_spc_recalculation"),
        ("returns", "0005_repeating_reminders"),
        ("reports", "0002_report_event_held"),
        ("operations", "0001_initial"),
        ("scorecards", "0001_initial"),
    ]
    operations = [migrations.RunPython(grant, take_back)]
