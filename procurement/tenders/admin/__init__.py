"""The tenders app's admin; Django's autodiscovery imports this package, which imports the modules
that register models."""

from procurement.tenders.admin import evaluation, tenders  # noqa: F401
