"""The one reader of the demo's files (fixtures/bnm/*.json) and the small helpers every loader shares.

A file is read into plain values: ``2024-09-12`` becomes a date, ``2024-09-12T14:00`` an aware
datetime (Europe/Paris), an amount (a key ending in ``_ht``, ``_ttc``, ``_rate``, ``_percent`` or
``_part``, or a quantity) a Decimal; months (``2025-06``) and other strings stay text.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "bnm"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?")
_AMOUNT_SUFFIXES = ("_ht", "_ttc", "_rate", "_percent", "_part")


def _is_amount(key: str | None) -> bool:
    return key is not None and (key.endswith(_AMOUNT_SUFFIXES) or key == "quantity")


def _parsed(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {name: _parsed(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_parsed(item, key) for item in value]
    if not isinstance(value, str):
        return value
    if _DATETIME.fullmatch(value):
        return timezone.make_aware(datetime.fromisoformat(value))
    if _DATE.fullmatch(value):
        return date.fromisoformat(value)
    if _is_amount(key):
        return Decimal(value)
    return value


def read_fixture(path: Path | str) -> dict:
    """The JSON object in ``path``, with its dates and amounts parsed. A broken file is refused with
    its place, for whoever edits it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"), parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path} : JSON invalide, ligne {exc.lineno} colonne {exc.colno}.") from exc
    if not isinstance(data, dict):
        raise ValidationError(f"{path} : un objet JSON est attendu.")
    return _parsed(data)


def month_day(text: str, *, end: bool = False) -> date:
    """A month of the files (``2025-06``): its first day, or its last with ``end``."""
    year, month = (int(part) for part in text.split("-"))
    return date(year, month, calendar.monthrange(year, month)[1] if end else 1)


def at_hour(day: date, hour: int) -> datetime:
    """``day`` at ``hour``:00, Paris time: the moment of a step the files date by its day only."""
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _with_place(error: ValidationError, where: str) -> ValidationError:
    if hasattr(error, "error_dict"):
        parts = [
            " ".join(messages) if field == NON_FIELD_ERRORS else f"{field} : {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        ]
    else:
        parts = error.messages
    return ValidationError(f"{where} : " + " ; ".join(parts))


@contextmanager
def place(where: str) -> Iterator[None]:
    """A refusal raised inside names the place in the file (``budget_lines[2].credits``) and the field."""
    try:
        yield
    except ValidationError as exc:
        raise _with_place(exc, where) from exc


def pick(data: object, fields: tuple[str, ...]) -> dict:
    """The ``fields`` of an entry, all required."""
    if not isinstance(data, dict):
        raise ValidationError("un objet JSON est attendu.")
    missing = [field for field in fields if field not in data]
    if missing:
        raise ValidationError(f"champ(s) manquant(s) : {', '.join(missing)}.")
    return {field: data[field] for field in fields}
