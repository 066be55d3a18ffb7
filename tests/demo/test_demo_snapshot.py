"""The demo put back from the session's copy (tests/demo_snapshot.py) is the demo its load left: every
model's rows and every uploaded file; a test that does not ask for it finds the migrated database only."""

import pytest
from django.core.files.storage import default_storage

from procurement.core.backup import database_is_empty, model_digests, storage_files
from procurement.tenders.models import Tender
from tests.demo_snapshot import restore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_restored_demo_is_the_demo_the_load_left(demo, demo_snapshot):
    assert model_digests() == demo_snapshot.digests
    names = storage_files()
    assert len(names) >= 10
    assert names == sorted(str(path.relative_to(demo_snapshot.media)) for path in demo_snapshot.media.rglob("*")
                           if path.is_file())
    for name in names:
        with default_storage.open(name, "rb") as handle:
            assert handle.read() == (demo_snapshot.media / name).read_bytes(), name
    assert demo["users"][0]["username"] == "claire.morel"


def test_a_test_without_the_demo_finds_the_migrated_database_only(demo_snapshot):
    assert database_is_empty() and not Tender.objects.exists()


def test_the_demo_is_not_restored_over_rows_a_test_created(demo_snapshot):
    UserFactory(username="avant-la-demo")
    with pytest.raises(RuntimeError, match="avant celles qui créent des lignes"):
        restore(demo_snapshot)
