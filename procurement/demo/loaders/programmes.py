"""The Bibliothèque numérique métropolitaine programme (fixtures/bnm/programme.json) and its
governance (fixtures/bnm/governance.json), loaded through the programmes services.

Loading twice gives the same rows: the buyer is matched by SIRET, the programme by reference,
a line by (programme, label) and a credit by (line, year). The credits of a line listed in the
file become exactly the file's; lines absent from the file are left alone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from procurement.demo.loaders.fixtures import FIXTURES, month_day, pick, place, read_fixture
from procurement.programmes.models import Programme
from procurement.programmes.services import (
    authority_upsert,
    body_meeting_record,
    body_upsert,
    budget_credits_set,
    budget_line_upsert,
    council_act_upsert,
    milestone_upsert,
    phase_upsert,
    programme_upsert,
)

DEMO_PROGRAMME_PATH = FIXTURES / "programme.json"
DEMO_GOVERNANCE_PATH = FIXTURES / "governance.json"

AUTHORITY_FIELDS = ("name", "siret", "kind", "large_operating_budget", "street", "postal_code", "city", "phone",
                    "review_body_name", "review_body_postal_code", "review_body_city")
PROGRAMME_FIELDS = ("reference", "name", "description", "envelope_ttc", "start_year", "end_year")
LINE_FIELDS = (
    "section", "label", "chapter", "article", "function", "authorisation_reference",
    "authorisation_amount_ttc",
)


@transaction.atomic
def load_demo_programme(*, path: Path = DEMO_PROGRAMME_PATH, by) -> Programme:
    """Creates or updates the demo programme described by the JSON file at ``path``, as ``by``."""
    data = read_fixture(path)
    with place("authority"):
        authority = authority_upsert(**pick(data.get("authority"), AUTHORITY_FIELDS), by=by)
    with place("programme"):
        programme = programme_upsert(authority=authority, by=by, **pick(data.get("programme"), PROGRAMME_FIELDS))
    for index, line_data in enumerate(data.get("budget_lines") or []):
        where = f"budget_lines[{index}]"
        with place(where):
            line = budget_line_upsert(programme=programme, by=by, **pick(line_data, LINE_FIELDS))
        amounts = {}
        for position, credit_data in enumerate(line_data.get("credits") or []):
            with place(f"{where}.credits[{position}]"):
                credit = pick(credit_data, ("year", "amount_ttc"))
            amounts[credit["year"]] = credit["amount_ttc"]
        with place(f"{where}.credits"):
            budget_credits_set(budget_line=line, amounts=amounts, replace=True, by=by)
    return programme


def plan_date(value: str | date | None, *, end: bool) -> date | None:
    """``2025-06`` is a month of the plan: its first day as a start, its last day as an end;
    ``2025-06-27`` is that day."""
    if value is None or isinstance(value, date):
        return value
    try:
        return month_day(value, end=end) if len(value) == 7 else date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"« {value} » n'est ni un mois AAAA-MM ni une date AAAA-MM-JJ.") from exc


@transaction.atomic
def load_demo_governance(*, path: Path = DEMO_GOVERNANCE_PATH, by) -> Programme:
    """Phases, milestones, bodies with their meetings and decisions, and the council's acts, of the
    programme named in the file (loaded before by ``load_demo_programme``). Idempotent: phases are
    matched by position, milestones, bodies and acts by name or reference, meetings by day."""
    data = read_fixture(path)
    programme = Programme.objects.select_related("authority").get(reference=data["programme"])
    phases = {}
    for index, entry in enumerate(data.get("phases") or []):
        with place(f"phases[{index}]"):
            phases[entry["position"]] = phase_upsert(
                programme=programme, position=entry["position"], name=entry["name"],
                description=entry.get("description", ""),
                planned_start=plan_date(entry["planned_start"], end=False),
                planned_end=plan_date(entry["planned_end"], end=True),
                actual_start=plan_date(entry.get("actual_start"), end=False),
                actual_end=plan_date(entry.get("actual_end"), end=True), by=by)
    for index, entry in enumerate(data.get("milestones") or []):
        with place(f"milestones[{index}]"):
            milestone_upsert(programme=programme, name=entry["name"], phase=phases.get(entry.get("phase")),
                             planned_on=plan_date(entry["planned_on"], end=True),
                             actual_on=plan_date(entry.get("actual_on"), end=True), by=by)
    for index, entry in enumerate(data.get("bodies") or []):
        with place(f"bodies[{index}]"):
            body = body_upsert(programme=programme, kind=entry["kind"], name=entry["name"],
                               composition=entry.get("composition", ""), by=by)
            for meeting in entry.get("meetings") or []:
                body_meeting_record(
                    body=body, held_on=meeting["held_on"], agenda=meeting.get("agenda", ""),
                    attendees=meeting.get("attendees", ""),
                    decisions=[(d["subject"], d["decision"]) for d in meeting.get("decisions") or []], by=by)
    for index, entry in enumerate(data.get("council_acts") or []):
        with place(f"council_acts[{index}]"):
            council_act_upsert(
                authority=programme.authority, kind=entry["kind"], reference=entry["reference"],
                adopted_on=entry["adopted_on"], object=entry["object"],
                valid_to=plan_date(entry.get("valid_to"), end=True), amount_limit_ht=entry.get("amount_limit_ht"),
                programme=Programme.objects.get(reference=entry["programme"]) if entry.get("programme") else None,
                tender_references=entry.get("tender_references") or [], by=by)
    return programme
