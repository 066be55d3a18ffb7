import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_for(settings, tmp_path):
    """``api_for(user)``: a DRF client authenticated as ``user`` (``None``: anonymous)."""
    settings.MEDIA_ROOT = tmp_path

    def client(user=None):
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        return api

    return client
