import pytest

from procurement.demo.loaders.programmes import DEMO_PROGRAMME_PATH, load_demo_programme


@pytest.fixture
def demo_programme(db, staff_user):
    """The Bibliothèque numérique métropolitaine, loaded from fixtures/bnm/programme.json."""
    return load_demo_programme(by=staff_user, path=DEMO_PROGRAMME_PATH)
