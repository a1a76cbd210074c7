"""The head of the chain, and the database's own refusal to change audit entries.

PostgreSQL refuses UPDATE and DELETE of an entry by trigger. SQLite refuses UPDATE; a DELETE
trigger there would also stop the test runner emptying its database between tests (SQLite
empties tables with DELETE, PostgreSQL with TRUNCATE), so on SQLite a removed entry is caught by
the chain (`manage.py verify_audit`) and the model refuses it.
"""

from django.db import migrations

MESSAGE = "audit entries are append-only: never updated or deleted"

POSTGRESQL_UP = f"""
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""
POSTGRESQL_DOWN = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""
SQLITE_UP = f"""
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE ON audit_auditentry
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_entry_append_only;"


def _run(schema_editor, statements: dict[str, str]) -> None:
    sql = statements.get(schema_editor.connection.vendor)
    if sql:  # other databases: the model and the chain alone
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def add_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_UP, "sqlite": SQLITE_UP})


def drop_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_DOWN, "sqlite": SQLITE_DOWN})


def create_head(apps, schema_editor):
    apps.get_model("audit", "AuditHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
