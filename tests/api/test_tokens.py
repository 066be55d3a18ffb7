"""API tokens: ``POST /api/token/`` gives a key shown once with its expiry; the database keeps a
digest only; a token stops opening the API when it expires or is revoked on « Mes jetons d'API »;
the clear keys of DRF's former token table are deleted by a migration."""

import importlib
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from freezegun import freeze_time
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.tenders.factories import TenderFactory

pytestmark = pytest.mark.django_db
PASSWORD = "mot-de-passe-de-test"  # UserFactory's


def api_with(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def opens_the_api(key: str) -> bool:
    status = api_with(key).get("/api/tenders/").status_code
    assert status in (200, 401), status
    return status == 200


def obtain(username: str, **kwargs):
    return APIClient().post("/api/token/", {"username": username, "password": PASSWORD}, **kwargs)


def test_a_password_gives_a_token_shown_once_with_its_expiry_30_days_later(db):
    UserFactory(username="api-acheteur", buyer=True)
    TenderFactory(reference="API-2026-06")
    with freeze_time("2026-03-02 09:00:00"):  # 10:00 in Paris
        response = obtain("api-acheteur")
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        body = response.json()
        assert set(body) == {"token", "expiry"}
        assert body["expiry"] == "2026-04-01T11:00:00+02:00"  # 30 days, summer time begun meanwhile
        assert re.fullmatch(r"[0-9a-f]{64}", body["token"])
        assert api_with(body["token"]).get("/api/tenders/API-2026-06/").json()["reference"] == "API-2026-06"


def test_the_endpoint_also_reads_json(db):
    UserFactory(username="api-finances", finance=True)
    response = obtain("api-finances", format="json")
    assert response.status_code == 200 and opens_the_api(response.json()["token"])


def test_the_database_holds_no_key_in_clear(db):
    UserFactory(username="api-acheteur", buyer=True)
    key = obtain("api-acheteur").json()["token"]
    with connection.cursor() as cursor:
        holding = []
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            if any(key in str(value) for row in cursor.fetchall() for value in row):
                holding.append(table)
    assert holding == []


@pytest.mark.parametrize("password", ["mauvais", "", PASSWORD.upper()])
def test_a_wrong_password_gets_no_token(db, password):
    UserFactory(username="api-acheteur", buyer=True)
    response = APIClient().post("/api/token/", {"username": "api-acheteur", "password": password})
    assert response.status_code == 400
    assert "token" not in response.json()
    from knox.models import AuthToken

    assert not AuthToken.objects.exists()


def test_an_inactive_user_gets_no_token(db):
    UserFactory(username="api-parti", buyer=True, is_active=False)
    assert obtain("api-parti").json() == {"non_field_errors": ["Identifiant ou mot de passe incorrect."]}


def test_a_token_stops_opening_the_api_when_it_expires(db):
    UserFactory(username="api-acheteur", buyer=True)
    with freeze_time("2026-03-02 09:00:00") as clock:
        key = obtain("api-acheteur").json()["token"]
        clock.tick(timedelta(days=30) - timedelta(minutes=1))
        assert opens_the_api(key)
        clock.tick(timedelta(minutes=2))
        response = api_with(key).get("/api/tenders/")
        assert response.status_code == 401
        assert response.json()["detail"] == "Token non valide."


def test_the_lifetime_is_a_setting(db, settings):
    settings.API_TOKEN_TTL = timedelta(days=2)
    UserFactory(username="api-acheteur", buyer=True)
    with freeze_time("2026-03-02 09:00:00"):
        assert obtain("api-acheteur").json()["expiry"] == "2026-03-04T10:00:00+01:00"


# « Mes jetons d'API »

TOKENS_PAGE = "/compte/jetons-api/"


def created_key(response) -> str:
    assert response.status_code == 200
    return re.search(r"<code>([0-9a-f]{64})</code>", response.content.decode()).group(1)


def test_the_page_is_for_logged_in_users_and_linked_from_the_header(client, client_for, buyer):
    response = client.get(TOKENS_PAGE)
    assert (response.status_code, response["Location"]) == (302, f"/connexion/?next={TOKENS_PAGE}")
    assert f'href="{TOKENS_PAGE}">Mes jetons d\'API</a>' in client_for(buyer).get("/").content.decode()


@pytest.mark.freeze_time("2026-03-02 09:00:00")  # from the login on: a session opened earlier would expire
def test_a_user_creates_a_token_whose_key_is_shown_once(client_for, buyer):
    client = client_for(buyer)
    response = client.post(TOKENS_PAGE, {"action": "create"})
    key = created_key(response)
    assert response["Cache-Control"] == "private, no-store"
    assert "Valable jusqu'au 01/04/2026 11:00" in response.content.decode()
    page = client.get(TOKENS_PAGE).content.decode()
    assert opens_the_api(key)
    assert key not in page and key[:15] not in page and "<code>" not in page.split("<table")[1]
    assert re.search(r"<td>02/03/2026 10:00</td>\s*<td>01/04/2026 11:00</td>", page)


def test_a_user_revokes_one_token_and_the_other_still_works(client_for, buyer):
    client = client_for(buyer)
    first = created_key(client.post(TOKENS_PAGE, {"action": "create"}))
    second = created_key(client.post(TOKENS_PAGE, {"action": "create"}))
    from knox.crypto import hash_token

    response = client.post(TOKENS_PAGE, {"action": "revoke", "token": hash_token(first)}, follow=True)
    assert "Le jeton est révoqué : il n&#x27;ouvre plus l&#x27;API." in response.content.decode()
    assert (opens_the_api(first), opens_the_api(second)) == (False, True)


def test_a_user_cannot_revoke_someone_elses_token(client_for, buyer, finance_user):
    from procurement.api.services import api_token_create

    token, key = api_token_create(by=finance_user)
    response = client_for(buyer).post(TOKENS_PAGE, {"action": "revoke", "token": token.digest}, follow=True)
    assert "Ce jeton n&#x27;existe pas ou plus." in response.content.decode()
    assert opens_the_api(key)


def test_a_user_revokes_all_their_tokens(client_for, buyer, finance_user):
    from procurement.api.services import api_token_create

    keys = [api_token_create(by=buyer)[1] for _ in range(3)]
    others = api_token_create(by=finance_user)[1]
    response = client_for(buyer).post(TOKENS_PAGE, {"action": "revoke_all"}, follow=True)
    assert "3 jetons révoqués." in response.content.decode()
    assert [opens_the_api(key) for key in keys] == [False, False, False]
    assert opens_the_api(others)
    assert "Vous n'avez aucun jeton." in response.content.decode()


def test_an_unknown_action_is_refused(client_for, buyer):
    assert client_for(buyer).post(TOKENS_PAGE, {"action": "tout"}).status_code == 400


def test_the_migration_deletes_the_clear_keys_of_drf_tokens(buyer):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {quote('authtoken_token')} (key varchar(40) PRIMARY KEY, user_id integer)")
        cursor.execute(f"INSERT INTO {quote('authtoken_token')} VALUES (%s, %s)", ["a" * 40, buyer.pk])
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('authtoken', '0001_initial', %s)",
                       ["2024-01-01 00:00:00"])
    ContentType.objects.create(app_label="authtoken", model="token")
    migration = importlib.import_module("procurement.api.migrations.0001_remove_clear_drf_tokens")
    editor = SimpleNamespace(connection=connection)
    migration.remove_clear_tokens(django_apps, editor)
    migration.remove_clear_tokens(django_apps, editor)  # twice: nothing left to remove, no error
    with connection.cursor() as cursor:
        assert "authtoken_token" not in connection.introspection.table_names(cursor)
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone() == (0,)
    ContentType.objects.clear_cache()
    assert not ContentType.objects.filter(app_label="authtoken").exists()
