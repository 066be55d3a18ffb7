# Compiled libraries that the app imports lazily (pandas and numpy for the commitments, pydantic
# through celus-nibbler for COUNTER) are imported here, before any test freezes time: imported
# while freezegun has replaced datetime.date, their C extensions see a foreign type ("datetime.date
# size changed") and fail or crash the worker.
import celus_nibbler  # noqa: F401
import numpy  # noqa: F401
import pandas  # noqa: F401
import pytest
from django.db import connection
from freezegun import freeze_time

from tests.factories import UserFactory


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need row locks and real concurrency: they run in the PostgreSQL pass;
    tests marked ``browser`` run in the SQLite pass only."""
    from django.conf import settings

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
