import pytest

from procurement.core.oidc.config import discovery
from tests.core.oidc.provider import running_provider, sso_settings


@pytest.fixture(scope="session")
def oidc_provider():
    with running_provider() as provider:
        yield provider


@pytest.fixture
def sso(settings, oidc_provider):
    sso_settings(settings, oidc_provider.issuer)
    yield oidc_provider
    discovery.cache_clear()
