"""Rows built once for a whole test module: expensive situations (the demo, the permission matrix's
world) are created inside a transaction opened for the module and rolled back at its end; each
test's own transaction nests in it as a savepoint, so what a test changes is undone after it."""

from contextlib import contextmanager

from django.db import transaction
from django.test import override_settings


@contextmanager
def module_rows(django_db_blocker, tmp_path_factory):
    """Use in a module-scoped fixture that also requests ``django_db_setup`` (else, when it runs
    first in a worker, it writes before the test database exists): ``with module_rows(
    django_db_blocker, tmp_path_factory): … yield``. Uploaded files go to a directory of the module."""
    with (django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
          transaction.atomic()):
        yield
        transaction.set_rollback(True)
