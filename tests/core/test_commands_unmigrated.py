"""A command run on a database where ``migrate`` was never run says so in one French line (exit 2)
instead of a traceback."""

import os
import subprocess
import sys

from django.conf import settings


def test_a_read_command_on_an_unmigrated_database_asks_for_migrate(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'vide.sqlite3'}"}
    result = subprocess.run([sys.executable, "manage.py", "commitments", "--year-from", "2025", "--year-to", "2026",
                             "--format", "json"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == ("Erreur : la base de données n'est pas initialisée ou pas à jour : lancez "
                                     "d'abord « python manage.py migrate ».")
    assert result.stdout == ""
