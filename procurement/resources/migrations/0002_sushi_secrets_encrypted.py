"""SUSHI secrets encrypted at rest: the columns become text (a Fernet token is longer than the
secret), then the clear values already stored are encrypted in place."""

from django.db import migrations

import procurement.core.secrets

SECRET_COLUMNS = ("requestor_id", "api_key")


def _rewrite_secrets(schema_editor, *, encrypted: bool, change) -> None:
    # Raw SQL: the historical model's field would try to decrypt the clear values on reading.
    table = schema_editor.quote_name("resources_sushicredential")
    with schema_editor.connection.cursor() as cursor:
        for column in map(schema_editor.quote_name, SECRET_COLUMNS):
            cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608 (names are ours)
            for pk, value in cursor.fetchall():
                if value.startswith(procurement.core.secrets.TOKEN_PREFIX) is encrypted:
                    cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608
                                   [change(value), pk])


def encrypt_stored_secrets(apps, schema_editor):
    _rewrite_secrets(schema_editor, encrypted=False, change=procurement.core.secrets.encrypt)


def decrypt_stored_secrets(apps, schema_editor):
    _rewrite_secrets(schema_editor, encrypted=True, change=procurement.core.secrets.decrypt)


class Migration(migrations.Migration):

    dependencies = [
        ("resources", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sushicredential",
            name="api_key",
            field=procurement.core.secrets.EncryptedTextField(blank=True, max_length=300, verbose_name="api_key"),
        ),
        migrations.AlterField(
            model_name="sushicredential",
            name="requestor_id",
            field=procurement.core.secrets.EncryptedTextField(blank=True, max_length=200, verbose_name="requestor_id"),
        ),
        migrations.RunPython(encrypt_stored_secrets, decrypt_stored_secrets),
    ]
