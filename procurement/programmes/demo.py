"""Demo data: the Bibliothèque numérique métropolitaine programme, loaded through the services.

Loading twice gives the same rows: the buyer is matched by SIRET, the programme by reference,
a line by (programme, label) and a credit by (line, year). The credits of a line listed in the
file become exactly the file's; lines absent from the file are left alone.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from procurement.programmes.models import Programme
from procurement.programmes.services import (
    authority_upsert,
    budget_credits_set,
    budget_line_upsert,
    programme_upsert,
)

DEMO_PROGRAMME_PATH = Path(settings.BASE_DIR) / "fixtures" / "bnm" / "programme.json"

AUTHORITY_FIELDS = ("name", "siret", "kind", "large_operating_budget", "street", "postal_code", "city")
PROGRAMME_FIELDS = ("reference", "name", "description", "envelope_ttc", "start_year", "end_year")
LINE_FIELDS = (
    "section", "label", "chapter", "article", "function", "authorisation_reference",
    "authorisation_amount_ttc",
)


def _pick(data: object, fields: tuple[str, ...]) -> dict:
    if not isinstance(data, dict):
        raise ValidationError("un objet JSON est attendu.")
    missing = [field for field in fields if field not in data]
    if missing:
        raise ValidationError(f"champ(s) manquant(s) : {', '.join(missing)}.")
    return {field: data[field] for field in fields}


def _with_place(error: ValidationError, where: str) -> ValidationError:
    """The same refusal, naming the place in the file and the field, for whoever edits the file."""
    if hasattr(error, "error_dict"):
        parts = [
            " ".join(messages) if field == NON_FIELD_ERRORS else f"{field} : {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        ]
    else:
        parts = error.messages
    return ValidationError(f"{where} : " + " ; ".join(parts))


@transaction.atomic
def load_demo_programme(*, path: Path = DEMO_PROGRAMME_PATH, by) -> Programme:
    """Creates or updates the demo programme described by the JSON file at ``path``, as ``by``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"), parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path} : JSON invalide, ligne {exc.lineno} colonne {exc.colno}.") from exc
    if not isinstance(data, dict):
        raise ValidationError(f"{path} : un objet JSON est attendu.")

    try:
        authority = authority_upsert(**_pick(data.get("authority"), AUTHORITY_FIELDS), by=by)
    except ValidationError as exc:
        raise _with_place(exc, "authority") from exc
    try:
        programme = programme_upsert(authority=authority, by=by, **_pick(data.get("programme"), PROGRAMME_FIELDS))
    except ValidationError as exc:
        raise _with_place(exc, "programme") from exc

    for index, line_data in enumerate(data.get("budget_lines") or []):
        where = f"budget_lines[{index}]"
        try:
            line = budget_line_upsert(programme=programme, by=by, **_pick(line_data, LINE_FIELDS))
        except ValidationError as exc:
            raise _with_place(exc, where) from exc
        amounts = {}
        for position, credit_data in enumerate(line_data.get("credits") or []):
            try:
                credit = _pick(credit_data, ("year", "amount_ttc"))
            except ValidationError as exc:
                raise _with_place(exc, f"{where}.credits[{position}]") from exc
            amounts[credit["year"]] = credit["amount_ttc"]
        try:
            budget_credits_set(budget_line=line, amounts=amounts, replace=True, by=by)
        except ValidationError as exc:
            raise _with_place(exc, f"{where}.credits") from exc
    return programme


# Governance: phases, milestones, bodies, council acts (fixtures/bnm/governance.json) ---------------

import calendar  # noqa: E402
from datetime import date  # noqa: E402

from procurement.programmes.services import (  # noqa: E402
    body_meeting_record,
    body_upsert,
    council_act_upsert,
    milestone_upsert,
    phase_upsert,
)

DEMO_GOVERNANCE_PATH = Path(settings.BASE_DIR) / "fixtures" / "bnm" / "governance.json"


def plan_date(text: str | None, *, end: bool) -> date | None:
    """``2025-06`` is a month of the plan: its first day as a start, its last day as an end;
    ``2025-06-27`` is that day."""
    if text is None:
        return None
    try:
        if len(text) == 7:
            year, month = (int(part) for part in text.split("-"))
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return date.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"« {text} » n'est ni un mois AAAA-MM ni une date AAAA-MM-JJ.") from exc


@transaction.atomic
def load_demo_governance(*, path: Path = DEMO_GOVERNANCE_PATH, by) -> Programme:
    """Phases, milestones, bodies with their meetings and decisions, and the council's acts, of the
    programme named in the file (loaded before by ``load_demo_programme``). Idempotent: phases are
    matched by position, milestones, bodies and acts by name or reference, meetings by day."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path} : JSON invalide, ligne {exc.lineno} colonne {exc.colno}.") from exc
    programme = Programme.objects.select_related("authority").get(reference=data["programme"])
    phases = {}
    for index, entry in enumerate(data.get("phases") or []):
        try:
            phases[entry["position"]] = phase_upsert(
                programme=programme, position=entry["position"], name=entry["name"],
                description=entry.get("description", ""),
                planned_start=plan_date(entry["planned_start"], end=False),
                planned_end=plan_date(entry["planned_end"], end=True),
                actual_start=plan_date(entry.get("actual_start"), end=False),
                actual_end=plan_date(entry.get("actual_end"), end=True), by=by)
        except ValidationError as exc:
            raise _with_place(exc, f"phases[{index}]") from exc
    for index, entry in enumerate(data.get("milestones") or []):
        try:
            milestone_upsert(programme=programme, name=entry["name"], phase=phases.get(entry.get("phase")),
                             planned_on=plan_date(entry["planned_on"], end=True),
                             actual_on=plan_date(entry.get("actual_on"), end=True), by=by)
        except ValidationError as exc:
            raise _with_place(exc, f"milestones[{index}]") from exc
    for index, entry in enumerate(data.get("bodies") or []):
        try:
            body = body_upsert(programme=programme, kind=entry["kind"], name=entry["name"],
                               composition=entry.get("composition", ""), by=by)
            for meeting in entry.get("meetings") or []:
                body_meeting_record(
                    body=body, held_on=date.fromisoformat(meeting["held_on"]), agenda=meeting.get("agenda", ""),
                    attendees=meeting.get("attendees", ""),
                    decisions=[(d["subject"], d["decision"]) for d in meeting.get("decisions") or []], by=by)
        except ValidationError as exc:
            raise _with_place(exc, f"bodies[{index}]") from exc
    for index, entry in enumerate(data.get("council_acts") or []):
        try:
            council_act_upsert(
                authority=programme.authority, kind=entry["kind"], reference=entry["reference"],
                adopted_on=date.fromisoformat(entry["adopted_on"]), object=entry["object"],
                valid_to=plan_date(entry.get("valid_to"), end=True), amount_limit_ht=entry.get("amount_limit_ht"),
                programme=Programme.objects.get(reference=entry["programme"]) if entry.get("programme") else None,
                tender_references=entry.get("tender_references") or [], by=by)
        except ValidationError as exc:
            raise _with_place(exc, f"council_acts[{index}]") from exc
    return programme
