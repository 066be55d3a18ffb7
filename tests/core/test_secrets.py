"""Secrets encrypted at rest: the database and the backups hold Fernet tokens, the app reads the
clear text; keys rotate through FIELD_ENCRYPTION_KEYS or SECRET_KEY_FALLBACKS; the migration
encrypts the clear values stored before it."""

import importlib
import json
from io import StringIO
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from procurement.core.secrets import TOKEN_PREFIX
from procurement.resources.models import SushiCredential
from procurement.resources.services import sushi_credential_set
from tests.resources.factories import LibraryFactory, PlatformFactory

pytestmark = pytest.mark.django_db
KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT requestor_id, api_key FROM resources_sushicredential WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.fixture
def credential(buyer):
    return sushi_credential_set(platform=PlatformFactory(name="Apprendre"), library=LibraryFactory(code="VAL"),
                                customer_id="VALBRUNE", requestor_id="req-1", api_key="s3cret-key", by=buyer)


def test_the_database_holds_tokens_and_the_app_reads_the_clear_secrets(credential):
    requestor_id, api_key = stored(credential.pk)
    assert requestor_id.startswith(TOKEN_PREFIX) and api_key.startswith(TOKEN_PREFIX)
    assert "s3cret" not in api_key and "req-1" not in requestor_id
    fresh = SushiCredential.objects.get(pk=credential.pk)
    assert (fresh.requestor_id, fresh.api_key, fresh.customer_id) == ("req-1", "s3cret-key", "VALBRUNE")


def test_serialized_data_holds_tokens_and_loads_back_to_the_clear_secrets(credential):
    out = StringIO()
    call_command("dumpdata", "resources.sushicredential", stdout=out)
    assert "s3cret-key" not in out.getvalue() and "req-1" not in out.getvalue()
    dumped = json.loads(out.getvalue())
    assert dumped[0]["fields"]["api_key"].startswith(TOKEN_PREFIX)
    SushiCredential.objects.all().delete()
    from django.core import serializers

    for item in serializers.deserialize("json", out.getvalue()):
        item.save()
    assert SushiCredential.objects.get().api_key == "s3cret-key"
    assert stored(dumped[0]["pk"])[1].startswith(TOKEN_PREFIX)  # saved encrypted again, not doubly


def test_a_new_key_put_first_still_reads_the_secrets_of_the_old_one(settings, buyer):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    credential = sushi_credential_set(by=buyer, platform=PlatformFactory(), library=LibraryFactory(), customer_id="C",
                                      api_key="cle-ancienne")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert SushiCredential.objects.get(pk=credential.pk).api_key == "cle-ancienne"
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # the old key dropped too early: unreadable, no crash
    assert SushiCredential.objects.get(pk=credential.pk).api_key == ""


def test_rotating_the_secret_key_with_a_fallback_keeps_the_secrets(settings, buyer):
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "ancienne-cle-" + "x" * 50, []
    credential = sushi_credential_set(by=buyer, platform=PlatformFactory(), library=LibraryFactory(), customer_id="C",
                                      api_key="cle-api")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "nouvelle-cle-" + "y" * 50, ["ancienne-cle-" + "x" * 50]
    assert SushiCredential.objects.get(pk=credential.pk).api_key == "cle-api"


def test_the_migration_encrypts_the_clear_secrets_stored_before_it(credential):
    migration = importlib.import_module("procurement.resources.migrations.0002_sushi_secrets_encrypted")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE resources_sushicredential SET api_key = %s, requestor_id = %s WHERE id = %s",
                       ["cle-en-clair", "", credential.pk])
    # What the functions use of a schema editor (a real one cannot open inside the test's transaction on SQLite).
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.encrypt_stored_secrets(None, editor)
    migration.encrypt_stored_secrets(None, editor)  # twice: tokens are not encrypted again
    requestor_id, api_key = stored(credential.pk)
    assert api_key.startswith(TOKEN_PREFIX) and requestor_id == ""
    assert SushiCredential.objects.get(pk=credential.pk).api_key == "cle-en-clair"
    migration.decrypt_stored_secrets(None, editor)
    assert stored(credential.pk)[1] == "cle-en-clair"


def test_a_secret_saved_unchanged_keeps_its_token_and_a_new_one_is_encrypted_afresh(credential, settings, buyer):
    token = stored(credential.pk)[1]
    fresh = SushiCredential.objects.get(pk=credential.pk)
    fresh.customer_id = "VALBRUNE-2"
    fresh.save()
    assert stored(credential.pk)[1] == token  # same bytes: a backup of it restores identical
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    sushi_credential_set(by=buyer, platform=fresh.platform, library=fresh.library, customer_id="VALBRUNE-2",
                         api_key="nouvelle-cle")
    new_token = stored(credential.pk)[1]
    assert new_token != token and Fernet(KEY_A).decrypt(new_token.encode()) == b"nouvelle-cle"
