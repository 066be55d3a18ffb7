import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_with_a_wrong_password_says_so_in_french(client, buyer):
    response = client.post(reverse("login"), {"username": "acheteur", "password": "faux"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_login_then_logout(client, buyer):
    response = client.post(reverse("login"), {"username": "acheteur", "password": "mot-de-passe-de-test"})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_the_layout_is_french_with_a_skip_link_and_local_assets(client_for, buyer):
    html = client_for(buyer).get(reverse("home")).content.decode()
    assert '<html lang="fr">' in html
    assert 'href="#contenu"' in html
    assert "/static/css/app.css" in html
    assert "http://" not in html and "https://" not in html


def test_a_buyer_sees_the_buyer_navigation(client_for, buyer):
    html = client_for(buyer).get(reverse("home")).content.decode()
    assert reverse("vendors:list") in html
    assert reverse("programmes:list") in html
    assert reverse("admin:index") not in html


def test_an_evaluator_sees_neither_vendors_nor_budgets(client_for, evaluator):
    html = client_for(evaluator).get(reverse("home")).content.decode()
    assert reverse("vendors:list") not in html
    assert reverse("programmes:list") not in html
    assert "Commission d'évaluation" in html


def test_the_reference_page_shows_the_threshold_in_force(client_for, finance_user):
    from freezegun import freeze_time

    with freeze_time("2026-11-25"):
        html = client_for(finance_user).get(reverse("core:reference-values")).content.decode()
    assert "216\u00a0000,00\u00a0€ HT" in html
    assert "Règlements délégués (UE) 2025/2150" in html


def test_a_user_without_a_group_is_told_to_ask_for_one(client_for, db):
    from tests.factories import UserFactory

    html = client_for(UserFactory(username="sansprofil")).get(reverse("home")).content.decode()
    assert "rattaché à aucun profil" in html
    assert client_for(UserFactory(username="sansprofil")).get(reverse("core:reference-values")).status_code == 403


def test_the_admin_speaks_french_and_keeps_the_history(client_for, staff_user):
    from procurement.core.models import ReferenceValue

    client = client_for(staff_user)
    assert "Administration" in client.get(reverse("admin:index")).content.decode()
    row = ReferenceValue.objects.get(kind="late_payment_compensation")
    url = reverse("admin:core_referencevalue_change", args=[row.pk])
    data = {
        "kind": row.kind, "value": "40.0000", "valid_from": "16/03/2013", "valid_to": "",
        "source": "CCP D.2192-35 (vérifié)", "note": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    last = row.history.first()
    assert last.history_user == staff_user
    assert last.source == "CCP D.2192-35 (vérifié)"
    history_page = client.get(reverse("admin:core_referencevalue_history", args=[row.pk])).content.decode()
    assert "vérifié" in history_page or staff_user.username in history_page


def test_the_menu_marks_only_the_most_precise_entry_as_current(evaluator):
    from procurement.core.navigation import menu_for

    menu = menu_for(evaluator, "/consultations/mes-evaluations/")
    assert [entry["label"] for entry in menu if entry["current"]] == ["Mes évaluations"]
    menu = menu_for(evaluator, "/consultations/BNM-2024-02/")
    assert [entry["label"] for entry in menu if entry["current"]] == ["Consultations"]
