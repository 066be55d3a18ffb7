"""The scale bench's PostgreSQL database: one per checkout, refused when it is not the bench's, cloned from
the demo snapshot kept beside it while the demo's key matches, and the bench's own state (seed, day,
fraction grown, queries at the demo) in a table of its own."""

from __future__ import annotations

import hashlib
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# One database per checkout, so that benches run from two worktrees never reset each other's.
_CHECKOUT = "".join(c if c.isalnum() else "_" for c in ROOT.name.removeprefix("wt-").lower())
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/procurement_scale" + ("" if _CHECKOUT == "main" else f"_{_CHECKOUT}")
STATE_TABLE = "scale_bench_state"
GROWER = ROOT / "procurement" / "demo" / "loaders" / "scale"  # not the demo: its changes keep the demo snapshot


def _connect(url: str, name: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path=f"/{name}")), autocommit=True)


def demo_key(today: date) -> str:
    """What the demo database depends on: the day, the demo's loaders and fixtures, the migrations."""
    digest = hashlib.sha256(today.isoformat().encode())
    sources = [*ROOT.glob("fixtures/**/*"), *ROOT.glob("procurement/demo/**/*.py")]
    for path in sorted(p for p in sources if p.is_file() and GROWER not in p.parents):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    for path in sorted(ROOT.glob("procurement/*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
    return digest.hexdigest()[:16]


def _marked(url: str, name: str) -> tuple[bool, int, str | None]:
    """Whether ``name`` holds this bench's mark, how many tables it has, and its demo key."""
    with _connect(url, name) as database:
        marked = database.execute("SELECT to_regclass(%s)", [STATE_TABLE]).fetchone()[0] is not None
        tables = database.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        key = database.execute(f"SELECT value FROM {STATE_TABLE} WHERE key = 'demo_key'").fetchone() if marked \
            else None
    return marked, tables, key[0] if key else None


def prepare_database(url: str, *, today: date, reuse: bool, force: bool) -> str:
    """Makes the bench's database ready: « kept » (``reuse`` of one this bench grew), « cloned » (from the
    demo snapshot this bench keeps beside it, ``<name>_demo``, when its key still matches) or « fresh »
    (empty, to migrate and load the demo into)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"Arrêt : {url} n'est pas une base PostgreSQL.")
    name = parts.path.lstrip("/")
    if not name or name in ("test", "postgres", "template0", "template1") or name.startswith("test_"):
        sys.exit(f"Arrêt : la base « {name} » n'est pas une base de banc d'essai (celle du CI ou du serveur).")
    snapshot = f"{name}_demo"
    with _connect(url, "postgres") as server:
        existing = {row[0] for row in server.execute("SELECT datname FROM pg_database WHERE datname IN (%s, %s)",
                                                       [name, snapshot])}
    if name in existing:
        marked, tables, _ = _marked(url, name)
        if reuse and marked:
            return "kept"
        if tables and not marked and not force:
            sys.exit(f"Arrêt : la base « {name} » contient des tables et n'a pas été créée par ce banc ; "
                     "--force pour la remplacer.")
    usable = False
    if snapshot in existing:
        marked, _, key = _marked(url, snapshot)
        if not marked:
            sys.exit(f"Arrêt : la base « {snapshot} » existe et n'a pas été créée par ce banc.")
        usable = key == demo_key(today)
    with _connect(url, "postgres") as server:
        if name in existing:
            server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if usable:
            server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{snapshot}"')
            return "cloned"
        if snapshot in existing:
            server.execute(f'DROP DATABASE "{snapshot}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    with _connect(url, name) as database:
        database.execute(f"CREATE TABLE {STATE_TABLE} (key text PRIMARY KEY, value text NOT NULL)")
    return "fresh"


def snapshot_demo(url: str) -> None:
    """Keeps the migrated demo as ``<name>_demo``, from which the next runs start in seconds."""
    from django.db import connection

    connection.close()
    name = urlsplit(url).path.lstrip("/")
    with _connect(url, "postgres") as server:
        server.execute(f'CREATE DATABASE "{name}_demo" TEMPLATE "{name}"')


def state(key: str, value: str | None = None) -> str | None:
    from django.db import connection

    with connection.cursor() as cursor:
        if value is not None:
            cursor.execute(f"INSERT INTO {STATE_TABLE} VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = %s",
                           [key, value, value])
            return value
        cursor.execute(f"SELECT value FROM {STATE_TABLE} WHERE key = %s", [key])
        row = cursor.fetchone()
        return row[0] if row else None
