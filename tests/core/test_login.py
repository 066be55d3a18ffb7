"""The login page: the attempts left before the lockout (the same for an unknown user name), and the
forgotten password reset by e-mail through the site's pages."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LEFT = re.compile(
    r"Il vous reste (\d) tentatives? avant que la connexion de cet identifiant depuis ce poste "
    r"soit suspendue 15 minutes\."
)


def failed_login(client, username: str) -> str:
    response = client.post(reverse("login"), {"username": username, "password": "faux"})
    assert response.status_code == 200
    return response.content.decode()


def attempts_left(html: str) -> int:
    return int(LEFT.search(html).group(1))


def test_a_failed_login_says_how_many_attempts_are_left_before_the_lockout(client, buyer):
    pages = [failed_login(client, "acheteur") for _ in range(4)]
    assert [attempts_left(html) for html in pages] == [4, 3, 2, 1]
    assert "Il vous reste 1 tentative avant" in pages[-1]
    assert client.post(reverse("login"), {"username": "acheteur", "password": "faux"}).status_code == 429


def test_an_unknown_user_name_gets_the_same_message_as_a_known_one(client, buyer):
    known, unknown = failed_login(client, "acheteur"), failed_login(client, "personne")

    def message(html: str) -> str:
        return re.search(
            r'<div class="message message--error" role="alert" id="login-error">(.*?)</div>', html, re.S
        ).group(1)

    assert message(known) == message(unknown)
    assert attempts_left(unknown) == 4


def test_the_login_page_links_to_the_password_reset(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in html and "Mot de passe oublié ?" in html


def test_the_reset_link_sent_by_e_mail_sets_a_new_password(client):
    user = UserFactory(username="claire", email="claire.morel@metropole.example", buyer=True)
    response = client.post(reverse("password_reset"), {"email": "claire.morel@metropole.example"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert "Vérifiez votre messagerie" in client.get(response.url).content.decode()
    [message] = mail.outbox
    assert message.to == ["claire.morel@metropole.example"]
    assert message.subject == "Achats publics : choisir un nouveau mot de passe"
    assert "« claire »" in message.body
    link = re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/\S+/)", message.body).group(1)

    form = client.get(link, follow=True)  # Django hides the token behind a redirect
    assert form.status_code == 200 and "Nouveau mot de passe" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Une-phrase-longue-42", "new_password2": "Une-phrase-longue-42"}
    )
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Une-phrase-longue-42")
    login = client.post(reverse("login"), {"username": "claire", "password": "Une-phrase-longue-42"})
    assert login.status_code == 302 and login.url == reverse("home")
    # The link served once.
    assert "Ce lien n'est plus valable" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(client):
    response = client.post(reverse("password_reset"), {"email": "inconnu@metropole.example"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []
