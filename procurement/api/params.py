"""Query-string filters of the REST resources: a wrong value is a 400 naming the parameter."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def int_param(request, name: str) -> int | None:
    """An integer filter of the query string; a wrong value is a 400 naming it."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValidationError({name: f"« {value[:40]} » n'est pas un identifiant (nombre entier)."}) from None
    if name.startswith("year") and not 1 <= number <= 9999:  # a date beyond these cannot be built
        raise ValidationError({name: f"« {value[:40]} » n'est pas une année (de 1 à 9999)."})
    return number


def choice_param(request, name: str, choices) -> str:
    value = request.query_params.get(name, "")
    if value and value not in dict(choices):
        raise ValidationError({name: f"« {value[:40]} » n'est pas une valeur possible."})
    return value
