"""Single sign-on in a real browser against a real provider on the loopback (tests/core/oidc/provider.py):
from the login page's button, through the provider's login and consent, to the home page as the mapped
role, then out of the app and of the provider, under the app's unchanged Content-Security-Policy (this
context does not bypass it); and the refusal page of a person without role, audited with axe-core."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from procurement.core.oidc.config import discovery
from tests.browser.conftest import SCREENSHOTS, axe_violations, describe, policy_watching_page
from tests.core.oidc.provider import running_provider, sso_settings

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WIDTHS = {1366: 900, 390: 844}


@pytest.fixture(scope="module")
def provider(live_server):
    with running_provider(live_server.url) as provider:
        yield provider


@pytest.fixture
def sso_page(browser, settings, provider, request):
    sso_settings(settings, provider.issuer)
    page = policy_watching_page(browser, viewport={"width": 1366, "height": 900}, bypass_csp=request.param == "audited")
    yield page
    page.context.close()
    discovery.cache_clear()


def sign_in_at_provider(page, login: str) -> None:
    page.get_by_role("link", name="Se connecter avec Keycloak de la Métropole").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("ignoré par le fournisseur de test")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def screenshots(page, name: str) -> None:
    """At 1366 and 390 px wide, after checking nothing scrolls sideways."""
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), width
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"))
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.mark.parametrize("sso_page", ["strict"], indirect=True)
def test_sign_in_and_out_through_the_provider_under_the_apps_policy(sso_page, live_server, provider):
    page = sso_page
    page.goto(live_server.url + reverse("login"))
    screenshots(page, "sso-connexion")

    sign_in_at_provider(page, "claire")

    page.wait_for_url(live_server.url + reverse("home"))
    user = get_user_model().objects.get(email="claire.martin@metropole.example")
    assert set(user.groups.values_list("name", flat=True)) == {"buyers"}
    assert page.get_by_role("link", name="Consultations").first.is_visible()  # a buyer's menu

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(lambda url: url.startswith(f"{provider.issuer}/session/end"))
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(lambda url: url.startswith(live_server.url + reverse("login")))  # with the state
    assert page.violations == []


@pytest.mark.parametrize("sso_page", ["audited"], indirect=True)
def test_a_person_without_role_reads_why_in_french(sso_page, live_server):
    page = sso_page
    page.goto(live_server.url + reverse("login"))
    assert not (violations := axe_violations(page)), describe(violations, reverse("login"))

    sign_in_at_provider(page, "paul")

    page.wait_for_url(lambda url: urlsplit(url).path == reverse("oidc_authentication_callback"))
    assert "Votre compte n'a aucun rôle dans l'application" in page.locator("#oidc-refusal").inner_text()
    assert not (violations := axe_violations(page)), describe(violations, "/sso/retour/")
    screenshots(page, "sso-connexion-refusee")
    assert not get_user_model().objects.filter(email="paul.durand@metropole.example").exists()
