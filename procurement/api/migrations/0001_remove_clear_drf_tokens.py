"""DRF's authtoken kept each API key in clear (table ``authtoken_token``): the app now uses knox,
which keeps a digest. The old keys are deleted with their table (their owners create new tokens),
as are authtoken's content types, permissions and migration records, so that nothing refers to an
app that is gone (a backup's permissions are loaded by natural key)."""

from django.db import migrations


def remove_clear_tokens(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if "authtoken_token" in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE {connection.ops.quote_name('authtoken_token')}")
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])
    apps.get_model("contenttypes", "ContentType").objects.using(connection.alias).filter(
        app_label="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(remove_clear_tokens, migrations.RunPython.noop, elidable=True),
    ]
