"""The SUSHI client against a local test server (http.server in a thread on 127.0.0.1): retries
bounded, the "report queued" exception waited for, errors reported, secrets never shown back."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from procurement.resources.counter.sushi import SushiError, fetch_report, harvest
from procurement.resources.enums import ReportSource
from procurement.resources.models import SushiCredential, UsageReport
from procurement.resources.services import sushi_credential_set
from tests.resources.factories import LibraryFactory, PlatformFactory

pytestmark = pytest.mark.django_db
REPORT = json.loads((Path(__file__).parent / "samples" / "pr_p1_r51.json").read_text(encoding="utf-8"))
QUEUED = {"Code": 1011, "Severity": "Warning", "Message": "Report Queued for Processing"}


@pytest.fixture
def server():
    """A SUSHI server answering from ``server.script`` (a list of (status, body)), the last answer repeated."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            status, body = Handler.script[min(len(requests), len(Handler.script)) - 1]
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    Handler.script = [(200, REPORT)]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.handler, httpd.requests = Handler, requests
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/counter/r51"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def credential(server, buyer):
    platform = PlatformFactory(name="Apprendre", sushi_url=server.url)
    library = LibraryFactory(code="VAL")
    return sushi_credential_set(platform=platform, library=library, customer_id="VALBRUNE", requestor_id="req-1",
                                api_key="s3cret-key", by=buyer)


def test_a_queued_report_is_fetched_again_and_imported(server, credential, buyer):
    server.handler.script = [(202, QUEUED), (200, [QUEUED]), (200, REPORT)]
    waits = []
    result = harvest(credential=credential, report_id="PR_P1", begin="2025-01", end="2025-03", sleep=waits.append,
                     by=buyer)
    assert result.attempts == 3
    assert waits == [2.0, 4.0]
    assert (result.report.source, result.report.rows, result.report.report_id) == (ReportSource.SUSHI, 4, "PR_P1")
    query = parse_qs(urlparse(server.requests[0]).query)
    assert urlparse(server.requests[0]).path == "/counter/r51/reports/pr_p1"
    assert query == {"customer_id": ["VALBRUNE"], "begin_date": ["2025-01"], "end_date": ["2025-03"],
                     "requestor_id": ["req-1"], "api_key": ["s3cret-key"]}


def test_retries_are_bounded_and_nothing_is_saved(server, credential, buyer):
    server.handler.script = [(503, {})]
    with pytest.raises(SushiError) as caught:
        harvest(credential=credential, report_id="PR_P1", begin="2025-01", end="2025-03", sleep=lambda _: None,
                max_attempts=3, by=buyer)
    assert len(server.requests) == 3
    assert str(caught.value) == "Apprendre : abandon après 3 tentatives (réponse HTTP 503)."
    assert not UsageReport.objects.exists()


def test_an_authorisation_error_is_not_retried(server, credential):
    server.handler.script = [(401, {"Code": 2000, "Severity": "Error", "Message": "Requestor Not Authorized"})]
    with pytest.raises(SushiError) as caught:
        fetch_report(credential=credential, report_id="PR_P1", begin="2025-01", end="2025-03", sleep=lambda _: None)
    assert len(server.requests) == 1
    assert "2000 Requestor Not Authorized" in str(caught.value)


def test_harvesting_the_same_period_again_replaces_the_report(server, credential, buyer):
    for _ in range(2):
        harvest(credential=credential, report_id="PR_P1", begin="2025-01", end="2025-03", sleep=lambda _: None,
                by=buyer)
    assert UsageReport.objects.count() == 1


def test_an_empty_secret_keeps_the_stored_one(credential, buyer):
    again = sushi_credential_set(by=buyer, platform=credential.platform, library=credential.library, customer_id="VAL2")
    assert (again.customer_id, again.api_key, again.requestor_id) == ("VAL2", "s3cret-key", "req-1")
    assert "s3cret" not in repr(again)
    assert not hasattr(again.history.first(), "api_key")


def test_the_admin_never_shows_the_secrets(credential, staff_user, client_for):
    client = client_for(staff_user)
    listing = client.get("/admin/resources/sushicredential/").content.decode()
    change = client.get(f"/admin/resources/sushicredential/{credential.pk}/change/").content.decode()
    assert "VALBRUNE" in listing
    for page in (listing, change):
        assert "s3cret-key" not in page and "req-1" not in page
    assert SushiCredential.objects.get().api_key == "s3cret-key"


def test_the_harvest_command_reports_each_library_in_json(server, credential, monkeypatch, buyer):
    import json as json_module
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setattr("procurement.resources.counter.sushi.time.sleep", lambda _: None)
    server.handler.script = [(200, [QUEUED]), (200, REPORT)]
    out = StringIO()
    call_command("harvest_sushi", "--user", buyer.username, "--platform", "Apprendre", "--report", "PR_P1",
                 "--begin", "2025-01", "--end", "2025-03", "--format", "json", stdout=out)
    assert json_module.loads(out.getvalue()) == {
        "platform": "Apprendre", "report_id": "PR_P1", "period": ["2025-01", "2025-03"],
        "harvested": [{"library": "VAL", "rows": 4, "attempts": 2}], "failed": []}
