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
def load_demo_programme(*, path: Path = DEMO_PROGRAMME_PATH) -> Programme:
    """Creates or updates the demo programme described by the JSON file at ``path``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"), parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path} : JSON invalide, ligne {exc.lineno} colonne {exc.colno}.") from exc
    if not isinstance(data, dict):
        raise ValidationError(f"{path} : un objet JSON est attendu.")

    try:
        authority = authority_upsert(**_pick(data.get("authority"), AUTHORITY_FIELDS))
    except ValidationError as exc:
        raise _with_place(exc, "authority") from exc
    try:
        programme = programme_upsert(authority=authority, **_pick(data.get("programme"), PROGRAMME_FIELDS))
    except ValidationError as exc:
        raise _with_place(exc, "programme") from exc

    for index, line_data in enumerate(data.get("budget_lines") or []):
        where = f"budget_lines[{index}]"
        try:
            line = budget_line_upsert(programme=programme, **_pick(line_data, LINE_FIELDS))
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
            budget_credits_set(budget_line=line, amounts=amounts, replace=True)
        except ValidationError as exc:
            raise _with_place(exc, f"{where}.credits") from exc
    return programme
