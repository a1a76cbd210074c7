"""The database moves an indicator's reading generation on whenever a row a reading is made of
changes, however it is written: a model's save, a queryset's update, a bulk load or plain SQL.

Per indicator: its figures, targets, versions and SPC recalculation points, and the indicator
itself. Every indicator: reporting cycles (deadlines), periods and the council (its rules).
A kept reading is used only under its indicator's current generation (`scorecards.stored`).
"""

from django.db import migrations

GENERATION = "scorecards_readinggeneration"
BY_INDICATOR = (
    "indicators_value",
    "indicators_target",
    "indicators_indicatorversion",
    "indicators_spcrecalculation",
)
EVERYONE = ("indicators_reportingcycle", "indicators_period", "organisation_council")

BUMP_ONE = (
    f"INSERT INTO {GENERATION} (indicator_id, number) VALUES ({{id}}, 1) "
    f"ON CONFLICT (indicator_id) DO UPDATE SET number = {GENERATION}.number + 1"
)
BUMP_ALL = (
    f"INSERT INTO {GENERATION} (indicator_id, number) "
    f"SELECT id, 1 FROM indicators_indicator WHERE 1 = 1 "
    f"ON CONFLICT (indicator_id) DO UPDATE SET number = {GENERATION}.number + 1"
)


def _postgresql() -> tuple[list[str], list[str]]:
    up = [
        f"""CREATE OR REPLACE FUNCTION readings_changed_one() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                {BUMP_ONE.format(id="OLD.indicator_id")};
            ELSE
                {BUMP_ONE.format(id="NEW.indicator_id")};
            END IF;
            RETURN NULL;
        END; $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION readings_changed_itself() RETURNS trigger AS $$
        BEGIN
            {BUMP_ONE.format(id="NEW.id")};
            RETURN NULL;
        END; $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION readings_changed_all() RETURNS trigger AS $$
        BEGIN
            {BUMP_ALL};
            RETURN NULL;
        END; $$ LANGUAGE plpgsql""",
    ]
    down = []
    for table in BY_INDICATOR:
        up.append(
            f"CREATE TRIGGER {table}_readings AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION readings_changed_one()"
        )
        down.append(f"DROP TRIGGER IF EXISTS {table}_readings ON {table}")
    up.append(
        "CREATE TRIGGER indicators_indicator_readings AFTER UPDATE ON indicators_indicator "
        "FOR EACH ROW EXECUTE FUNCTION readings_changed_itself()"
    )
    down.append("DROP TRIGGER IF EXISTS indicators_indicator_readings ON indicators_indicator")
    for table in EVERYONE:
        up.append(
            f"CREATE TRIGGER {table}_readings AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION readings_changed_all()"
        )
        down.append(f"DROP TRIGGER IF EXISTS {table}_readings ON {table}")
    down += [
        "DROP FUNCTION IF EXISTS readings_changed_one()",
        "DROP FUNCTION IF EXISTS readings_changed_itself()",
        "DROP FUNCTION IF EXISTS readings_changed_all()",
    ]
    return up, down


def _sqlite() -> tuple[list[str], list[str]]:
    up, down = [], []

    def trigger(name, when, table, body):
        up.append(f"CREATE TRIGGER {name} AFTER {when} ON {table} BEGIN {body}; END")
        down.append(f"DROP TRIGGER IF EXISTS {name}")

    for table in BY_INDICATOR:
        trigger(f"{table}_readings_i", "INSERT", table, BUMP_ONE.format(id="NEW.indicator_id"))
        trigger(f"{table}_readings_u", "UPDATE", table, BUMP_ONE.format(id="NEW.indicator_id"))
        trigger(f"{table}_readings_d", "DELETE", table, BUMP_ONE.format(id="OLD.indicator_id"))
    trigger("indicators_indicator_readings_u", "UPDATE", "indicators_indicator",
            BUMP_ONE.format(id="NEW.id"))
    for table in EVERYONE:
        for when in ("INSERT", "UPDATE", "DELETE"):
            trigger(f"{table}_readings_{when[0].lower()}", when, table, BUMP_ALL)
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
    dependencies = [("scorecards", "0002_stored_readings"), ("indicators", "0009_history_and_spc_recalculation"), ("organisation", "0002_role_groups")]
    operations = [
        migrations.RunPython(
            lambda apps, editor: _run(editor, True), lambda apps, editor: _run(editor, False)
        )
    ]
