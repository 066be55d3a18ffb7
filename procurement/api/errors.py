"""How the API answers a refusal, the same way for every resource: a service's ValidationError is a
400 with its messages per field, a refused transition a 409 with the guard's French reasons, a user
who may not act a 403. A unique row created twice at the same instant (the loser's checks passed
before the winner committed) and data the DECP export still lacks are 409s with a French sentence.
DRF's own errors keep its (French) messages."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from procurement.contracts.exports.decp import DecpIncomplete
from procurement.contracts.services import transitions as contract_transitions
from procurement.core.requests import conflict, is_unique_violation
from procurement.tenders.services import transitions as tender_transitions

REFUSALS = (tender_transitions.TransitionRefused, contract_transitions.TransitionRefused)
NOT_ALLOWED = (tender_transitions.NotAllowed, contract_transitions.NotAllowed)


def validation_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as DRF writes errors: ``{"field": ["message", ...]}``, the errors that
    name no field under ``non_field_errors``."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): [str(m) for m in messages]
            for name, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(message) for message in error.messages]}


def exception_handler(exc, context):
    if isinstance(exc, NOT_ALLOWED):
        return Response({"detail": " ".join(exc.reasons), "reasons": exc.reasons}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, REFUSALS):
        return Response({"detail": " ".join(exc.reasons), "reasons": exc.reasons}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    if is_unique_violation(exc):
        return Response({"detail": conflict()}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DecpIncomplete):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
