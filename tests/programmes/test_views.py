import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from tests.programmes.factories import BudgetCreditFactory, BudgetLineFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
LIST_URL = reverse("programmes:list")
DETAIL_URL = reverse("programmes:detail", args=["BNM"])


@pytest.mark.parametrize("url", [LIST_URL, DETAIL_URL])
@pytest.mark.parametrize(
    ("traits", "status"),
    [
        ({"buyer": True}, 200), ({"finance": True}, 200), ({"admin": True}, 200),
        ({"evaluator": True}, 403), ({}, 403),
    ],
)
def test_who_may_read_the_programmes(client, demo_programme, url, traits, status):
    client.force_login(UserFactory(**traits))
    assert client.get(url).status_code == status


@pytest.mark.parametrize("url", [LIST_URL, DETAIL_URL])
def test_anonymous_users_are_sent_to_the_login_page(client, demo_programme, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_unknown_programme_is_not_found(client):
    client.force_login(UserFactory(buyer=True))
    assert client.get(reverse("programmes:detail", args=["XYZ"])).status_code == 404


def test_the_list_shows_each_programme_with_its_lines_and_total(client, demo_programme):
    client.force_login(UserFactory(finance=True))
    html = client.get(LIST_URL).content.decode()
    assert f'href="{DETAIL_URL}"' in html
    assert "Bibliothèque numérique métropolitaine" in html
    assert "Métropole de Rivemont" in html
    assert '<td class="num">6</td>' in html
    assert f"1{NBSP}907{NBSP}500,00{NBSP}€" in html


def test_the_detail_page_shows_the_budget_table_with_formatted_amounts(client, demo_programme):
    client.force_login(UserFactory(buyer=True))
    html = client.get(DETAIL_URL).content.decode()
    assert "<caption>" in html and '<th scope="col" class="num">2023</th>' in html
    assert "chap. 011 / art. 6065 / fonct. 313" in html
    assert (
        f'<abbr title="autorisation d&#x27;engagement">AE</abbr> AE-BNM-RES : 1{NBSP}200{NBSP}000,00{NBSP}€'
    ) in html
    assert f'<abbr title="autorisation de programme">AP</abbr> AP-BNM-AMO : 80{NBSP}000,00{NBSP}€' in html
    assert f"350{NBSP}000,00{NBSP}€" in html
    assert f"<strong>385{NBSP}000,00{NBSP}€</strong>" in html  # operating subtotal 2025
    assert "Sous-total investissement" in html and "Sous-total fonctionnement" in html
    assert f"<strong>1{NBSP}477{NBSP}500,00{NBSP}€</strong>" in html  # operating subtotal, all years
    assert f'<td class="num">735{NBSP}000,00{NBSP}€</td>' in html  # 2025, whole programme
    assert f'<td class="num">1{NBSP}907{NBSP}500,00{NBSP}€</td>' in html  # grand total
    assert f"reste 70{NBSP}000,00{NBSP}€ dans l'enveloppe" in html
    assert "249 999 996 00013" in html
    assert reverse("admin:programmes_programme_change", args=[demo_programme.pk]) not in html


def test_administrators_get_a_link_to_edit_in_the_admin(client, demo_programme):
    client.force_login(UserFactory(admin=True))
    html = client.get(DETAIL_URL).content.decode()
    assert reverse("admin:programmes_programme_change", args=[demo_programme.pk]) in html


def test_a_programme_without_lines_renders(client):
    ProgrammeFactory(reference="VIDE", with_envelope=True)
    client.force_login(UserFactory(buyer=True))
    html = client.get(reverse("programmes:detail", args=["VIDE"])).content.decode()
    assert "pas encore de ligne budgétaire" in html


def detail_queries(client, reference: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("programmes:detail", args=[reference])).status_code == 200
    return len(queries)


def test_the_detail_page_makes_a_constant_number_of_queries(client, django_assert_num_queries):
    client.force_login(UserFactory(finance=True))
    small = ProgrammeFactory(reference="PETIT")
    BudgetCreditFactory(budget_line=BudgetLineFactory(programme=small), year=2025)
    client.get(reverse("programmes:detail", args=["PETIT"]))  # warm the session
    expected = detail_queries(client, "PETIT")

    large = ProgrammeFactory(reference="GRAND", with_envelope=True)
    for index in range(15):
        line = BudgetLineFactory(programme=large, operating=index % 3 == 0, with_authorisation=index % 2 == 0)
        for year in range(2023, 2029):
            BudgetCreditFactory(budget_line=line, year=year, amount_ttc="1000.00")
    with django_assert_num_queries(expected):
        response = client.get(reverse("programmes:detail", args=["GRAND"]))
    assert response.status_code == 200
    assert f"90{NBSP}000,00{NBSP}€" in response.content.decode()  # 15 lines × 6 years × 1 000


def test_the_list_page_makes_a_constant_number_of_queries(client, demo_programme):
    client.force_login(UserFactory(buyer=True))
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as before:
        client.get(LIST_URL)
    for index in range(5):
        BudgetLineFactory(programme=ProgrammeFactory(reference=f"P{index}"))
    with CaptureQueriesContext(connection) as after:
        client.get(LIST_URL)
    assert len(after) == len(before)
