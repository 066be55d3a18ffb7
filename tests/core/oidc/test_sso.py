"""Single sign-on against a real OpenID Connect provider on the loopback (conftest.py): a first sign-in
creates the user with the mapped role, the next ones find them again, a person whose roles map to none
is refused with a French page, the local login stays, and the logout goes on at the provider."""

import html

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse

from procurement.core.models import ExternalIdentity
from tests.core.oidc.provider import ACCOUNTS, free_port, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_the_first_sign_in_creates_the_user_with_the_mapped_role(client, sso):
    response = sign_in(client, "claire")

    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(email="claire.martin@metropole.example")
    assert (user.username, user.first_name, user.last_name) == ("claire.martin@metropole.example", "Claire", "Martin")
    assert roles_of(user) == {"buyers"}  # "lecteur" maps to no role and is left out
    assert ExternalIdentity.objects.get(user=user).subject == "claire"
    assert not user.has_usable_password()
    home = client.get(reverse("home"))
    assert home.status_code == 200 and home.wsgi_request.user == user


def test_the_next_sign_in_finds_the_same_user_and_resets_their_roles(client, sso):
    sign_in(client, "claire")
    user = User.objects.get(email="claire.martin@metropole.example")
    user.groups.set(user.groups.model.objects.filter(name="finance"))  # changed in the app meanwhile
    user.email = "ancienne.adresse@metropole.example"  # the identity, not the address, finds them
    user.save()
    client.logout()

    assert sign_in(client, "claire").status_code == 302

    assert User.objects.filter(first_name="Claire").count() == 1
    user.refresh_from_db()
    assert roles_of(user) == {"buyers"} and user.email == "claire.martin@metropole.example"
    assert client.get(reverse("home")).wsgi_request.user == user


def test_the_first_sign_in_matches_a_local_account_by_its_email(client, sso):
    local = UserFactory(username="nbenali", email="nadia.benali@metropole.example", buyer=True)

    assert sign_in(client, "nadia").status_code == 302

    assert User.objects.count() == 1
    assert roles_of(local) == {"finance"}
    assert ExternalIdentity.objects.get(subject="nadia").user == local
    assert local.check_password("mot-de-passe-de-test")  # the local login stays usable


def test_a_person_whose_roles_map_to_none_is_refused_with_a_french_page(client, sso):
    for login in ("paul", "sans-role"):
        response = sign_in(client, login)

        assert response.status_code == 403
        assert "Votre compte n'a aucun rôle dans l'application" in html.unescape(response.content.decode())
        assert not User.objects.filter(email=ACCOUNTS[login]["email"]).exists()
        assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_a_known_user_whose_roles_were_withdrawn_is_refused(client, sso, settings):
    sign_in(client, "claire")
    client.logout()
    settings.OIDC_ROLE_MAP = "commission=evaluators"  # "acheteur" no longer gives a role

    assert sign_in(client, "claire").status_code == 403
    assert roles_of(User.objects.get(email="claire.martin@metropole.example")) == {"buyers"}


def test_without_a_roles_claim_the_app_keeps_the_roles_it_gave(client, sso, settings):
    settings.OIDC_ROLES_CLAIM = ""  # ProConnect: identity only, the app's administrators give the roles
    local = UserFactory(username="nbenali", email="nadia.benali@metropole.example", evaluator=True)

    assert sign_in(client, "nadia").status_code == 302
    assert roles_of(local) == {"evaluators"}
    client.logout()
    assert sign_in(client, "claire").status_code == 403  # no account made beforehand: no role
    assert not User.objects.filter(email="claire.martin@metropole.example").exists()


def test_the_provider_button_keeps_the_page_asked_for(client, sso):
    response = sign_in(client, "claire", start=reverse("oidc_authentication_init") + "?next=/marches/")
    assert response["Location"] == "/marches/"


def test_the_login_page_offers_the_provider_above_the_local_form_which_still_works(client, sso):
    page = client.get(reverse("login")).content.decode()
    assert "Se connecter avec Keycloak de la Métropole" in page
    assert page.index('id="oidc-login"') < page.index('name="password"')

    UserFactory(username="demo", buyer=True)
    response = client.post(reverse("login"), {"username": "demo", "password": "mot-de-passe-de-test"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    # A local account signs out of the app only.
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def test_the_logout_goes_on_at_the_provider(client, sso):
    sign_in(client, "claire")

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    end_session = response.context["provider_logout"]
    assert end_session.startswith(f"{sso.issuer}/session/end?id_token_hint=")
    refresh = f'<meta http-equiv="refresh" content="0;url={end_session.replace("&", "&amp;")}">'
    assert refresh in response.content.decode()
    assert requests.get(end_session, timeout=10).status_code == 200  # the provider's sign-out page


def test_without_configuration_the_login_page_is_as_before_and_sso_is_off(client, settings):
    assert not settings.OIDC_ENABLED
    page = client.get(reverse("login")).content.decode()
    assert "Se connecter avec" not in page and "Avec un compte local" not in page
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback") + "?code=x&state=y").status_code == 404


def test_a_provider_that_does_not_answer_gets_a_french_page(client, sso, settings):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"  # nothing listens there

    response = client.get(reverse("oidc_authentication_init"))

    assert response.status_code == 503 and "<h1>Connexion impossible</h1>" in response.content.decode()
    assert "Keycloak de la Métropole ne répond pas" in html.unescape(response.content.decode())


def test_refused_sign_ins_from_the_provider_lock_nobody_out(client, sso, settings):
    """Behind one address, refusals at the return from the provider (no role) would otherwise lock every
    colleague out: the provider throttles its own passwords, the app throttles only its local form."""
    from axes.models import AccessAttempt

    settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT = True, 2
    for _ in range(3):
        assert sign_in(client, "paul").status_code == 403

    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "claire").status_code == 302
    client.logout()
    for _ in range(2):
        client.post(reverse("login"), {"username": "claire", "password": "pas le bon"})
    assert AccessAttempt.objects.get().failures_since_start == 2  # the local form is still throttled
