"""The French 404 and 500 pages with the production settings, in a process of their own, whose
database cannot be reached: the 500 page must not need it, nor should a visitor's 404."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import json
from django.test import Client
client = Client(raise_request_exception=False)
pages = {}
for path in ("/nulle-part/", "/panne/"):
    response = client.get(path, secure=True, headers={"host": "achats.metropole.example"})
    pages[path] = [response.status_code, response.content.decode()]
print(json.dumps(pages))
"""


def test_production_serves_the_french_error_pages_without_a_database():
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "procurement.settings_production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "achats.metropole.example",
        "DATABASE_URL": "postgres://app@127.0.0.1:1/injoignable",  # nothing listens on port 1
        "STATIC_MANIFEST": "0",  # collectstatic is a deployment step the test does not run
    })
    script = "from django.conf import settings; settings.ROOT_URLCONF = 'tests.core.error_urls'\n" + SCRIPT
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    status, page = pages["/nulle-part/"]
    assert status == 404 and "<h1>Page introuvable</h1>" in page and 'class="site-header"' in page
    status, page = pages["/panne/"]
    assert status == 500 and "<h1>Erreur du serveur</h1>" in page and 'class="site-header"' in page
    assert "Server Error" not in page
