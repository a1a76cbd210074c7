"""A figure moves its indicator's reading generation only when it is, or was, signed off.

Readings (and the council's own figures among other councils) are made of signed-off figures
only (`SIGNED_OFF` below, frozen here as the states were when this was written). A draft or
submitted figure saved during a return window changed no reading, yet moved the generation,
so every kept reading of the indicator was judged again for nothing. A figure signed off,
reopened (leaving a signed-off state), revised after sign-off or deleted while signed off
still moves it, in the same transaction, however the row is written.
"""

from django.db import migrations

SIGNED_OFF = ("approved", "published")
STATES = ", ".join(f"'{state}'" for state in SIGNED_OFF)
GENERATION = "scorecards_readinggeneration"
TABLE = "indicators_value"


def _bump(row: str) -> str:
    return (
        f"INSERT INTO {GENERATION} (indicator_id, number) VALUES ({row}.indicator_id, 1) "
        f"ON CONFLICT (indicator_id) DO UPDATE SET number = {GENERATION}.number + 1"
    )


def _sqlite(forwards: bool) -> list[str]:
    when = {
        "INSERT": f"WHEN NEW.state IN ({STATES})",
        "UPDATE": f"WHEN NEW.state IN ({STATES}) OR OLD.state IN ({STATES})",
        "DELETE": f"WHEN OLD.state IN ({STATES})",
    }
    statements = []
    for event, condition in when.items():
        name = f"{TABLE}_readings_{event[0].lower()}"
        row = "OLD" if event == "DELETE" else "NEW"
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"CREATE TRIGGER {name} AFTER {event} ON {TABLE} "
            f"{condition if forwards else ''} BEGIN {_bump(row)}; END",
        ]
    return statements


def _postgresql(forwards: bool) -> list[str]:
    if not forwards:
        return [
            f"DROP TRIGGER IF EXISTS {TABLE}_readings ON {TABLE}",
            f"CREATE TRIGGER {TABLE}_readings AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION readings_changed_one()",
            "DROP FUNCTION IF EXISTS value_readings_changed()",
        ]
    return [
        f"""CREATE OR REPLACE FUNCTION value_readings_changed() RETURNS trigger AS $$
        BEGIN
            IF TG_OP <> 'INSERT' AND OLD.state IN ({STATES}) THEN
                {_bump("OLD")};
            ELSIF TG_OP <> 'DELETE' AND NEW.state IN ({STATES}) THEN
                {_bump("NEW")};
            END IF;
            RETURN NULL;
        END; $$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS {TABLE}_readings ON {TABLE}",
        f"CREATE TRIGGER {TABLE}_readings AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION value_readings_changed()",
    ]


def _run(schema_editor, forwards: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = _postgresql(forwards)
    elif vendor == "sqlite":
        statements = _sqlite(forwards)
    else:
        raise NotImplementedError(f"Golden Thread runs on SQLite and PostgreSQL, not {vendor}")
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0005_calendar_generation_triggers")]
    operations = [
        migrations.RunPython(
            lambda apps, editor: _run(editor, True), lambda apps, editor: _run(editor, False)
        )
    ]
