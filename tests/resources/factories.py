"""Factories for the resources tests (straight to the database, for set-up)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from procurement.contracts.models import PurchaseOrder
from procurement.resources.enums import CounterReportId, ResourceKind
from procurement.resources.models import (
    InstitutionIdentifier,
    Library,
    Platform,
    Resource,
    UsageCount,
    UsageReport,
)


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform
        django_get_or_create = ("name",)

    name = "Numilib"


class LibraryFactory(factory.django.DjangoModelFactory):
    """A library of a small commune (8 000 inhabitants); ``large=True``: 60 000 inhabitants."""

    class Meta:
        model = Library
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"B{n:03d}")
    name = factory.Sequence(lambda n: f"Bibliothèque n° {n}")
    commune = factory.Sequence(lambda n: f"Commune {n}")
    population = 8000

    class Params:
        large = factory.Trait(population=60000)

    @factory.post_generation
    def isil(self, create, extracted, **kwargs):
        if create and extracted:
            InstitutionIdentifier.objects.create(library=self, value=f"ISIL:{extracted}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    name = factory.Sequence(lambda n: f"Ressource {n}")
    kind = ResourceKind.EBOOK
    platform = factory.SubFactory(PlatformFactory)
    report_id = CounterReportId.TR_B1
    contract = None


def order(contract, *, on: date, amount_ht: str, vat_rate: str = "5.5", number: int | None = None) -> PurchaseOrder:
    number = number or contract.orders.count() + 1
    return PurchaseOrder.objects.create(contract=contract, number=number, ordered_on=on, description="Commande",
                                        amount_ht=Decimal(amount_ht), vat_rate=Decimal(vat_rate))


def usage(*, platform: Platform, library: Library | None, year: int, metric: str, monthly: list[int],
          report_id: str = "TR_B1", institution: str = "") -> UsageReport:
    """A report of ``platform`` for ``library`` with ``monthly`` counts from January of ``year``."""
    from django.utils import timezone

    report = UsageReport.objects.create(
        report_id=report_id, release="5.1", platform_name=platform.name, platform=platform,
        institution=institution or (f"ISIL:{library.code}" if library else "ISIL:INCONNU"), library=library,
        begin=date(year, 1, 1), end=date(year, len(monthly), 28), rows=1, imported_at=timezone.now())
    UsageCount.objects.bulk_create(UsageCount(report=report, month=date(year, index + 1, 1), metric=metric,
                                              value=value) for index, value in enumerate(monthly))
    return report
