"""Requests refused before any view runs, the same way for the pages and the API: a NUL byte in the
path or the query string (PostgreSQL cannot store or compare it: the driver would fail) and an
integer beyond 64 bits in a query parameter (no database column holds it: SQLite would overflow).
The answer is a French 400, JSON under ``/api/``. A unique row created twice at the same instant
(the second insert loses the race after its checks passed) is a French 409 on the pages; the API's
exception handler answers it the same way."""

from __future__ import annotations

import re

from django.db import IntegrityError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

INTEGER = re.compile(r"[+-]?\d+")
LARGEST = 2**63 - 1


def refusal(request) -> str | None:
    """The French reason to refuse ``request`` before routing it, or None."""
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
        return _("La requête contient un caractère nul (\\0) : elle est refusée.")
    for key, values in request.GET.lists():
        for value in values:
            # Length first: past 4,300 digits int() itself refuses (a ValueError, hence a 500).
            digits = value.strip().lstrip("+-").lstrip("0")
            if INTEGER.fullmatch(value.strip()) and (len(digits) > len(str(LARGEST)) or int(digits or "0") > LARGEST):
                return _("Le paramètre « %(name)s » dépasse le plus grand nombre accepté.") % {"name": key[:40]}
    return None


def is_unique_violation(error: Exception) -> bool:
    """A duplicate key, on PostgreSQL (SQLSTATE 23505) or SQLite; other integrity errors are bugs and
    stay errors of the server."""
    if not isinstance(error, IntegrityError):
        return False
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "23505" or getattr(cause, "pgcode", None) == "23505" or str(
        error).startswith("UNIQUE constraint failed")


def conflict() -> str:
    return _("Cet enregistrement vient d'être créé par une autre requête : rechargez la page avant de réessayer.")


def answer(request, message: str, *, status: int):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "request_refused.html", {"message": message}, status=status)


class HostileRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = refusal(request)
        if reason:
            return answer(request, reason, status=400)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_unique_violation(exception):
            return answer(request, conflict(), status=409)
        return None
