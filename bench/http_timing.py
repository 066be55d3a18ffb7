"""Timing a page served on a loopback port (gunicorn in the benches), signed in by a session cookie."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, cookie: str = "", *, timeout: float = 120) -> float:
    """Seconds to read the whole answer to ``GET path``; anything but 200 is an error."""
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    began = time.perf_counter()
    connection_.request("GET", path, headers={"Host": "127.0.0.1", **({"Cookie": cookie} if cookie else {})})
    response = connection_.getresponse()
    response.read()
    elapsed = time.perf_counter() - began
    connection_.close()
    if response.status != 200:
        raise RuntimeError(f"{path} répond {response.status}")
    return elapsed


def session_cookie(user) -> str:
    """A signed-in session of ``user`` in the database, as the Cookie header's value."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


@contextmanager
def gunicorn(root: Path, *, deadline: float, **settings: str) -> Iterator[tuple[int, subprocess.Popen]]:
    """gunicorn (``gunicorn.conf.py``, 2 workers, quiet) on a free loopback port, answering ``/sante/``;
    ``settings`` add to its environment (``GUNICORN_TIMEOUT``…). Yields its port and its process; stopped
    at the end. Exits when it has not started before ``deadline`` (``time.monotonic``)."""
    port = free_port()
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2",
           "GUNICORN_ACCESSLOG": "/dev/null", "GUNICORN_LOGLEVEL": "warning", "ALLOWED_HOSTS": "127.0.0.1",
           **settings}
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py",
                               "procurement.wsgi"], cwd=root, env=env)
    try:
        while True:
            try:
                fetch(port, "/sante/")
                break
            except (ConnectionError, OSError):
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("Arrêt : gunicorn n'a pas démarré.")
                time.sleep(0.3)
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=30)
