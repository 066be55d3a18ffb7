"""Factories for the contracts tests. They write straight to the database (no service) for set-up;
the tests of the rules go through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from procurement.contracts.enums import ContractState, RenewalMode
from procurement.contracts.models import Contract, IndexSeries, IndexValue, PriceRevisionClause
from procurement.contracts.services.common import apply_schedule
from procurement.tenders.enums import LotState, Procedure
from procurement.tenders.models import Lot
from tests.programmes.factories import CouncilActFactory
from tests.tenders.factories import BidFactory, LotFactory, TenderFactory, paris
from tests.vendors.factories import VendorFactory


def awarded_lot(*, amount_ht: Decimal = Decimal("98000.00"), vat_rate: Decimal = Decimal("20"), bids: int = 2,
                procedure: str = Procedure.OPEN, is_framework: bool = False, renewals: int = 0,
                estimated_amount_ht: Decimal = Decimal("120000.00"), duration_months: int = 12, vendor=None,
                programme=None, nature: str = "services") -> Lot:
    """A lot awarded on 12/01/2026 to a compliant bid of ``amount_ht``; ``bids`` bids in all."""
    tender = TenderFactory(opened=True, procedure=procedure, is_framework=is_framework, renewals=renewals,
                           duration_months=duration_months, programme=programme, nature=nature)
    lot = LotFactory(tender=tender, estimated_amount_ht=estimated_amount_ht)
    winner = BidFactory(lot=lot, vendor=vendor or VendorFactory(), compliant=True, amount_ht=amount_ht,
                        vat_rate=vat_rate)
    for _ in range(bids - 1):
        BidFactory(lot=lot, compliant=True, amount_ht=amount_ht + Decimal("5000"), vat_rate=vat_rate)
    Lot.objects.filter(pk=lot.pk).update(state=LotState.AWARDED, winner=winner, decided_at=paris(2026, 1, 12, 10, 0))
    return Lot.objects.select_related("tender", "winner__vendor").get(pk=lot.pk)


class ContractFactory(factory.django.DjangoModelFactory):
    """A 12-month services contract of 98 000 € HT starting on 02/03/2026, to sign; traits ``notified``
    (signed 20/02/2026, notified 25/02/2026) and ``framework`` (120 000 € HT a year, tacitly renewable
    three times: 480 000 € HT over four years)."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    lot = factory.LazyFunction(awarded_lot)
    reference = factory.Sequence(lambda n: f"MAR-2026-{n:03d}")
    title = "Ressources numériques pour les bibliothèques du réseau"
    holder = factory.LazyAttribute(lambda c: c.lot.winner.vendor)
    vat_rate = Decimal("20")
    amount_ht = Decimal("98000.00")
    start_date = date(2026, 3, 2)
    duration_months = 12
    advance_granted = True
    advance_rate = Decimal("5")
    rejection_letters_sent_on = date(2026, 1, 12)
    signature_authorisation = factory.SubFactory(CouncilActFactory, reference="CM-2025-112")
    signatory_name = "Anne Roussel"
    signatory_role = "Vice-présidente déléguée à la culture"

    class Params:
        notified = factory.Trait(state=ContractState.NOTIFIED, signed_on=date(2026, 2, 20),
                                 notified_on=date(2026, 2, 25))
        framework = factory.Trait(
            lot=factory.LazyFunction(lambda: awarded_lot(is_framework=True, renewals=3)),
            is_framework=True, amount_ht=None, maximum_ht=Decimal("480000.00"),
            yearly_maximum_ht=Decimal("120000.00"), renewal_mode=RenewalMode.TACIT, max_renewals=3,
            advance_granted=False, advance_rate=None,
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The state is protected against assignment: set through the manager, as the tenders' factories do.
        state = kwargs.pop("state", ContractState.TO_SIGN)
        contract = model_class(*args, **kwargs)
        apply_schedule(contract)
        contract.save()
        if state != ContractState.TO_SIGN:
            model_class.objects.filter(pk=contract.pk).update(state=state)
            contract = model_class.objects.get(pk=contract.pk)
        return contract


class IndexSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndexSeries
        django_get_or_create = ("code",)

    code = "SYNTEC"
    name = "Indice Syntec révisé"
    source = "Fédération Syntec (valeurs de test)"


def index_values(series: IndexSeries, values: dict[str, str]) -> None:
    """``{"2025-06": "300.0", ...}``."""
    for month, value in values.items():
        year, number = map(int, month.split("-"))
        IndexValue.objects.create(series=series, month=date(year, number, 1), value=Decimal(value))


class RevisionClauseFactory(factory.django.DjangoModelFactory):
    """a = 0,15; I0 of June 2025; I of the month three months before the revision; 4 decimals."""

    class Meta:
        model = PriceRevisionClause

    contract = factory.SubFactory(ContractFactory)
    series = factory.SubFactory(IndexSeriesFactory)
    base_month = date(2025, 6, 1)
    index_lag_months = 3
    fixed_part = Decimal("0.15")
    coefficient_decimals = 4
    base_price_ht = Decimal("100000.00")
