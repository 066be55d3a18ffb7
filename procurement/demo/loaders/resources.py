"""Loads the network's libraries, the platforms and the online resources of the BNM
(fixtures/bnm/resources.json), then imports the synthetic COUNTER reports of
fixtures/bnm/counter/<year>/ through the same service as ``import_counter``. Idempotent: a
library or resource is updated, a report re-imported replaces itself."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from procurement.contracts.models import Contract
from procurement.demo.loaders.fixtures import FIXTURES, read_fixture
from procurement.resources.counter.reader import SUPPORTED_EXTENSIONS, ParsedReport, read_report
from procurement.resources.models import Resource
from procurement.resources.services import library_upsert, resource_upsert, usage_reports_save_many

# Parsed demo reports, by (path, size, modification time): loading the demo again in the same
# process (the tests do) reads each file once.
_PARSED: dict[tuple[str, int, int], ParsedReport] = {}


def _parsed(file: Path) -> ParsedReport:
    stat = file.stat()
    key = (str(file), stat.st_size, stat.st_mtime_ns)
    if key not in _PARSED:
        _PARSED[key] = read_report(file)
    return _PARSED[key]


def _resource(entry: dict) -> Resource:
    return resource_upsert(name=entry["name"], kind=entry["kind"], platform_name=entry["platform"],
                           publisher=entry.get("publisher", ""),
                           contract=Contract.objects.filter(reference=entry.get("contract", "")).first(),
                           share_percent=entry.get("share_percent", Decimal("100")),
                           report_id=entry["report_id"], metric=entry.get("metric", ""))


@transaction.atomic
def load_demo_resources(*, path: Path = FIXTURES / "resources.json", counter_dir: Path | None = FIXTURES / "counter",
                        by=None) -> dict:
    data = read_fixture(path)
    libraries = [library_upsert(code=entry["code"], name=entry["name"], commune=entry["commune"],
                                population=entry["population"], is_network_head=entry.get("network_head", False),
                                identifiers=[f"ISIL:{entry['isil']}"], by=by) for entry in data["libraries"]]
    resources = [_resource(entry) for entry in data["resources"]]
    items = []
    if counter_dir is not None and Path(counter_dir).is_dir():
        items = [(_parsed(file), file.name) for file in sorted(Path(counter_dir).rglob("*"))
                 if file.suffix.lower() in SUPPORTED_EXTENSIONS]
    usage_reports_save_many(items=items, by=by)
    reports = len(items)
    return {"libraries": len(libraries), "resources": len(resources), "reports": reports}
