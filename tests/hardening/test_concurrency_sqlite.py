"""Concurrent writes on the embedded SQLite database queue instead of failing: ten processes (as
gunicorn workers would be) each write twelve times in transactions that read then write, against
one SQLite file opened with the project's settings. Every write lands; none gets "database is
locked"."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROCESSES, WRITES = 10, 12

SCRIPT = f"""
import json, multiprocessing, os, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from procurement.resources.models import Platform

with connection.schema_editor() as editor:  # the tables a platform's write touches (with its history)
    editor.create_model(get_user_model())
    editor.create_model(Platform)
    editor.create_model(Platform.history.model)
connections.close_all()

def worker(index, barrier, results):
    barrier.wait(timeout=60)
    errors = []
    for write in range({WRITES}):
        try:
            with transaction.atomic():
                count = Platform.objects.count()  # read, then write: the upgrade a deferred transaction fails
                Platform.objects.create(name=f"Plateforme {{index}}-{{write}} après {{count}}")
        except Exception as error:
            errors.append(f"{{type(error).__name__}}: {{error}}")
    connections.close_all()
    results.put(errors)

context = multiprocessing.get_context("fork")
barrier, results = context.Barrier({PROCESSES}), context.Queue()
processes = [context.Process(target=worker, args=(index, barrier, results)) for index in range({PROCESSES})]
for process in processes:
    process.start()
errors = [error for _ in processes for error in results.get(timeout=300)]
for process in processes:
    process.join(timeout=60)
print(json.dumps({{"errors": errors, "rows": Platform.objects.count(),
                  "options": connection.settings_dict["OPTIONS"]}}))
"""


def test_concurrent_writes_on_a_sqlite_file_all_land(tmp_path):
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'achats.sqlite3'}",
                   "DJANGO_SETTINGS_MODULE": "procurement.settings"}
    process = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=settings.BASE_DIR,
                             env=environment, timeout=600)
    assert process.returncode == 0, process.stderr[-2000:]
    outcome = json.loads(process.stdout.strip().splitlines()[-1])
    assert outcome["options"]["transaction_mode"] == "IMMEDIATE"
    assert outcome["errors"] == []
    assert outcome["rows"] == PROCESSES * WRITES
