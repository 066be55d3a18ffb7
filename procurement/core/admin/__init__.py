"""The core app's admin; Django's autodiscovery imports this package, which imports the modules that
register models."""

from procurement.core.admin import identities, reference  # noqa: F401
