"""The contracts app's admin; Django's autodiscovery imports this package, which imports the modules
that register models."""

from procurement.contracts.admin import contracts, invoices  # noqa: F401
