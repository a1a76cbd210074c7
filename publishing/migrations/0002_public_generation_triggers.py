"""The database moves the public generation on whenever a row the public site is made of
changes, however it is written: the reports (their states, times and snapshots), meetings,
ambitions, plans, outcomes and the council. The public site keeps what it has worked out
about what is released (`publishing.caching`) only under the current generation.
"""

from django.db import migrations

GENERATION = "publishing_publicgeneration"
TABLES = (
    "reports_report",
    "strategy_meeting",
    "strategy_ambition",
    "strategy_plan",
    "strategy_outcome",
    "organisation_council",
)
# A new row draws its epoch at random: a database emptied and loaded again starts afresh.
EPOCH = {
    "sqlite": "abs(random())",
    "postgresql": "floor(random() * 9007199254740991)::bigint",
}


def _bump(vendor: str) -> str:
    return (
        f"INSERT INTO {GENERATION} (id, number, epoch) VALUES (1, 1, {EPOCH[vendor]}) "
        f"ON CONFLICT (id) DO UPDATE SET number = {GENERATION}.number + 1"
    )


def _postgresql() -> tuple[list[str], list[str]]:
    up = [
        f"""CREATE OR REPLACE FUNCTION public_changed() RETURNS trigger AS $$
        BEGIN
            {_bump("postgresql")};
            RETURN NULL;
        END; $$ LANGUAGE plpgsql"""
    ]
    down = []
    for table in TABLES:
        up.append(
            f"CREATE TRIGGER {table}_public AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION public_changed()"
        )
        down.append(f"DROP TRIGGER IF EXISTS {table}_public ON {table}")
    down.append("DROP FUNCTION IF EXISTS public_changed()")
    return up, down


def _sqlite() -> tuple[list[str], list[str]]:
    up, down = [], []
    for table in TABLES:
        for when in ("INSERT", "UPDATE", "DELETE"):
            name = f"{table}_public_{when[0].lower()}"
            up.append(f"CREATE TRIGGER {name} AFTER {when} ON {table} BEGIN {_bump('sqlite')}; END")
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
        ("publishing", "0001_public_generation"),
        ("reports", "0001_initial"),
        ("strategy", "0001_initial"),
        ("organisation", "0002_role_groups"),
    ]
    operations = [
        migrations.RunPython(
            lambda apps, editor: _run(editor, True), lambda apps, editor: _run(editor, False)
        )
    ]
