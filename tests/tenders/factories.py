from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from procurement.tenders.enums import BidStatus, CriterionKind, Nature, PriceFormula, Procedure, TenderState
from procurement.tenders.models import Bid, Criterion, DceGeneration, Lot, OpeningRecord, PriceItem, Tender

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


class TenderFactory(factory.django.DjangoModelFactory):
    """An open-procedure services tender; traits move it along its lifecycle without the services
    (tests of the transitions themselves go through ``tender_transition``)."""

    class Meta:
        model = Tender
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"TST-2026-{n:03d}")
    object = "Ressources numériques pour les bibliothèques du réseau"
    nature = Nature.SERVICES
    cpv_code = "92511000-6"
    place_code = "69003"
    duration_months = 12
    renewals = 0
    consultation_start = date(2026, 11, 25)
    notice_sent_on = date(2026, 12, 1)
    bid_deadline = factory.LazyFunction(lambda: paris(2027, 1, 8, 12, 0))
    procedure = Procedure.OPEN

    class Params:
        published = factory.Trait(state=TenderState.PUBLISHED)
        # Closed and opened tenders are a year older, so their deadline has passed.
        closed = factory.Trait(
            state=TenderState.CLOSED, consultation_start=date(2025, 11, 25), notice_sent_on=date(2025, 12, 1),
            bid_deadline=factory.LazyFunction(lambda: paris(2026, 1, 8, 12, 0)),
        )
        opened = factory.Trait(
            state=TenderState.OPENED, consultation_start=date(2025, 11, 25), notice_sent_on=date(2025, 12, 1),
            bid_deadline=factory.LazyFunction(lambda: paris(2026, 1, 8, 12, 0)),
        )
        mapa = factory.Trait(procedure=Procedure.MAPA)

    @factory.post_generation
    def dce(self, create, extracted, **kwargs):
        """A current DCE by default, recorded without its files (enough for the ``ready`` guard);
        ``TenderFactory(dce=False)`` has none. Tests of the documents call ``dce_generate``."""
        if create and extracted is not False:
            DceGeneration.objects.create(tender=self, version=1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The state field is protected against direct assignment: set it through the manager.
        state = kwargs.pop("state", TenderState.DRAFT)
        tender = super()._create(model_class, *args, **kwargs)
        if state != TenderState.DRAFT:
            model_class.objects.filter(pk=tender.pk).update(state=state)
            tender = model_class.objects.get(pk=tender.pk)
        return tender


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot
        skip_postgeneration_save = True

    tender = factory.SubFactory(TenderFactory)
    number = factory.LazyAttribute(lambda lot: lot.tender.lots.count() + 1)
    title = "Livres numériques"
    estimated_amount_ht = Decimal("120000.00")

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        """``LotFactory(criteria=True)``: price 40 (proportional), technical 45 (two sub-criteria),
        environmental 15 — a valid tree."""
        if not (create and extracted):
            return
        CriterionFactory(lot=self, name="Prix", kind=CriterionKind.PRICE, points=40,
                         price_formula=PriceFormula.PROPORTIONAL, position=1)
        technical = CriterionFactory(lot=self, name="Valeur technique", kind=CriterionKind.TECHNICAL, points=45,
                                     position=2)
        CriterionFactory(lot=self, parent=technical, name="Catalogue", kind=CriterionKind.TECHNICAL, points=30)
        CriterionFactory(lot=self, parent=technical, name="Accompagnement", kind=CriterionKind.TECHNICAL,
                         points=15, position=2)
        CriterionFactory(lot=self, name="Performance environnementale", kind=CriterionKind.ENVIRONMENTAL,
                         points=15, position=3)


    @factory.post_generation
    def prices(self, create, extracted, **kwargs):
        """``LotFactory(prices=True)``: two lines in the lot's price schedule (BPU / DQE), which a lot
        judged on its price needs to be marked ready."""
        if not (create and extracted):
            return
        PriceItem.objects.create(lot=self, number="1", label="Abonnement annuel", unit="an",
                                 quantity=Decimal("1"), position=1)
        PriceItem.objects.create(lot=self, number="2", label="Licence de prêt", unit="licence",
                                 quantity=Decimal("1200"), position=2)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    lot = factory.SubFactory(LotFactory)
    name = "Valeur technique"
    kind = CriterionKind.TECHNICAL
    points = Decimal("60")


class BidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bid

    lot = factory.SubFactory(LotFactory)
    vendor = factory.SubFactory("tests.vendors.factories.VendorFactory")
    received_at = factory.LazyFunction(lambda: paris(2026, 1, 7, 10, 30))
    status = BidStatus.RECEIVED

    class Params:
        compliant = factory.Trait(status=BidStatus.COMPLIANT, admissible=True, amount_ht=Decimal("98000.00"),
                                  vat_rate=Decimal("5.5"))


class OpeningRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningRecord

    tender = factory.SubFactory(TenderFactory, closed=True)
    opened_at = factory.LazyFunction(lambda: paris(2026, 1, 9, 9, 0))
    opened_by = factory.SubFactory("tests.factories.UserFactory", buyer=True)
    attendees = "Claire Morel (acheteuse), Julien Faure (acheteur)"


