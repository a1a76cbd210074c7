"""The database moves the published generation on whenever a row a comparison's published side
is made of changes, however it is written: an import, a queryset's update or plain SQL.

A link's kept positions are used only under the current published generation
(`benchmarking.kept`); its own figures are followed by its indicator's reading generation
(scorecards migration 0003). The periods are here too: our own year value is made of them.
"""

from django.db import migrations

GENERATION = "benchmarking_publishedgeneration"
TABLES = (
    "benchmarking_externalvalue",
    "benchmarking_comparatorgroup_members",
    "benchmarking_benchmarklink",
    "benchmarking_metric",
    "benchmarking_area",
    "organisation_council",  # its ONS code names our area
    "indicators_period",  # our own year values are made of the periods' figures
)
BUMP = (
    f"INSERT INTO {GENERATION} (id, number) VALUES (1, 1) "
    f"ON CONFLICT (id) DO UPDATE SET number = {GENERATION}.number + 1"
)


def _postgresql() -> tuple[list[str], list[str]]:
    # Once per statement: an import of a million figures moves it once.
    up = [
        f"""CREATE OR REPLACE FUNCTION published_changed() RETURNS trigger AS $$
        BEGIN
            {BUMP};
            RETURN NULL;
        END; $$ LANGUAGE plpgsql"""
    ]
    down = []
    for table in TABLES:
        up.append(
            f"CREATE TRIGGER {table}_published AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION published_changed()"
        )
        down.append(f"DROP TRIGGER IF EXISTS {table}_published ON {table}")
    down.append("DROP FUNCTION IF EXISTS published_changed()")
    return up, down


def _sqlite() -> tuple[list[str], list[str]]:
    up, down = [], []
    for table in TABLES:
        for when in ("INSERT", "UPDATE", "DELETE"):
            name = f"{table}_published_{when[0].lower()}"
            up.append(f"CREATE TRIGGER {name} AFTER {when} ON {table} BEGIN {BUMP}; END")
            down.append(f"DROP TRIGGER IF EXISTS {name}")
    return up, down


def _run(schema_editor, forwards: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        up, down = _postgresql()
    elif vendor == "sqlite":
        up, down = _sqlite()
    else:
        raise NotImplementedError(f"Golden Thread runs on SQLite and PostgreSQL, not {vendor}")
    with schema_editor.connection.cursor() as cursor:
        for statement in up if forwards else down:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarking", "0004_kept_positions"),
        ("organisation", "0002_role_groups"),
        ("indicators", "0009_history_and_spc_recalculation"),
    ]
    operations = [
        migrations.RunPython(
            lambda apps, editor: _run(editor, True), lambda apps, editor: _run(editor, False)
        )
    ]
