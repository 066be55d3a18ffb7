# Compiled libraries that the app imports lazily (pandas and numpy for the commitments, pydantic
# through celus-nibbler for COUNTER) are imported here, before any test freezes time: imported
# while freezegun has replaced datetime.date, their C extensions see a foreign type ("datetime.date
# size changed") and fail or crash the worker.
import celus_nibbler  # noqa: F401
import numpy  # noqa: F401
import pandas  # noqa: F401
import pytest
from django.db import connection
from django.test import override_settings
from freezegun import freeze_time

from tests.demo_snapshot import Snapshot, restore, take_snapshot
from tests.factories import UserFactory

# Django's default hasher takes most of a second per password on a small machine, and every user a
# factory or the demo creates has one. No test is about the hashing's cost; login and check_password
# work the same with any hasher.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need row locks and real concurrency: they run in the PostgreSQL pass;
    tests marked ``browser`` run in the SQLite pass only.

    A test without a transaction ends by emptying the database: without ``serialized_rollback`` it would
    take the data migrations' rows (groups, reference values, templates) from the tests after it in its
    process, and ``demo`` would refuse to restore over a database that is not the migrated one."""
    from django.conf import settings

    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = marker.kwargs if marker else {}
        fixtures = set(getattr(item, "fixturenames", ()))
        # pytest-django also runs a test without a transaction when it asks for one of these fixtures.
        transactional = kwargs.get("transaction") or fixtures & {"transactional_db", "live_server"}
        if transactional and not (kwargs.get("serialized_rollback") or "django_db_serialized_rollback" in fixtures):
            raise pytest.UsageError(f"{item.nodeid} : ajoutez serialized_rollback=True à django_db")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        # The real-browser journeys (tests/browser) run once, in the SQLite pass.
        skip_browser = pytest.mark.skip(reason="parcours navigateur : exécutés une seule fois, dans la passe SQLite")
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(skip_browser)
        return
    skip = pytest.mark.skip(reason="nécessite PostgreSQL (passe DATABASE_URL de .ci/run)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


@pytest.fixture(scope="session")
def demo_snapshot(_fast_password_hasher, django_db_setup, django_db_blocker, tmp_path_factory) -> Snapshot:
    """The demo loaded once for the session (tests/demo_snapshot.py); ``demo`` puts it back in a test."""
    with django_db_blocker.unblock():
        return take_snapshot(tmp_path_factory.mktemp("demo-media"))


@pytest.fixture
def demo(demo_snapshot, db, settings, tmp_path) -> dict:
    """The database and the uploaded files as ``load_demo --today DEMO_TODAY --format json`` leaves them
    in a migrated, empty database; returns what it printed. Ask for it before the fixtures that create
    rows (users…): they come after the demo's. Its files go to the test's ``tmp_path``, its ``MEDIA_ROOT``."""
    settings.MEDIA_ROOT = tmp_path
    return restore(demo_snapshot)


@pytest.fixture(autouse=True)
def _frozen_clock(request):
    """``@pytest.mark.freeze_time("2026-11-25 10:00")`` on a test or a module (``pytestmark``) freezes the
    clock for the test and its function fixtures: factories' fixed dates then mean the same on any day."""
    marker = request.node.get_closest_marker("freeze_time")
    if marker is None:
        yield
        return
    with freeze_time(*marker.args, **marker.kwargs):
        yield


@pytest.fixture
def buyer(db):
    return UserFactory(username="acheteur", buyer=True)


@pytest.fixture
def finance_user(db):
    return UserFactory(username="finances", finance=True)


@pytest.fixture
def evaluator(db):
    return UserFactory(username="evaluateur", evaluator=True)


@pytest.fixture
def staff_user(db):
    return UserFactory(username="administrateur", admin=True)


@pytest.fixture
def client_for(client):
    """``client_for(user)`` logs the test client in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def api_for(settings, tmp_path):
    """``api_for(user)``: a DRF client authenticated as ``user`` (``None``: anonymous)."""
    from rest_framework.test import APIClient

    settings.MEDIA_ROOT = tmp_path

    def client(user=None):
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        return api

    return client
