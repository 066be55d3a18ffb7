"""403, 404 and 500 answer in French in the site's layout with DEBUG off (the test client's default),
and the 500 page needs neither the database nor the user."""

import pytest
from django.test import Client

LAYOUT = 'class="site-header"'


@pytest.mark.django_db
def test_an_unknown_address_gets_the_french_404_in_the_layout(client_for, buyer, settings):
    assert settings.DEBUG is False
    response = client_for(buyer).get("/consultations/BNM-1999-99/")
    page = response.content.decode()
    assert response.status_code == 404
    assert LAYOUT in page and 'aria-label="Navigation principale"' in page
    assert "<h1>Page introuvable</h1>" in page
    assert "Cette adresse ne correspond à aucune page" in page
    assert "Not Found" not in page and "No Tender matches" not in page


@pytest.mark.django_db
def test_an_anonymous_visitor_also_gets_the_french_404(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.content.decode()
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
def test_a_refused_page_gets_the_french_403_in_the_layout(client_for, finance_user):
    response = client_for(finance_user).get("/consultations/nouvelle/")
    page = response.content.decode()
    assert response.status_code == 403
    assert LAYOUT in page and "<h1>Accès refusé</h1>" in page
    assert "Cette action n&#x27;est pas permise à votre profil ou dans cet état." in page
    assert "Forbidden" not in page


def test_a_failing_page_gets_the_french_500_without_touching_the_database(settings):
    """No django_db mark: any query from the handler or its template would fail the test."""
    settings.ROOT_URLCONF = "tests.core.error_urls"
    response = Client(raise_request_exception=False).get("/panne/")
    page = response.content.decode()
    assert response.status_code == 500
    assert LAYOUT in page and '<html lang="fr">' in page
    assert "<h1>Erreur du serveur</h1>" in page
    assert "/static/css/app.css" in page
    assert "Server Error" not in page and "panne simulée" not in page


def test_the_500_page_does_not_read_the_user(rf):
    from procurement.core.views.pages import server_error

    request = rf.get("/")

    class Unreadable:
        def __getattr__(self, name):
            raise AssertionError(f"the 500 page read request.user.{name}")

    request.user = Unreadable()
    response = server_error(request)
    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()


@pytest.mark.django_db
def test_a_form_refused_by_the_csrf_check_gets_a_french_page_in_the_layout():
    response = Client(enforce_csrf_checks=True).post("/connexion/", {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert LAYOUT in page and '<html lang="fr">' in page
    assert "<h1>Formulaire refusé</h1>" in page
    assert "CSRF verification failed" not in page and "Forbidden" not in page


def test_a_request_for_an_unknown_host_gets_a_french_400():
    response = Client().get("/", headers={"host": "ailleurs.example"})
    page = response.content.decode()
    assert response.status_code == 400
    assert LAYOUT in page and "<h1>Requête refusée</h1>" in page
    assert "Bad Request" not in page
