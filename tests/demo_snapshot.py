"""The demo, loaded once per test session and put back, rows and files, in each test that asks for it.

``load_demo`` takes seconds (users' passwords, DCE and letters rendered, COUNTER reports read); a dozen
tests read the demo as it stands after one load on ``DEMO_TODAY``. ``take_snapshot`` loads it once, in a
transaction rolled back at once, and keeps a copy of every table the load changed (raw values: what is
put back is byte for byte what the load wrote) and of the files it uploaded. ``restore`` replaces those
tables' rows with the copy, inside the caller's transaction, and copies the files into ``MEDIA_ROOT``.
A test that does not ask for the demo never sees it; a test that does sees what a load would have left,
the rows created by migrations included, since the tables are compared with their migrated state.
"""

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

from procurement.core.backup import model_digests
from tests.clock import load_demo


@dataclass(frozen=True)
class Snapshot:
    data: dict  # what ``load_demo --format json`` printed (the users' passwords among it)
    tables: dict[str, object]  # table → its rows after the load, as ``_read`` returns them
    migrated_counts: dict[str, int]  # table → its rows before the load (the data migrations' rows)
    media: Path
    digests: dict  # procurement.core.backup.model_digests() right after the load, for the check test


def _quote(table: str) -> str:
    return connection.ops.quote_name(table)


def _read(table: str) -> object:
    """The table's rows as stored: PostgreSQL's COPY text, SQLite's values without Django's converters
    (a column in an expression has no declared type, so ``sqlite3`` hands back the stored value)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {_quote(table)} TO STDOUT") as copy:
                return b"".join(bytes(block) for block in copy)
        columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
        selected = ", ".join(f"+{_quote(column)}" for column in columns)
        return cursor.execute(f"SELECT {selected} FROM {_quote(table)}").fetchall()


def _write(table: str, rows: object) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {_quote(table)} FROM STDIN") as copy:
                copy.write(rows)
        elif rows:
            marks = ", ".join("?" * len(rows[0]))
            cursor.cursor.executemany(f"INSERT INTO {_quote(table)} VALUES ({marks})", rows)


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        return cursor.fetchone()[0]


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return [info.name for info in connection.introspection.get_table_list(cursor) if info.type == "t"]


def take_snapshot(media: Path, *, password: str = "") -> Snapshot:
    """Loads the demo into the migrated, otherwise empty test database (``DEMO_PASSWORD=password`` when
    given) and keeps what changed; the load itself is rolled back. Call it with the database unblocked."""
    environ = {"DEMO_PASSWORD": password} if password else {}
    with override_settings(MEDIA_ROOT=media), _environ(**environ), transaction.atomic():
        migrated = {table: _read(table) for table in _tables()}
        data = json.loads(load_demo("--format", "json"))
        loaded = {table: _read(table) for table in _tables()}
        digests = model_digests()
        transaction.set_rollback(True)
    changed = {table: rows for table, rows in loaded.items() if migrated.get(table) != rows}
    counts = {table: len(migrated[table]) if connection.vendor != "postgresql"
              else migrated[table].count(b"\n") for table in changed}
    return Snapshot(data=data, tables=changed, migrated_counts=counts, media=media, digests=digests)


def restore(snapshot: Snapshot) -> dict:
    """Puts the demo back as ``take_snapshot`` found it after its load; returns what the load printed. The
    tables it fills must hold their migrated rows only: ask for the demo before creating anything."""
    counts = {table: _count(table) for table in snapshot.migrated_counts}
    crowded = {table: count for table, count in counts.items() if count != snapshot.migrated_counts[table]}
    if crowded:
        raise RuntimeError(f"la démonstration se restaure dans une base migrée et vide ; lignes en plus : {crowded}. "
                           "Demandez la fixture « demo » avant celles qui créent des lignes.")
    with transaction.atomic():
        for table, rows in snapshot.tables.items():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {_quote(table)}")
            _write(table, rows)
        if connection.vendor == "postgresql":
            # The rows keep their ids: the sequences go on after them, as after a load.
            models = [model for model in apps.get_models(include_auto_created=True)
                      if model._meta.db_table in snapshot.tables]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
    from django.conf import settings

    shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return snapshot.data


@contextmanager
def _environ(**values: str) -> Iterator[None]:
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
