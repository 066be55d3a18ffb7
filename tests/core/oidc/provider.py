"""A real OpenID Connect provider on the loopback (npm's oidc-provider, ``provider.mjs``) and ``sign_in``:
the authorization-code flow driven end to end, the Django test client on the app's side and ``requests``
on the provider's, through its own login and consent forms. Used by this package's conftest and by the
browser journey (tests/browser/test_sso_journey.py)."""

import json
import os
import re
import shutil
import socket
import subprocess
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.urls import reverse

from procurement.core.oidc.config import discovery

CLIENT_ID, CLIENT_SECRET = "achats-publics", "secret-des-tests"
APP = "http://testserver"
ACCOUNTS = {
    "claire": {"email": "claire.martin@metropole.example", "email_verified": True, "given_name": "Claire",
               "family_name": "Martin", "roles": ["acheteur", "lecteur"]},
    "paul": {"email": "paul.durand@metropole.example", "email_verified": True, "given_name": "Paul",
             "family_name": "Durand", "roles": ["stagiaire"]},
    "nadia": {"email": "Nadia.Benali@metropole.example", "email_verified": True, "given_name": "Nadia",
              "family_name": "Benali", "roles": ["finances"]},
    "sans-role": {"email": "agent.sans.role@metropole.example", "email_verified": True},
}
FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*method="post"', re.I)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', re.I)


@dataclass(frozen=True)
class Provider:
    issuer: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_provider(app: str = APP):
    """The provider, its client registered with the app at ``app`` (its redirect and logout URIs)."""
    node = shutil.which("node")
    script = Path(__file__).with_name("provider.mjs")
    if not node or not (Path(__file__).parents[3] / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("node and node_modules/oidc-provider are needed (make system-packages installs them)")
    port = free_port()
    client = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
              "token_endpoint_auth_method": "client_secret_post",
              "redirect_uris": [f"{app}/sso/retour/"], "post_logout_redirect_uris": [f"{app}/connexion/"]}
    env = {**os.environ, "OIDC_TEST_PORT": str(port), "OIDC_TEST_CLIENT": json.dumps(client),
           "OIDC_TEST_ACCOUNTS": json.dumps(ACCOUNTS)}
    process = subprocess.Popen([node, str(script)], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ready = threading.Event()
    lines: list[str] = []

    def read():  # the provider's output, drained so that it never blocks on a full pipe
        for line in process.stdout:
            lines.append(line)
            if line.startswith("ready "):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(30):
            pytest.fail("the OpenID Connect provider did not start:\n" + "".join(lines))
        yield Provider(issuer=f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(10)


def sso_settings(settings, issuer: str) -> None:
    """Single sign-on on, as the environment would set it, against the test provider."""
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile roles"
    settings.OIDC_PROVIDER_NAME = "Keycloak de la Métropole"
    settings.OIDC_ROLES_CLAIM = "roles"
    settings.OIDC_ROLE_MAP = "acheteur=buyers,commission=evaluators,finances=finance"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "procurement.core.oidc.backend.OIDCBackend"]
    discovery.cache_clear()


def sign_in(client, login: str, start: str | None = None):
    """From the login page's button to the app's answer to the provider's return (its response)."""
    response = client.get(start or reverse("oidc_authentication_init"))
    assert response.status_code == 302, response
    browser, url = requests.Session(), response["Location"]
    while not url.startswith(APP):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200:  # one of the provider's forms: login, then consent
            fields = dict(HIDDEN.findall(response.text))
            if fields.get("prompt") == "login":
                fields.update(login=login, password="ignoré par le fournisseur de test")
            response = browser.post(urljoin(url, FORM.search(response.text).group(1)), data=fields,
                                    allow_redirects=False, timeout=10)
        assert response.status_code in (302, 303), response.text
        url = urljoin(url, response.headers["Location"])
    return client.get(url)
