"""The grower: the day and seed the rows are drawn from, the batches they are saved in, the referentials
(``ReferentialsPart``) and the tenders, in chunks, with all that follows them."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import models

from procurement.contracts.models import IndexSeries
from procurement.contracts.rules import payments
from procurement.core.enums import ReferenceKind, Role
from procurement.core.selectors import ReferenceValueMissing, reference_value
from procurement.demo.loaders.scale.common import DAY, TENDER_PREFIX, YEARS, Growth, Keys
from procurement.demo.loaders.scale.referentials import ReferentialsPart, User
from procurement.demo.loaders.scale.tenders import Batch, TenderContext, TenderMaker
from procurement.programmes.enums import CouncilActKind
from procurement.programmes.models import BudgetCredit, BudgetLine, CouncilAct, Programme
from procurement.tenders.models import Tender
from procurement.vendors.models import Vendor

# Every model the growth adds rows to: their keys are chosen here, their sequences reset at the end.
GROWN_MODELS = (User, Vendor, Programme, BudgetLine, BudgetCredit, *Batch.ORDER)


class Grower(ReferentialsPart):
    """Draws the rows from ``seed`` over the ``YEARS`` before ``today``, each kind and index from its own
    generator, and saves them in batches, counting them in ``growth``."""

    def __init__(self, *, today: date, seed: int, batch_size: int, growth: Growth):
        self.today, self.seed, self.batch_size, self.growth = today, seed, batch_size, growth
        self.start = today - relativedelta(years=YEARS)
        self.keys = Keys(*GROWN_MODELS)
        self.rates: dict[date, tuple[Decimal, Decimal, Decimal] | None] = {}

    def rng(self, kind: str, index: int) -> random.Random:
        return random.Random(f"{self.seed}:{kind}:{index}")

    def save(self, model: type[models.Model], rows: list[models.Model], name: str) -> None:
        model.objects.bulk_create(rows, batch_size=self.batch_size)
        self.growth.count(name, len(rows))

    # Tenders and all that follows them -------------------------------------------------------

    def tenders(self, target: int, *, chunk: int = 250) -> None:
        existing = Tender.objects.filter(reference__startswith=TENDER_PREFIX).count()
        if target <= existing:
            return
        buyers = list(User.objects.filter(groups__name=Role.BUYER).order_by("pk").values_list("pk", flat=True))
        finance = User.objects.filter(groups__name=Role.FINANCE).order_by("pk").values_list("pk", flat=True).first()
        vendors = list(Vendor.objects.order_by("pk").values_list("pk", flat=True))
        lines: dict[int, dict[str, list[int]]] = {}
        for line_pk, programme_pk, section in BudgetLine.objects.order_by("pk").values_list(
                "pk", "programme_id", "section"):
            lines.setdefault(programme_pk, {}).setdefault(section, []).append(line_pk)
        context = TenderContext(
            buyers=buyers, finance=finance, vendors=vendors, lines=lines,
            programmes=sorted(lines), series=IndexSeries.objects.order_by("pk").first(),
            authorisation=CouncilAct.objects.filter(kind=CouncilActKind.DELEGATION).order_by("pk").values_list(
                "pk", flat=True).first())
        for first in range(existing, target, chunk):
            batch = Batch()
            for index in range(first, min(first + chunk, target)):
                TenderMaker(self, context, batch, index).make()
            batch.save(self)

    def late_rates(self, deadline: date) -> tuple[Decimal, Decimal, Decimal] | None:
        """ECB rate, margin and compensation for a payment due on ``deadline`` (cached per half-year)."""
        runs_from = deadline + DAY
        key = payments.half_year_start(runs_from)
        if key not in self.rates:
            try:
                self.rates[key] = (reference_value(ReferenceKind.ECB_MAIN_RATE, at=key),
                                   reference_value(ReferenceKind.LATE_INTEREST_MARGIN, at=key),
                                   reference_value(ReferenceKind.LATE_PAYMENT_COMPENSATION, at=key))
            except ReferenceValueMissing:
                self.rates[key] = None
        return self.rates[key]
