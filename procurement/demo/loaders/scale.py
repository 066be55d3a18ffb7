"""Grows the database to a fraction of a large Métropole's last ten years, for ``bench/scale.py``.

At 100 %: about 3,000 tenders of 2 to 6 lots, 25,000 bids, 5,000 contracts, 20,000 purchase orders,
150,000 invoices, 50 users, 1,450 vendors and 61 programmes, dated over the ten years before ``today``
(contract terms, renewals and budget credits run on after it). Rows are written with ``bulk_create``
in batches, with their primary keys chosen here so that rows can point at each other in one pass (the
foreign keys are checked at commit); every value respects the models' constraints, which the database
enforces. Nothing goes through the services: this is volume for measuring, not a history to audit (no
``simple_history`` rows).

Deterministic: the same ``seed``, ``today`` and sequence of fractions give the same rows. Growing is
incremental: the objects already grown (recognised by their references) are kept and only what a
larger fraction lacks is added, each tender drawn from its own seeded generator.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from stdnum import luhn

from procurement.contracts.enums import (
    AmendmentBasis,
    ContractState,
    GuaranteeKind,
    MaintenanceStart,
    RenewalDecisionKind,
    RenewalMode,
)
from procurement.contracts.models import (
    Amendment,
    Contract,
    ContractRenewal,
    IndexSeries,
    Invoice,
    InvoiceLine,
    PriceRevision,
    PriceRevisionClause,
    PurchaseOrder,
    RenewalDecision,
)
from procurement.contracts.rules import payments, schedule
from procurement.core.enums import ReferenceKind, Role
from procurement.core.money import round_money, ttc
from procurement.core.selectors import ReferenceValueMissing, reference_value
from procurement.programmes.enums import BudgetSection, CouncilActKind
from procurement.programmes.models import Authority, BudgetCredit, BudgetLine, CouncilAct, Programme
from procurement.tenders.enums import (
    BidStatus,
    Ccag,
    CriterionKind,
    LotState,
    Nature,
    PriceFormula,
    Procedure,
    TenderState,
)
from procurement.tenders.models import Bid, Criterion, Lot, OpeningRecord, Tender, TransitionLog
from procurement.vendors.models import Vendor

User = get_user_model()

FULL_SIZE = {"tenders": 3000, "bids": 25000, "contracts": 5000, "orders": 20000, "invoices": 150000,
             "users": 50, "vendors": 1450, "programmes": 61}
YEARS = 10
TENDER_PREFIX = "MG"      # grown tenders: MG<yy>-<index>; their contracts MG<index>-<lot>
PROGRAMME_PREFIX = "PRG-"
USER_PREFIX = "agent."
VENDOR_NOTE = "Fournisseur ajouté par la croissance de bench/scale.py."
GOLDEN = 0.6180339887498949
DAY = timedelta(days=1)
HUNDRED = Decimal("100")

CITIES = [("45000", "Orléans"), ("69003", "Lyon"), ("31000", "Toulouse"), ("33000", "Bordeaux"),
          ("59000", "Lille"), ("44000", "Nantes"), ("67000", "Strasbourg"), ("35000", "Rennes"),
          ("34000", "Montpellier"), ("13001", "Marseille"), ("75011", "Paris"), ("21000", "Dijon")]
NAME_WORDS = ["Alpha", "Berry", "Loire", "Rhône", "Cèdre", "Atlas", "Horizon", "Vallée", "Delta", "Orion",
              "Saule", "Granit", "Azur", "Solis", "Nova", "Pilote", "Arche", "Boréal", "Cime", "Estuaire"]
NAME_KINDS = ["Services", "Informatique", "Bâtiment", "Édition", "Conseil", "Fournitures", "Réseaux",
              "Maintenance", "Environnement", "Numérique"]
LEGAL_FORMS = ["SAS", "SARL", "SA", "SCOP"]
FIRST_NAMES = ["Anne", "Bruno", "Chloé", "David", "Émilie", "François", "Gaëlle", "Hugo", "Inès", "Jacques",
               "Karine", "Louis", "Manon", "Nicolas", "Océane", "Pierre"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
              "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David"]
THEMES = ["Voirie", "Écoles", "Médiathèques", "Piscines", "Mobilités", "Eau potable", "Assainissement",
          "Numérique", "Espaces verts", "Culture", "Sport", "Habitat", "Déchets", "Énergie", "Patrimoine"]
SUBJECTS = {
    Nature.SUPPLIES: [("Fourniture de mobilier", "39100000-3"), ("Fourniture de postes informatiques", "30213000-5"),
                      ("Acquisition de livres", "22113000-5"), ("Fourniture de véhicules", "34100000-8")],
    Nature.SERVICES: [("Maintenance des équipements", "50300000-8"), ("Prestations informatiques", "72000000-5"),
                      ("Nettoyage des locaux", "90910000-9"), ("Ressources numériques", "48000000-8")],
    Nature.WORKS: [("Travaux de réhabilitation", "45000000-7"), ("Travaux de voirie", "45233140-2"),
                   ("Rénovation énergétique", "45331000-6")],
}
CCAG = {Nature.SUPPLIES: Ccag.SUPPLIES_SERVICES, Nature.SERVICES: Ccag.SUPPLIES_SERVICES, Nature.WORKS: Ccag.WORKS}
LINE_SHAPES = {  # section: (chapter, article) pairs of the M57 classes allowed in the section
    BudgetSection.INVESTMENT: [("20", "2051"), ("21", "2183"), ("23", "2313"), ("21", "2188")],
    BudgetSection.OPERATING: [("011", "6156"), ("011", "6065"), ("011", "611"), ("011", "6135")],
}


def target_counts(fraction: float) -> dict[str, int]:
    """What ``fraction`` of the Métropole holds (tenders, users, vendors and programmes are grown to these
    counts; bids, contracts, orders and invoices follow from the tenders)."""
    return {name: round(count * fraction) for name, count in FULL_SIZE.items()}


@dataclass
class Growth:
    """What one call added, per model, and how long it took."""

    added: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def count(self, name: str, rows: int) -> None:
        self.added[name] = self.added.get(name, 0) + rows


class Keys:
    """The next primary key of each model, chosen here (sequences are reset at the end)."""

    def __init__(self, *model_classes: type[models.Model]):
        self._next = {model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for model in model_classes}

    def __call__(self, model: type[models.Model]) -> int:
        value = self._next[model]
        self._next[model] = value + 1
        return value


def spread(index: int) -> float:
    """A point in [0, 1) for ``index``, so that any first n indexes cover the interval evenly."""
    return (index * GOLDEN) % 1.0


def siret(rng: random.Random, taken: set[str]) -> str:
    while True:
        siren = str(rng.randrange(10_000_000, 99_999_999))
        siren += luhn.calc_check_digit(siren)
        base = siren + f"{rng.randrange(1, 9999):04d}"
        value = base + luhn.calc_check_digit(base)
        if value not in taken:
            taken.add(value)
            return value


def money(rng: random.Random, low: int, high: int, step: int = 100) -> Decimal:
    """A round amount, spread log-uniformly between ``low`` and ``high``."""
    value = low * (high / low) ** rng.random()
    return Decimal(max(step, int(value) // step * step))


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


class Grower:
    def __init__(self, *, today: date, seed: int, batch_size: int, growth: Growth):
        self.today, self.seed, self.batch_size, self.growth = today, seed, batch_size, growth
        self.start = today - relativedelta(years=YEARS)
        self.keys = Keys(User, Vendor, Programme, BudgetLine, BudgetCredit, Tender, Lot, Criterion, Bid,
                         OpeningRecord, TransitionLog, Contract, ContractRenewal, RenewalDecision, PurchaseOrder,
                         Invoice, InvoiceLine, Amendment, PriceRevisionClause, PriceRevision)
        self.rates: dict[date, tuple[Decimal, Decimal, Decimal] | None] = {}

    def rng(self, kind: str, index: int) -> random.Random:
        return random.Random(f"{self.seed}:{kind}:{index}")

    def save(self, model: type[models.Model], rows: list[models.Model], name: str) -> None:
        model.objects.bulk_create(rows, batch_size=self.batch_size)
        self.growth.count(name, len(rows))

    # People and reference data --------------------------------------------------------------

    def users(self, target: int) -> None:
        existing = User.objects.filter(username__startswith=USER_PREFIX).count()
        wanted = max(0, target - User.objects.exclude(username__startswith=USER_PREFIX).count()) - existing
        if wanted <= 0:
            return
        groups = {role: Group.objects.get(name=role) for role in Role.values}
        password = make_password(None)  # unusable: these agents never sign in with a password
        users, memberships = [], []
        for index in range(existing, existing + wanted):
            rng = self.rng("user", index)
            role = Role.BUYER if index % 10 < 6 else Role.EVALUATOR if index % 10 < 8 else Role.FINANCE
            pk = self.keys(User)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            users.append(User(pk=pk, username=f"{USER_PREFIX}{index + 1:03d}", first_name=first, last_name=last,
                              email=f"{USER_PREFIX}{index + 1:03d}@metropole-rivemont.example", password=password,
                              date_joined=at(self.start)))
            memberships.append(User.groups.through(user_id=pk, group_id=groups[role].pk))
        self.save(User, users, "users")
        User.groups.through.objects.bulk_create(memberships)

    def vendors(self, target: int) -> None:
        existing = Vendor.objects.filter(notes=VENDOR_NOTE).count()
        wanted = max(0, target - Vendor.objects.exclude(notes=VENDOR_NOTE).count()) - existing
        if wanted <= 0:
            return
        taken = set(Vendor.objects.exclude(siret="").values_list("siret", flat=True))
        rows = []
        for index in range(existing, existing + wanted):
            rng = self.rng("vendor", index)
            postal_code, city = rng.choice(CITIES)
            name = f"{rng.choice(NAME_WORDS)} {rng.choice(NAME_KINDS)} {rng.choice(LEGAL_FORMS)} {index + 1}"
            rows.append(Vendor(pk=self.keys(Vendor), name=name, siret=siret(rng, taken), city=city,
                               postal_code=postal_code, street=f"{rng.randrange(1, 200)} rue de la République",
                               is_sme=rng.random() < 0.6, notes=VENDOR_NOTE))
        self.save(Vendor, rows, "vendors")

    def programmes(self, target: int) -> None:
        existing = Programme.objects.filter(reference__startswith=PROGRAMME_PREFIX).count()
        wanted = max(0, target - Programme.objects.exclude(reference__startswith=PROGRAMME_PREFIX).count()) - existing
        if wanted <= 0:
            return
        authority = Authority.objects.order_by("pk").first()
        programmes, lines, credits = [], [], []
        for index in range(existing, existing + wanted):
            rng = self.rng("programme", index)
            theme = THEMES[index % len(THEMES)]
            first = self.start.year + int(spread(index) * YEARS)
            last = first + rng.randrange(3, 10)
            pk = self.keys(Programme)
            programmes.append(Programme(
                pk=pk, reference=f"{PROGRAMME_PREFIX}{index + 1:03d}", name=f"{theme} — programme {index + 1}",
                authority=authority, start_year=first, end_year=last,
                envelope_ttc=money(rng, 2_000_000, 80_000_000, 10_000)))
            for number in range(rng.randrange(2, 6)):
                section = BudgetSection.INVESTMENT if number % 2 == 0 else BudgetSection.OPERATING
                chapter, article = rng.choice(LINE_SHAPES[section])
                line_pk = self.keys(BudgetLine)
                yearly = [(year, money(rng, 200_000, 5_000_000, 1_000)) for year in range(first, last + 1)]
                multi_year = rng.random() < 0.5
                kind = "AP" if section == BudgetSection.INVESTMENT else "AE"
                lines.append(BudgetLine(
                    pk=line_pk, programme_id=pk, section=section, label=f"{theme} — ligne {number + 1}",
                    chapter=chapter, article=article, function="313",
                    authorisation_reference=f"{kind}-{PROGRAMME_PREFIX}{index + 1:03d}-{number + 1}" if multi_year
                    else "",
                    authorisation_amount_ttc=round_money(sum(a for _, a in yearly) * Decimal("1.05"))
                    if multi_year else None))
                credits += [BudgetCredit(pk=self.keys(BudgetCredit), budget_line_id=line_pk, year=year,
                                         amount_ttc=amount) for year, amount in yearly]
        self.save(Programme, programmes, "programmes")
        self.save(BudgetLine, lines, "budget_lines")
        self.save(BudgetCredit, credits, "budget_credits")

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


@dataclass
class TenderContext:
    buyers: list[int]
    finance: int | None
    vendors: list[int]
    lines: dict[int, dict[str, list[int]]]
    programmes: list[int]
    series: IndexSeries | None
    authorisation: int | None


@dataclass
class Batch:
    """The rows of a chunk of tenders, saved model by model in an order the foreign keys accept."""

    rows: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)

    ORDER = (Tender, Lot, Criterion, Bid, OpeningRecord, TransitionLog, Contract, ContractRenewal, RenewalDecision,
             PriceRevisionClause, PriceRevision, Amendment, PurchaseOrder, Invoice, InvoiceLine)
    NAMES = {Tender: "tenders", Lot: "lots", Criterion: "criteria", Bid: "bids", OpeningRecord: "opening_records",
             TransitionLog: "transition_logs", Contract: "contracts", ContractRenewal: "renewals",
             RenewalDecision: "renewal_decisions", PriceRevisionClause: "revision_clauses",
             PriceRevision: "price_revisions", Amendment: "amendments", PurchaseOrder: "orders",
             Invoice: "invoices", InvoiceLine: "invoice_lines"}

    def add(self, row: models.Model) -> models.Model:
        self.rows.setdefault(type(row), []).append(row)
        return row

    def save(self, grower: Grower) -> None:
        for model in self.ORDER:
            if self.rows.get(model):
                grower.save(model, self.rows[model], self.NAMES[model])


class TenderMaker:
    """One grown tender and what followed it: lots, criteria, bids, the opening, the decisions, and for
    each awarded lot its contract with renewals, revisions, amendments, orders and invoices."""

    def __init__(self, grower: Grower, context: TenderContext, batch: Batch, index: int):
        self.grower, self.context, self.batch, self.index = grower, context, batch, index
        self.rng = grower.rng("tender", index)
        self.today = grower.today
        self.key = grower.keys

    def make(self) -> None:
        rng, today = self.rng, self.today
        span = (today - self.grower.start).days - 10
        start = self.grower.start + timedelta(days=int(spread(self.index) * span))
        nature = rng.choices([Nature.SUPPLIES, Nature.SERVICES, Nature.WORKS], weights=[35, 50, 15])[0]
        subject, cpv = rng.choice(SUBJECTS[nature])
        programme = rng.choice(self.context.programmes)
        buyer = rng.choice(self.context.buyers)
        lot_count = rng.randrange(2, 7)
        estimates = [money(rng, 15_000, 900_000) for _ in range(lot_count)]
        duration = rng.choice([12, 12, 24, 36, 48])
        renewals = rng.choice([0, 1, 2, 3]) if duration <= 24 else 0
        framework = rng.random() < 0.4
        if framework:  # four years at most, renewals included (R.2162-4)
            renewals = min(renewals, (48 - duration) // 12)
        total = sum(estimates) * (1 + renewals)
        procedure = Procedure.OPEN if (nature != Nature.WORKS and total >= 221_000) else Procedure.MAPA
        deadline = start + timedelta(days=35 if procedure == Procedure.OPEN else 21)
        opened = deadline + timedelta(days=rng.randrange(1, 8))
        decided = opened + timedelta(days=rng.randrange(20, 70))
        abandoned = rng.random() < 0.03 and deadline < today
        if start > today - timedelta(days=4):
            state = TenderState.DRAFT
        elif deadline >= today:
            state = TenderState.PUBLISHED
        elif opened > today:
            state = TenderState.CLOSED
        elif decided > today:
            state = TenderState.OPENED
        else:
            state = TenderState.COMPLETED
        if abandoned:
            state = TenderState.ABANDONED
        tender = self.batch.add(Tender(
            pk=self.key(Tender), reference=f"{TENDER_PREFIX}{start:%y}-{self.index + 1:05d}",
            programme_id=programme, object=f"{subject} — {THEMES[self.index % len(THEMES)].lower()}, "
                                           f"consultation {self.index + 1}",
            nature=nature, cpv_code=cpv, place_code="45000", duration_months=duration, renewals=renewals,
            renewal_months=12, is_framework=framework, procedure=procedure, consultation_start=start,
            notice_sent_on=start if state != TenderState.DRAFT else None,
            bid_deadline=at(deadline, 12), content_changed_at=at(start - timedelta(days=2)), ccag=CCAG[nature],
            state=state, buyer_id=buyer,
            abandon_reason="Besoin redéfini : la consultation est relancée." if abandoned else ""))
        self.log(tender, start, state, deadline, opened, decided, buyer)
        sealed = state in (TenderState.PUBLISHED, TenderState.CLOSED)
        with_bids = state in (TenderState.PUBLISHED, TenderState.CLOSED, TenderState.OPENED, TenderState.COMPLETED,
                              TenderState.ABANDONED) and not (state == TenderState.ABANDONED and rng.random() < 0.5)
        if state in (TenderState.OPENED, TenderState.COMPLETED):
            self.batch.add(OpeningRecord(pk=self.key(OpeningRecord), tender_id=tender.pk, opened_at=at(opened),
                                         opened_by_id=buyer, attendees="L'acheteur, le président de la CAO."))
        for number, estimate in enumerate(estimates, start=1):
            self.lot(tender, number, estimate, sealed=sealed, with_bids=with_bids, deadline=deadline, opened=opened,
                     decided=decided, buyer=buyer, nature=nature)

    def log(self, tender: Tender, start: date, state: str, deadline: date, opened: date, decided: date,
            buyer: int) -> None:
        steps = [("mark_ready", TenderState.DRAFT, TenderState.READY, start - timedelta(days=2)),
                 ("publish", TenderState.READY, TenderState.PUBLISHED, start),
                 ("close", TenderState.PUBLISHED, TenderState.CLOSED, deadline + DAY),
                 ("open_bids", TenderState.CLOSED, TenderState.OPENED, opened),
                 ("complete", TenderState.OPENED, TenderState.COMPLETED, decided)]
        for name, source, target, day in steps:
            if day > self.today or state == TenderState.DRAFT:
                break
            self.batch.add(TransitionLog(pk=self.key(TransitionLog), tender_id=tender.pk, transition=name,
                                         source=source, target=target, by_id=buyer, at=at(day, 9)))

    def lot(self, tender: Tender, number: int, estimate: Decimal, *, sealed: bool, with_bids: bool, deadline: date,
            opened: date, decided: date, buyer: int, nature: str) -> None:
        rng = self.rng
        lot_pk = self.key(Lot)
        title = f"Lot {number} — {tender.object[:60]}"
        price_points = Decimal(rng.choice([40, 50, 60]))
        self.batch.add(Criterion(pk=self.key(Criterion), lot_id=lot_pk, name="Prix", kind=CriterionKind.PRICE,
                                 points=price_points, position=1, price_formula=PriceFormula.PROPORTIONAL))
        self.batch.add(Criterion(pk=self.key(Criterion), lot_id=lot_pk, name="Valeur technique",
                                 kind=CriterionKind.TECHNICAL, points=HUNDRED - price_points, position=2))
        bids = []
        if with_bids:
            vat = Decimal("5.5") if "livres" in tender.object else Decimal("20")
            count = min(len(self.context.vendors), rng.choice([1, 2, 2, 2, 3, 3]))
            for vendor in rng.sample(self.context.vendors, count):
                received = deadline - timedelta(days=rng.randrange(1, 15))
                if received > self.today:
                    continue
                status = BidStatus.RECEIVED if sealed else rng.choices(
                    [BidStatus.COMPLIANT, BidStatus.IRREGULAR, BidStatus.INAPPROPRIATE], weights=[85, 10, 5])[0]
                bids.append(self.batch.add(Bid(
                    pk=self.key(Bid), lot_id=lot_pk, vendor_id=vendor, received_at=at(received, rng.randrange(8, 18)),
                    status=status, exclusion_declaration=True, admissible=None if sealed else True,
                    amount_ht=None if sealed else round_money(estimate * Decimal(rng.uniform(0.8, 1.25))),
                    vat_rate=None if sealed else vat, recorded_by_id=None if sealed else buyer)))
        decision = {}
        winner = None
        if tender.state == TenderState.COMPLETED:
            compliant = [bid for bid in bids if bid.status == BidStatus.COMPLIANT]
            if compliant and rng.random() < 0.47:
                winner = min(compliant, key=lambda bid: bid.amount_ht)
                decision = {"state": LotState.AWARDED, "winner_id": winner.pk,
                            "decision_reason": "Offre économiquement la plus avantageuse."}
            elif rng.random() < 0.7:
                decision = {"state": LotState.UNSUCCESSFUL, "decision_reason": "Aucune offre appropriée."}
            else:
                decision = {"state": LotState.ABANDONED, "decision_reason": "Besoin abandonné."}
            decision["decided_at"] = at(decided, 11)
        elif tender.state == TenderState.ABANDONED:
            decision = {"state": LotState.ABANDONED, "decision_reason": "Consultation déclarée sans suite."}
        lot = self.batch.add(Lot(
            pk=lot_pk, tender_id=tender.pk, number=number, title=title, estimated_amount_ht=estimate,
            options_amount_ht=round_money(estimate / 10) if rng.random() < 0.2 else Decimal("0"), **decision))
        if winner is not None:
            self.contract(tender, lot, winner, decided=decided, buyer=buyer, nature=nature)

    # Contracts ------------------------------------------------------------------------------

    def contract(self, tender: Tender, lot: Lot, winner: Bid, *, decided: date, buyer: int, nature: str) -> None:
        rng, today = self.rng, self.today
        lines = self.context.lines.get(tender.programme_id, {})
        section = BudgetSection.OPERATING if nature == Nature.SERVICES else BudgetSection.INVESTMENT
        choices = lines.get(section) or [pk for pks in lines.values() for pk in pks]
        renewal_mode = RenewalMode.NONE if not tender.renewals else (
            RenewalMode.TACIT if rng.random() < 0.7 else RenewalMode.EXPRESS)
        signed = decided + timedelta(days=rng.randrange(12, 30))
        transmitted = signed + timedelta(days=2) if winner.amount_ht >= 216_000 else None
        notified = (transmitted or signed) + timedelta(days=rng.randrange(2, 8))
        start = notified + timedelta(days=rng.randrange(0, 30))
        fields = {
            "pk": self.key(Contract), "reference": f"{TENDER_PREFIX}{self.index + 1:05d}-{lot.number}",
            "lot_id": lot.pk, "title": lot.title, "holder_id": winner.vendor_id,
            "budget_line_id": rng.choice(choices) if choices else None,
            "is_framework": tender.is_framework, "vat_rate": winner.vat_rate, "start_date": start,
            "duration_months": tender.duration_months, "renewal_mode": renewal_mode, "renewal_months": 12,
            "max_renewals": tender.renewals, "notice_months": 3, "rejection_letters_sent_on": decided,
            "signature_authorisation_id": self.context.authorisation, "signatory_name": "Le Président",
            "signatory_role": "Président de la Métropole", "created_by_id": buyer, "state": ContractState.TO_SIGN}
        if tender.is_framework:
            fields["yearly_maximum_ht"] = winner.amount_ht
            fields["maximum_ht"] = round_money(winner.amount_ht * (1 + tender.renewals) * tender.duration_months / 12)
        else:
            fields["amount_ht"] = winner.amount_ht
            operating = lines.get(BudgetSection.OPERATING)
            if nature == Nature.SUPPLIES and operating and rng.random() < 0.2:
                fields.update(maintenance_yearly_ht=round_money(winner.amount_ht / 10),
                              maintenance_start=MaintenanceStart.START,
                              maintenance_budget_line_id=rng.choice(operating))
        if not tender.is_framework:  # the advance is due above 50,000 € HT: granted, or declined by the holder
            fields.update(advance_granted=True, advance_rate=Decimal("30.00")) if rng.random() < 0.3 else (
                fields.update(advance_declined=True))
        if nature == Nature.WORKS:
            fields.update(guarantee_kind=GuaranteeKind.RETENTION, retention_rate=Decimal("5.00"))
        if signed <= today:
            fields.update(state=ContractState.SIGNED, signed_on=signed)
            if transmitted and transmitted <= today:
                fields.update(state=ContractState.TRANSMITTED, transmitted_on=transmitted,
                              legality_reference=f"045-214500001-{transmitted:%Y%m%d}-{self.index:05d}-CC")
            if notified <= today:
                fields.update(state=ContractState.NOTIFIED, notified_on=notified)
        periods = schedule.periods(start=start, duration_months=tender.duration_months, renewal_months=12,
                                   renewals=tender.renewals)
        if "notified_on" not in fields:
            self.batch.add(Contract(**fields, period_end=periods[0].end))
            return
        active_until = self.calendar(fields, periods, buyer)
        contract = self.batch.add(Contract(**fields))
        if active_until < start:
            return
        if not contract.is_framework and self.context.series is not None and rng.random() < 0.3:
            self.revisions(contract, active_until)
        if rng.random() < 0.08 and start + timedelta(days=200) <= active_until:
            self.batch.add(Amendment(
                pk=self.key(Amendment), contract_id=contract.pk, number=1, basis=AmendmentBasis.NON_SUBSTANTIAL,
                object="Ajustement des quantités", amount_change_ht=round_money(
                    (contract.amount_ht or contract.maximum_ht) * Decimal("0.03")),
                signed_on=start + timedelta(days=200), change_share=Decimal("3.00"), cumulated_share=Decimal("3.00"),
                by_id=buyer))
        if contract.is_framework:
            self.orders(contract, active_until, buyer)
        else:
            self.lump_sum_invoices(contract, active_until)

    def calendar(self, fields: dict, periods: list[schedule.Period], buyer: int) -> date:
        """Puts in ``fields`` the state, the renewals carried out up to today and the calendar, adds the
        renewals and the decisions; returns the last day of execution."""
        rng, today, pk = self.rng, self.today, fields["pk"]
        mode, most, notice = fields["renewal_mode"], fields["max_renewals"], fields["notice_months"]
        refused = rng.randrange(1, most + 1) if most and rng.random() < 0.2 else None
        count, current, ended = 0, periods[0], None
        for period in periods:
            current = period
            if period.end >= today:
                break
            following = period.number  # the renewal that would follow this period
            deadline = schedule.decision_deadline(end=period.end, notice_months=notice)
            if following == refused:
                self.batch.add(RenewalDecision(
                    pk=self.key(RenewalDecision), contract_id=pk, renewal_number=following,
                    decision=RenewalDecisionKind.REFUSE, decided_on=deadline - timedelta(days=15), deadline=deadline,
                    reason="Besoin couvert autrement.", by_id=buyer))
            if following > most or following == refused:
                ended = period.end
                break
            count += 1
            if mode == RenewalMode.EXPRESS:
                self.batch.add(RenewalDecision(
                    pk=self.key(RenewalDecision), contract_id=pk, renewal_number=following,
                    decision=RenewalDecisionKind.RENEW, decided_on=deadline - timedelta(days=20), deadline=deadline,
                    by_id=buyer))
            self.batch.add(ContractRenewal(pk=self.key(ContractRenewal), contract_id=pk, number=count,
                                           starts_on=periods[count].start, ends_on=periods[count].end, mode=mode,
                                           by_id=None if mode == RenewalMode.TACIT else buyer))
        fields.update(renewal_count=count, period_end=current.end)
        if ended:
            fields.update(state=ContractState.ENDED, ended_on=ended)
            return ended
        fields["state"] = ContractState.RENEWED if count else ContractState.NOTIFIED
        if rng.random() < 0.02 and today - timedelta(days=30) > fields["start_date"]:
            fields.update(state=ContractState.TERMINATED, terminated_on=today - timedelta(days=30),
                          termination_reason="Résiliation pour motif d'intérêt général.")
            return fields["terminated_on"]
        if mode != RenewalMode.NONE and count < most:
            deadline = schedule.decision_deadline(end=current.end, notice_months=notice)
            if count + 1 == refused and deadline - timedelta(days=15) <= today:
                self.batch.add(RenewalDecision(
                    pk=self.key(RenewalDecision), contract_id=pk, renewal_number=count + 1,
                    decision=RenewalDecisionKind.REFUSE, decided_on=deadline - timedelta(days=15),
                    deadline=deadline, reason="Besoin couvert autrement.", by_id=buyer))
            else:
                fields["renewal_deadline"] = deadline
        return today

    def revisions(self, contract: Contract, until: date) -> None:
        series = self.context.series
        base_month = contract.start_date.replace(day=1)
        self.batch.add(PriceRevisionClause(
            pk=self.key(PriceRevisionClause), contract_id=contract.pk, series_id=series.pk, base_month=base_month,
            index_lag_months=3, fixed_part=Decimal("0.1500"), base_price_ht=contract.amount_ht, every_months=12))
        base_index = Decimal("100.0000")
        for step, day in enumerate(schedule.anniversaries(start=contract.start_date, until=until), start=1):
            index = (base_index * Decimal("1.025") ** step).quantize(Decimal("0.0001"))
            raw = Decimal("0.15") + Decimal("0.85") * index / base_index
            coefficient = raw.quantize(Decimal("0.0001"))
            self.batch.add(PriceRevision(
                pk=self.key(PriceRevision), contract_id=contract.pk, revision_on=day, series_code=series.code,
                base_month=base_month, index_month=(day - relativedelta(months=3)).replace(day=1),
                base_index=base_index, index=index, fixed_part=Decimal("0.1500"),
                raw_coefficient=raw.quantize(Decimal("0.0000000001")), coefficient=coefficient,
                rounding="Arrondi au plus proche, 4 décimales", base_price_ht=contract.amount_ht,
                price_ht=round_money(contract.amount_ht * coefficient)))

    def orders(self, contract: Contract, until: date, buyer: int) -> None:
        rng = self.rng
        days = (until - contract.start_date).days
        count = max(1, round(days / 365 * rng.uniform(2.8, 6.0)))
        amount = round_money(contract.yearly_maximum_ht / Decimal(8))
        dates = sorted(contract.start_date + timedelta(days=rng.randrange(0, days + 1)) for _ in range(count))
        for number, day in enumerate(dates, start=1):
            order = self.batch.add(PurchaseOrder(
                pk=self.key(PurchaseOrder), contract_id=contract.pk, number=number, ordered_on=day,
                description=f"Bon de commande n° {number}", amount_ht=amount, vat_rate=contract.vat_rate, by_id=buyer))
            parts = rng.choice([1, 2, 3, 3, 4, 5])
            for part in range(parts):
                issued = day + timedelta(days=15 + 20 * part + rng.randrange(0, 10))
                if issued > self.today:
                    break
                self.invoice(contract, issued, round_money(amount / parts), order=order)

    def lump_sum_invoices(self, contract: Contract, until: date) -> None:
        every = 2 if self.rng.random() < 0.05 else 1  # monthly, a few every two months
        months = max(1, contract.duration_months)
        amount = round_money(contract.amount_ht * every / months)
        if amount <= 0:
            return
        day = contract.start_date + relativedelta(months=every)
        while day <= until:
            self.invoice(contract, day, amount)
            day += relativedelta(months=every)

    def invoice(self, contract: Contract, issued: date, amount: Decimal, *, order: PurchaseOrder | None = None) -> None:
        rng, today = self.rng, self.today
        if amount <= 0 or issued > today:
            return
        received = min(issued + timedelta(days=rng.randrange(0, 5)), today)
        done = received + timedelta(days=rng.randrange(0, 10))
        done = done if done <= today else None
        interrupted = resumed = None
        if rng.random() < 0.03 and received + timedelta(days=3) <= today:
            interrupted = received + timedelta(days=3)
            resumed = interrupted + timedelta(days=rng.randrange(5, 15))
            resumed = resumed if resumed <= today else None
        deadline = payments.payment_deadline(received_on=received, service_done_on=done, days=30,
                                             interrupted_on=interrupted, resumed_on=resumed)
        paid = None
        if done and deadline and (interrupted is None or resumed):
            paid = max(done, resumed or done) + timedelta(days=rng.choice([5, 10, 15, 20, 25, 28, 35, 45]))
            paid = paid if paid <= today else None
        number = len(self.batch.rows.get(Invoice, ())) + 1
        invoice = self.batch.add(Invoice(
            pk=self.key(Invoice), contract_id=contract.pk, order=order, number=f"F{issued:%Y}-{self.index}-{number}",
            issued_on=issued, is_electronic=rng.random() < 0.95, received_on=received, service_done_on=done,
            interrupted_on=interrupted, resumed_on=resumed,
            interruption_reason="Bon de commande manquant." if interrupted else "", paid_on=paid,
            total_ht=amount, total_ttc=ttc(amount, contract.vat_rate), payment_deadline=deadline,
            by_id=self.context.finance))
        if paid and deadline and paid > deadline:
            rates = self.grower.late_rates(deadline)
            if rates is None:
                invoice.paid_on = deadline
            else:
                late = payments.late_interest(amount_ttc=invoice.total_ttc, deadline=deadline, paid_on=paid,
                                              ecb_rate=rates[0], margin=rates[1], compensation=rates[2])
                invoice.late_days, invoice.late_interest_rate = late.days, late.rate
                invoice.late_interest_rate_date, invoice.late_interest = late.rate_date, late.interest
                invoice.late_compensation = late.compensation
        self.batch.add(InvoiceLine(pk=self.key(InvoiceLine), invoice_id=invoice.pk, vat_rate=contract.vat_rate,
                                   amount_ht=amount))


GROWN_MODELS = (User, Vendor, Programme, BudgetLine, BudgetCredit, Tender, Lot, Criterion, Bid, OpeningRecord,
                TransitionLog, Contract, ContractRenewal, RenewalDecision, PurchaseOrder, Invoice, InvoiceLine,
                Amendment, PriceRevisionClause, PriceRevision)


def reset_sequences(model_classes: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def chunks(items: list, size: int) -> Iterator[list]:
    for first in range(0, len(items), size):
        yield items[first:first + size]


@transaction.atomic
def grow(*, fraction: float, today: date, seed: int = 23, batch_size: int = 2000) -> Growth:
    """Adds what the database lacks to hold ``fraction`` of the Métropole (the demo stays as it is)."""
    if not 0 <= fraction <= 10:
        raise ValueError("La fraction est comprise entre 0 et 10.")
    began = time.perf_counter()
    growth = Growth()
    counts = target_counts(fraction)
    grower = Grower(today=today, seed=seed, batch_size=batch_size, growth=growth)
    grower.users(counts["users"])
    grower.vendors(counts["vendors"])
    grower.programmes(counts["programmes"])
    grower.tenders(counts["tenders"])
    reset_sequences(GROWN_MODELS)
    growth.seconds = time.perf_counter() - began
    return growth
