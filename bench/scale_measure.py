"""How the scale bench measures a line: in process (``django.test.Client`` signed in as the line's role, or
``call_command``), each run after one of the peer's, with the queries of one run; and the pages' latency
under gunicorn."""

from __future__ import annotations

import io
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from http_timing import fetch, gunicorn, session_cookie
from scale_database import ROOT
from scale_lines import Figure, Line

OUTPUTS = {"export_decp": "decp.json", "backup": "backup.zip"}  # commands that write a file, into a temporary folder


class Bench:
    def __init__(self, args):
        from django.contrib.auth import get_user_model
        from django.test import Client

        from procurement.demo.loaders.users import DEMO_ADMIN, DEMO_BUYER, DEMO_FINANCE

        self.args = args
        users = {"buyer": DEMO_BUYER, "finance": DEMO_FINANCE, "evaluator": "sophie.lambert", "admin": DEMO_ADMIN}
        self.users = {role: get_user_model().objects.get(username=name) for role, name in users.items()}
        self.clients = {}
        for role, user in self.users.items():
            client = Client()
            client.force_login(user)
            self.clients[role] = client
        self.workdir = Path(tempfile.mkdtemp(prefix="scale-bench-"))

    def run_once(self, line: Line) -> tuple[float, int]:
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        connection.queries_log.clear()  # a bounded deque: full, it would count nothing
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            if line.command:
                arguments = list(line.command)
                output = OUTPUTS.get(line.command[0])
                if output:
                    arguments += ["--output", str(self.workdir / output)]
                call_command(*arguments, stdout=io.StringIO(), stderr=io.StringIO())
            else:
                response = self.clients[line.role].get(line.url)
                if response.status_code != 200:
                    raise RuntimeError(f"{line.name} : {line.url} répond {response.status_code}")
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
            elapsed = time.perf_counter() - began
        return elapsed, len(queries)

    def measure(self, line: Line, peer: Line) -> Figure:
        """The line's median over the runs, each run after one of the peer's, so that both see the same load
        on a shared machine; the ratio is to the peer's median over those runs."""
        try:
            if line.once:
                elapsed, queries = self.run_once(line)
                return Figure(median_ms=elapsed * 1000, queries=queries, runs=1, peer_ms=self.run_once(peer)[0] * 1000)
            self.run_once(line)  # warm-up: imports, templates, caches
        except Exception as error:  # a failing line is a finding, reported with the others
            return Figure(median_ms=0.0, queries=0, runs=0, verdict="ERREUR", reasons=[str(error)[:200]])
        times, peer_times, queries, began = [], [], 0, time.perf_counter()
        while len(times) < self.args.runs:
            if line is not peer:
                peer_times.append(self.run_once(peer)[0])
            elapsed, queries = self.run_once(line)
            times.append(elapsed)
            if time.perf_counter() - began > self.args.line_seconds and len(times) >= 3:
                break
        return Figure(median_ms=statistics.median(times) * 1000, queries=queries, runs=len(times),
                      peer_ms=statistics.median(peer_times or times) * 1000)


# gunicorn ---------------------------------------------------------------------------------------

def resident_mb(pid: int) -> float:
    """A process's resident memory, from /proc (Linux)."""
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return 0.0


def measure_gunicorn(bench: Bench, measured: list[Line], figures: dict[str, Figure], deadline: float
                     ) -> list[float]:
    """Each page's median latency under gunicorn and its ratio to the changelist's (timed between its runs);
    returns the workers' resident memory (MB) at the end."""
    from django.db import connection

    cookies = {role: session_cookie(user) for role, user in bench.users.items()}
    connection.close()  # the workers open their own
    with gunicorn(ROOT, deadline=deadline, GUNICORN_TIMEOUT="300") as (port, server):
        peer = measured[0]
        for line in measured:
            if line.command or figures[line.name].verdict == "ERREUR":
                continue
            cookie = cookies[line.role]
            for _ in range(2):  # both workers warm
                fetch(port, line.url, cookie)
            times, peer_times, began = [], [], time.perf_counter()
            while len(times) < bench.args.runs:
                if line is not peer:
                    peer_times.append(fetch(port, peer.url, cookies[peer.role]))
                times.append(fetch(port, line.url, cookie))
                if time.perf_counter() - began > bench.args.line_seconds and len(times) >= 3:
                    break
            figure = figures[line.name]
            figure.gunicorn_ms = statistics.median(times) * 1000
            figure.gunicorn_ratio = figure.gunicorn_ms / (statistics.median(peer_times or times) * 1000)
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        return [resident_mb(int(pid)) for pid in workers]
