import pytest
from django.urls import reverse
from django.utils.html import escape

pytestmark = pytest.mark.django_db


def _home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _choose_language(client, code: str) -> None:
    response = client.post(reverse("set_language"), {"language": code, "next": reverse("home")})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_the_interface_is_french_by_default(client_for, buyer):
    html = _home(client_for(buyer))
    assert '<html lang="fr">' in html
    assert ">Fournisseurs</a>" in html
    assert ">Consultations</a>" in html
    assert "Se déconnecter" in html
    assert "Vendors" not in html and "Log out" not in html


def test_a_buyer_can_switch_the_interface_to_english(client_for, buyer):
    client = client_for(buyer)
    _choose_language(client, "en")
    html = _home(client)
    assert '<html lang="en">' in html
    # Main navigation, from procurement/core/navigation.py and base.html.
    assert ">Home</a>" in html
    assert ">Tenders</a>" in html
    assert ">Vendors</a>" in html
    assert ">Programmes</a>" in html
    assert ">Reference data</a>" in html
    assert ">Log out</button>" in html
    assert 'aria-label="Main navigation"' in html
    assert "Skip to content" in html
    # Home page body and the language switch itself.
    assert f"Hello {escape(buyer.get_full_name() or buyer.username)}" in html
    assert "Vendors and certificates" in html
    assert '<label for="language">Language</label>' in html
    assert ">English</option>" in html and ">French</option>" in html
    assert "Fournisseurs" not in html and "Se déconnecter" not in html


def test_the_language_choice_sticks_and_can_be_switched_back(client_for, buyer):
    client = client_for(buyer)
    _choose_language(client, "en")
    assert ">Vendors</a>" in _home(client)
    assert "Certificates (vigilance, tax, Kbis)" in client.get(reverse("vendors:list")).content.decode()
    _choose_language(client, "fr")
    html = _home(client)
    assert '<html lang="fr">' in html
    assert ">Fournisseurs</a>" in html and "Se déconnecter" in html
