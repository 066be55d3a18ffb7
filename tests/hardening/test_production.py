"""Production settings, security headers, login throttling, session expiry, file storage."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from procurement.storage import StorageConfigError, storages_setting

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "procurement.settings_production",
    "SECRET_KEY": "x" * 20 + "-production-like-secret-for-the-deploy-check-" + "y" * 20,
    "ALLOWED_HOSTS": "achats.metropole.example",
    "DATABASE_URL": "postgres://app@127.0.0.1:5432/achats",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items()
            if key not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_the_production_settings_pass_the_deploy_check_without_any_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_development_settings_do_fail_the_deploy_check():
    """The check above has teeth: the same command on the development settings reports warnings."""
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        env={"SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"]})
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W012" in result.stderr  # session cookie not secure


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_environment(missing):
    env = {**PRODUCTION_ENV, missing: ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"En production, la variable d'environnement {missing} est obligatoire." in result.stderr


def test_production_refuses_sqlite():
    result = run_manage("check", env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite:////tmp/achats.sqlite3"})
    assert result.returncode != 0
    assert "DATABASE_URL doit désigner PostgreSQL" in result.stderr


def test_local_storage_is_the_default_and_has_no_public_url(tmp_path):
    storages = storages_setting({}, manifest_static=False)
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert "OPTIONS" not in storages["default"]  # follows MEDIA_ROOT
    assert storages["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_s3_storage_is_private_and_read_from_the_environment(tmp_path):
    env = {"STORAGE_BACKEND": "s3", "S3_BUCKET": "achats", "S3_ENDPOINT_URL": "https://s3.example",
           "S3_REGION": "fr-par", "S3_ACCESS_KEY_ID": "id", "S3_SECRET_ACCESS_KEY": "secret"}
    storages = storages_setting(env, manifest_static=True)
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storages["default"]["OPTIONS"]
    assert options["bucket_name"] == "achats" and options["endpoint_url"] == "https://s3.example"
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["file_overwrite"] is False
    assert storages["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.parametrize(("env", "message"), [
    ({"STORAGE_BACKEND": "s3"}, "S3_BUCKET"),
    ({"STORAGE_BACKEND": "ftp"}, "'ftp' inconnu"),
])
def test_a_wrong_storage_configuration_is_refused_in_french(tmp_path, env, message):
    with pytest.raises(StorageConfigError, match=message):
        storages_setting(env, manifest_static=False)


@pytest.mark.django_db
def test_a_stored_file_is_not_reachable_by_its_storage_url(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("offres/offre-secrete.pdf", ContentFile(b"%PDF-1.4 secret"))
    assert (tmp_path / name).read_bytes() == b"%PDF-1.4 secret"
    assert client.get(default_storage.url(name)).status_code in {302, 404}
    assert client.get(f"/media/{name}").status_code == 404


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("login"))
    assert response["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"].startswith("camera=()")


def test_the_health_probe_answers_without_a_session(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.content == b"ok"
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_logins_are_throttled_after_five_failures_with_a_french_page(client, buyer):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(5):
        response = client.post(reverse("login"), {"username": "acheteur", "password": "faux"})
    assert response.status_code == 429
    # Even the right password is refused during the cool-off, with a French explanation.
    response = client.post(reverse("login"), {"username": "acheteur", "password": "mot-de-passe-de-test"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Connexion suspendue" in html and "pendant 15 minutes" in html
    assert client.get(reverse("home")).status_code == 302
    # Another user name from the same address is not locked out.
    from tests.factories import UserFactory

    UserFactory(username="autre", buyer=True)
    response = client.post(reverse("login"), {"username": "autre", "password": "mot-de-passe-de-test"})
    assert response.status_code == 302 and response.url == reverse("home")


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off(client, buyer):
    start = timezone.now()
    with freeze_time(start):
        for _attempt in range(5):
            client.post(reverse("login"), {"username": "acheteur", "password": "faux"})
    with freeze_time(start + timedelta(minutes=16)):
        response = client.post(reverse("login"), {"username": "acheteur", "password": "mot-de-passe-de-test"})
    assert response.status_code == 302 and response.url == reverse("home")


@pytest.mark.django_db
def test_sessions_expire_after_eight_hours(client, buyer):
    start = timezone.now()
    with freeze_time(start):
        client.post(reverse("login"), {"username": "acheteur", "password": "mot-de-passe-de-test"})
        assert client.get(reverse("home")).status_code == 200
        assert client.session.get_expiry_age() == 8 * 3600
    with freeze_time(start + timedelta(hours=7, minutes=59)):
        assert client.get(reverse("home")).status_code == 200
    with freeze_time(start + timedelta(hours=8, minutes=1)):
        response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
