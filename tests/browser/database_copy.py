"""A copy of the whole test database, kept in memory and put back in well under a second.

The demo council takes seconds to load; browser tests that need it load it once per session,
keep a copy, and put the copy back for each later test. On SQLite (an in-memory test database)
the copy is SQLite's own backup of the database; on PostgreSQL it is each table's rows as
`COPY` text, put back into emptied tables in one transaction (Django's foreign keys are checked
at commit), with the id sequences moved on past the rows.
"""

from __future__ import annotations

import sqlite3

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


class DatabaseCopy:
    """Everything in the default database at the moment it was taken."""

    def __init__(self):
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self._sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self._sqlite)
        else:
            self._tables = _tables()
            self._rows = {}
            with connection.cursor() as cursor:
                for table in self._tables:
                    with cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                        self._rows[table] = b"".join(bytes(block) for block in copy)

    def put_back(self) -> None:
        """Make the database hold exactly what it held when the copy was taken."""
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self._sqlite.backup(connection.connection)
            return
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            # Rows go back exactly as they were: no trigger (such as those moving readings'
            # generations on, scorecards migration 0003) adds rows of its own meanwhile.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                f"TRUNCATE {', '.join(quote(t) for t in self._tables)} RESTART IDENTITY CASCADE"
            )
            for table, rows in self._rows.items():
                if rows:
                    with cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                        copy.write(rows)
            for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(statement)


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))
