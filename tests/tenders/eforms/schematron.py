"""The eForms SDK's schematron rules run on notices by ``schematron.mjs`` (npm's node-schematron), and the
role the SDK gives each rule: node-schematron reports every failed assert, and reads no ``@role``, so the
roles (ERROR, WARN) are read here from the same .sch files."""

import json
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from procurement.tenders.rules.eforms import SDK_DIR

RULES = SDK_DIR / "schematrons" / "static"
SCHEMA = RULES / "complete-validation.sch"
RUNNER = Path(__file__).with_name("schematron.mjs")
NODE_MODULES = Path(__file__).resolve().parents[3] / "node_modules"
PHASES = {"cn": "eforms-16", "can": "eforms-29"}
SCH = "{http://purl.oclc.org/dsdl/schematron}"


@dataclass(frozen=True)
class Failure:
    id: str
    role: str  # ERROR or WARN, as the .sch says
    location: str

    def __str__(self):
        return f"{self.id} ({self.role}) {self.location}"


@dataclass(frozen=True)
class Checked:
    file: Path
    phase: str
    seconds: float
    failures: tuple[Failure, ...]

    @property
    def errors(self) -> list[Failure]:
        return [failure for failure in self.failures if failure.role != "WARN"]

    @property
    def warnings(self) -> list[Failure]:
        return [failure for failure in self.failures if failure.role == "WARN"]


@dataclass(frozen=True)
class Run:
    compile_seconds: float
    notices: dict[Path, Checked]


def missing_tools() -> str:
    """Why the rules cannot run here (``""`` when they can)."""
    if not shutil.which("node"):
        return "node est absent : « make system-packages » l'installe avec npm"
    if not (NODE_MODULES / "node-schematron" / "package.json").exists():
        return "node_modules/node-schematron est absent : « npm ci » l'installe"
    return ""


@cache
def roles() -> dict[str, str]:
    """Each assert's id → its role, from every .sch of the rules' folder."""
    found = {}
    for path in sorted(RULES.glob("*.sch")):
        for element in etree.parse(str(path)).iter(f"{SCH}assert", f"{SCH}report"):
            if element.get("id"):
                found[element.get("id")] = element.get("role", "ERROR")
    return found


def run(notices: list[tuple[str, Path]]) -> Run:
    """Compiles the rules once and checks each (phase, file); ``AssertionError`` when the runner fails."""
    completed = subprocess.run(["node", str(RUNNER), str(SCHEMA), *(f"{phase}:{file}" for phase, file in notices)],
                               capture_output=True, text=True, timeout=900, cwd=NODE_MODULES.parent)
    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    known = roles()
    checked = {}
    for notice in output["notices"]:
        # An id the .sch files do not know counts as an error: nothing passes for a warning by accident.
        failures = tuple(Failure(result["id"], known.get(result["id"], "ERROR"), result["location"])
                         for result in notice["results"])
        checked[Path(notice["file"])] = Checked(Path(notice["file"]), notice["phase"], notice["seconds"], failures)
    return Run(output["compile_seconds"], checked)
