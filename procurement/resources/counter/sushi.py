"""A COUNTER SUSHI client (Release 5 / 5.1 API): one GET per report, bounded retries when the
platform answers "report queued" (exception 1011), too many requests (429) or a server error (5xx),
and the harvested JSON read by the same reader as the files."""

from __future__ import annotations

import json
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from procurement.core.permissions import require
from procurement.resources.counter.errors import CounterError
from procurement.resources.counter.reader import read_report
from procurement.resources.enums import ReportSource
from procurement.resources.models import SushiCredential, UsageReport

QUEUED = 1011
RETRY_STATUSES = {202, 429, 500, 502, 503, 504}
MAX_ATTEMPTS = 4
TIMEOUT_SECONDS = 30


class SushiError(Exception):
    """A harvest that failed; the message is French and names the platform."""


@dataclass(frozen=True)
class Harvest:
    report: UsageReport
    attempts: int


def _exceptions(data) -> list[dict]:
    """The COUNTER exceptions of a SUSHI answer: a bare exception, a list, or the report header's."""
    if isinstance(data, list):
        return [entry for entry in data if isinstance(entry, dict) and "Code" in entry]
    if isinstance(data, dict):
        if "Code" in data and "Report_Header" not in data:
            return [data]
        header = data.get("Report_Header") or {}
        found = header.get("Exceptions") or []
        return [entry for entry in found if isinstance(entry, dict)]
    return []


def report_url(*, base_url: str, report_id: str, credential: SushiCredential, begin: str, end: str) -> str:
    params = {"customer_id": credential.customer_id, "begin_date": begin, "end_date": end}
    if credential.requestor_id:
        params["requestor_id"] = credential.requestor_id
    if credential.api_key:
        params["api_key"] = credential.api_key
    return f"{base_url.rstrip('/')}/reports/{report_id.lower()}?{urllib.parse.urlencode(params)}"


def fetch_report(*, credential: SushiCredential, report_id: str, begin: str, end: str,
                 max_attempts: int = MAX_ATTEMPTS, sleep=None, backoff: float = 2.0) -> tuple[dict, int]:
    """The report's JSON and the number of attempts; retries at most ``max_attempts`` times, waiting
    ``backoff`` × the attempt number in seconds between them."""
    sleep = sleep or time.sleep
    platform = credential.platform
    if not platform.sushi_url:
        raise SushiError(f"La plateforme {platform.name} n'a pas d'adresse SUSHI.")
    url = report_url(base_url=platform.sushi_url, report_id=report_id, credential=credential, begin=begin, end=end)
    last = ""
    for attempt in range(1, max_attempts + 1):
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SushiError(f"{platform.name} : service SUSHI injoignable ({getattr(error, 'reason', error)}).") \
                from None
        try:
            data = json.loads(body or b"null")
        except ValueError:
            data = None
        exceptions = _exceptions(data)
        queued = any(int(entry.get("Code", 0)) == QUEUED for entry in exceptions)
        if status in RETRY_STATUSES or queued:
            last = "rapport en file d'attente (1011)" if queued else f"réponse HTTP {status}"
            if attempt < max_attempts:
                sleep(backoff * attempt)
            continue
        if status >= 400 or data is None:
            detail = "; ".join(f"{entry.get('Code')} {entry.get('Message', '')}".strip() for entry in exceptions)
            raise SushiError(f"{platform.name} : la demande a échoué (HTTP {status}"
                             f"{' — ' + detail if detail else ''}).")
        without_report = not isinstance(data, dict) or "Report_Header" not in data
        errors = [entry for entry in exceptions
                  if without_report or str(entry.get("Severity", "")).lower() in ("error", "fatal")]
        if errors:
            detail = "; ".join(f"{entry.get('Code')} {entry.get('Message', '')}" for entry in errors)
            raise SushiError(f"{platform.name} : exception COUNTER {detail}.")
        return data, attempt
    raise SushiError(f"{platform.name} : abandon après {max_attempts} tentatives ({last}).")


def harvest(*, credential: SushiCredential, report_id: str, begin: str, end: str, by, sleep=None,
            max_attempts: int = MAX_ATTEMPTS) -> Harvest:
    """Fetches then imports one report (replacing the same platform, institution and period)."""
    from procurement.resources.abilities import list_abilities
    from procurement.resources.services import IMPORT_REFUSED, usage_report_save

    require(list_abilities(by)["import"], IMPORT_REFUSED)  # before asking the platform anything

    data, attempts = fetch_report(credential=credential, report_id=report_id, begin=begin, end=end, sleep=sleep,
                                  max_attempts=max_attempts)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{report_id.lower()}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        try:
            parsed = read_report(path)
        except CounterError as error:
            raise SushiError(f"{credential.platform.name} : rapport reçu illisible ({error}).") from None
    report = usage_report_save(parsed=parsed, source=ReportSource.SUSHI,
                               file_name=f"SUSHI {credential.platform.name} {report_id} {begin}–{end}", by=by)
    return Harvest(report=report, attempts=attempts)
