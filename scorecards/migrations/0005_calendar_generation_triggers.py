"""Deadlines, periods and the council's rules move one shared number, the calendar generation,
instead of every indicator's reading generation.

Moving every indicator's generation wrote (and on PostgreSQL locked until commit) a row per
indicator: a figure saved meanwhile waited for it, and two such transactions could deadlock.
Now such a change writes one row, and a kept reading is used only under the current calendar
generation as well as its indicator's (`scorecards.stored`).
"""

from importlib import import_module

from django.db import migrations

OLD = import_module("scorecards.migrations.0003_generation_triggers")
EVERYONE = OLD.EVERYONE
CALENDAR = "scorecards_calendargeneration"
BUMP_CALENDAR = (
    f"INSERT INTO {CALENDAR} (id, number) VALUES (1, 1) "
    f"ON CONFLICT (id) DO UPDATE SET number = {CALENDAR}.number + 1"
)


def _postgresql(function_body: str, name: str) -> list[str]:
    statements = [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN
            {function_body};
            RETURN NULL;
        END; $$ LANGUAGE plpgsql"""
    ]
    for table in EVERYONE:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_readings ON {table}",
            f"CREATE TRIGGER {table}_readings AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    return statements


def _sqlite(body: str) -> list[str]:
    statements = []
    for table in EVERYONE:
        for when in ("INSERT", "UPDATE", "DELETE"):
            name = f"{table}_readings_{when[0].lower()}"
            statements += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} AFTER {when} ON {table} BEGIN {body}; END",
            ]
    return statements


def _run(schema_editor, forwards: bool) -> None:
    vendor = schema_editor.connection.vendor
    body = BUMP_CALENDAR if forwards else OLD.BUMP_ALL
    if vendor == "postgresql":
        statements = _postgresql(body, "calendar_changed" if forwards else "readings_changed_all")
        statements.append(
            "DROP FUNCTION IF EXISTS readings_changed_all()"
            if forwards
            else "DROP FUNCTION IF EXISTS calendar_changed()"
        )
    elif vendor == "sqlite":
        statements = _sqlite(body)
    else:
        raise NotImplementedError(f"Golden Thread runs on SQLite and PostgreSQL, not {vendor}")
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0004_calendar_generation")]
    operations = [
        migrations.RunPython(
            lambda apps, editor: _run(editor, True), lambda apps, editor: _run(editor, False)
        )
    ]
