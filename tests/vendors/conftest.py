import pytest


@pytest.fixture(autouse=True)
def vendors_private_media(settings, tmp_path):
    """Uploaded files go to a temporary folder, never to the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
