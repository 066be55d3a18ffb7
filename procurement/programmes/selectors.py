"""Read queries for programmes and budgets (pages, reports, and later the commitments follow-up)."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from procurement.core.legal_calendar import typed_day
from procurement.core.money import MoneyField, round_money
from procurement.core.selectors import choices_named, every_word, suggestions
from procurement.programmes.enums import BudgetSection, CouncilActKind
from procurement.programmes.models import Authority, BudgetCredit, BudgetLine, Programme, governance

ZERO = Decimal("0.00")


def programme_list() -> QuerySet[Programme]:
    """Programmes with their buyer, ``line_count`` and ``total_ttc`` (all credits voted), in one query."""
    line_count = (
        BudgetLine.objects.filter(programme=OuterRef("pk"))
        .order_by()
        .values("programme")
        .annotate(count=Count("pk"))
        .values("count")
    )
    total = (
        BudgetCredit.objects.filter(budget_line__programme=OuterRef("pk"))
        .order_by()
        .values("budget_line__programme")
        .annotate(total=Sum("amount_ttc"))
        .values("total")
    )
    return (
        Programme.objects.select_related("authority")
        .annotate(
            line_count=Coalesce(Subquery(line_count), Value(0)),
            total_ttc=Coalesce(
                Subquery(total, output_field=MoneyField()), Value(ZERO), output_field=MoneyField()
            ),
        )
        .order_by("reference")
    )


def programme_search_condition(search: str, *, path: str = "") -> Q | None:
    """Programmes whose reference or name contains ``search`` (any case), or whose label it is
    (« BNM — Bibliothèque… », ``str(programme)``, as a chosen suggestion shows it); None for an empty
    search. ``path`` reaches the programme from another model (``"programme"`` from a tender)."""
    search = search.strip()
    if not search:
        return None
    prefix = f"{path}__" if path else ""
    condition = Q(**{f"{prefix}reference__icontains": search}) | Q(**{f"{prefix}name__icontains": search})
    reference, separator, name = search.partition(" — ")
    if separator:
        condition |= Q(**{f"{prefix}reference__iexact": reference.strip(), f"{prefix}name__iexact": name.strip()})
    return condition


def programme_suggestions(programmes: QuerySet[Programme], *, search: str, limit: int) -> list[Programme]:
    """Up to ``limit`` of ``programmes`` matching ``search`` (``programme_search_condition``), those whose
    reference starts with it first, then by reference; only what a suggestion shows is read."""
    return suggestions(programmes, condition=programme_search_condition(search), search=search, first="reference",
                       fields=("reference", "name"), limit=limit)


# The words of a budget line's label (``str(line)``: « Ressources (chap. 011 / art. 6182 / fonct. 321) »).
IMPUTATION_WORDS = frozenset({"chap", "art", "fonct"})
SHOWN_BUDGET_LINE = re.compile(r"(?P<label>.+) \(chap\. (?P<chapter>\S+) / art\. (?P<article>\S+)"
                               r"(?: / fonct\. (?P<function>\S+))?\)")


def budget_line_search_condition(search: str) -> Q | None:
    """Budget lines where every word of ``search`` is in the label, the programme's reference or the
    AP/AE reference, or is the chapter, the function or the article's start (« BNM 6182 »,
    « ressources 011 »), so the label a suggestion shows finds its line; None for an empty search."""
    return every_word(search, lambda word: (
        Q(label__icontains=word) | Q(programme__reference__icontains=word) | Q(authorisation_reference__icontains=word)
        | Q(chapter=word) | Q(function=word) | Q(article__startswith=word)), ignored=IMPUTATION_WORDS)


def budget_line_exact_condition(search: str) -> Q:
    """Budget lines ``search`` names exactly: their whole label, their AP/AE reference, or the label a
    suggestion shows (label and imputation)."""
    search = search.strip()
    condition = Q(label__iexact=search) | Q(authorisation_reference__iexact=search)
    if shown := SHOWN_BUDGET_LINE.fullmatch(search):
        condition |= Q(label__iexact=shown["label"], chapter=shown["chapter"], article=shown["article"],
                       function=shown["function"] or "")
    return condition


def budget_line_choices() -> QuerySet[BudgetLine]:
    """Every programme's budget lines with their programme, by programme and label."""
    return BudgetLine.objects.select_related("programme").order_by("programme__reference", "label", "pk")


def budget_line_suggestions(lines: QuerySet[BudgetLine], *, search: str, limit: int) -> list[BudgetLine]:
    """Up to ``limit`` of ``lines`` matching ``search`` (``budget_line_search_condition``), those whose label
    starts with it first, then by label; only what a suggestion shows is read (with the programme)."""
    return suggestions(lines.select_related("programme"), condition=budget_line_search_condition(search),
                       search=search, first="label",
                       fields=("label", "section", "chapter", "article", "function", "authorisation_reference",
                               "programme__reference"), limit=limit)


def council_act_search_condition(search: str) -> Q | None:
    """Council acts where every word of ``search`` is in the reference or the object, names the kind, or
    is the day of adoption (« 15/10/2026 », « 2026-10-15 »): « DEL-2027 », « délibération portail »,
    and the label a suggestion shows; None for an empty search."""
    def word_condition(word: str) -> Q:
        found = Q(reference__icontains=word) | Q(object__icontains=word) | choices_named(word, "kind",
                                                                                         CouncilActKind.choices)
        return found | Q(adopted_on=day) if (day := typed_day(word)) else found

    return every_word(search, word_condition, ignored={"du"})


def council_act_exact_condition(search: str) -> Q:
    """Council acts ``search`` names exactly: their reference, or the label a suggestion shows (« Délibération
    spécifique DEL-2027-003 du 15/10/2026 »)."""
    search = search.strip()
    condition = Q(reference__iexact=search)
    head, separator, day = search.rpartition(" du ")
    if separator and (adopted_on := typed_day(day)):
        for kind, label in CouncilActKind.choices:
            if head.lower().startswith(f"{str(label).lower()} "):
                condition |= Q(kind=kind, reference__iexact=head[len(str(label)) + 1:].strip(), adopted_on=adopted_on)
    return condition


def council_act_suggestions(acts: QuerySet[governance.CouncilAct], *, search: str,
                            limit: int) -> list[governance.CouncilAct]:
    """Up to ``limit`` of ``acts`` matching ``search`` (``council_act_search_condition``), latest first;
    only what a suggestion shows is read."""
    condition = council_act_search_condition(search)
    acts = acts.select_related(None).filter(condition) if condition is not None else acts.select_related(None)
    return list(acts.only("pk", "kind", "reference", "adopted_on", "object").order_by("-adopted_on", "reference",
                                                                                     "pk")[:limit])


def programme_detail(reference: str) -> Programme:
    """The programme with this reference and its buyer; raises ``Programme.DoesNotExist``."""
    return Programme.objects.select_related("authority").get(reference=reference)


@dataclass(frozen=True)
class BudgetRow:
    """A budget line with its credits for every year of the table (0 where none were voted)."""

    line: BudgetLine
    amounts: dict[int, Decimal]
    total: Decimal

    @property
    def cells(self) -> list[Decimal]:
        return list(self.amounts.values())


@dataclass(frozen=True)
class BudgetSectionBlock:
    """The lines of one section and their subtotals per year."""

    section: str
    label: str
    rows: list[BudgetRow]
    totals: dict[int, Decimal]
    total: Decimal

    @property
    def cells(self) -> list[Decimal]:
        return list(self.totals.values())


@dataclass(frozen=True)
class BudgetTable:
    """A programme's voted budget (TTC): lines by section, years as columns, with totals."""

    years: list[int]
    sections: list[BudgetSectionBlock]
    totals: dict[int, Decimal]
    total: Decimal
    envelope_ttc: Decimal | None

    @property
    def cells(self) -> list[Decimal]:
        return list(self.totals.values())

    @property
    def column_count(self) -> int:
        """Label, imputation, authorisation, one column per year, total."""
        return 3 + len(self.years) + 1

    @property
    def line_count(self) -> int:
        return sum(len(block.rows) for block in self.sections)

    def section(self, section: BudgetSection | str) -> BudgetSectionBlock | None:
        return next((block for block in self.sections if block.section == section), None)

    def section_total(self, section: BudgetSection | str, year: int | None = None) -> Decimal:
        """The section's credits in ``year`` (every year when None); 0 for a section without lines."""
        block = self.section(section)
        if block is None:
            return ZERO
        return block.total if year is None else block.totals.get(year, ZERO)

    @property
    def investment_total(self) -> Decimal:
        return self.section_total(BudgetSection.INVESTMENT)

    @property
    def envelope_remaining(self) -> Decimal | None:
        """What the PPI envelope leaves after the investment credits (negative when exceeded)."""
        if self.envelope_ttc is None:
            return None
        return round_money(self.envelope_ttc - self.investment_total)


def _sum(values) -> Decimal:
    return round_money(sum(values, ZERO))


def budget_table(*, programme: Programme) -> BudgetTable:
    """The budget table of a programme in two queries whatever its size (lines, then credits).

    Years run without gaps from the first to the last year with credits.
    """
    lines = list(
        programme.budget_lines.order_by("section", "chapter", "article", "label").prefetch_related(
            Prefetch("credits", queryset=BudgetCredit.objects.order_by("year"))
        )
    )
    credit_years = {credit.year for line in lines for credit in line.credits.all()}
    years = list(range(min(credit_years), max(credit_years) + 1)) if credit_years else []

    sections = []
    for section in BudgetSection:
        rows = []
        for line in [line for line in lines if line.section == section]:
            voted = {credit.year: credit.amount_ttc for credit in line.credits.all()}
            amounts = {year: round_money(voted.get(year, ZERO)) for year in years}
            rows.append(BudgetRow(line=line, amounts=amounts, total=_sum(amounts.values())))
        if not rows:
            continue
        totals = {year: _sum(row.amounts[year] for row in rows) for year in years}
        sections.append(
            BudgetSectionBlock(
                section=section.value, label=str(section.label), rows=rows, totals=totals,
                total=_sum(row.total for row in rows),
            )
        )
    totals = {year: _sum(block.totals[year] for block in sections) for year in years}
    return BudgetTable(
        years=years,
        sections=sections,
        totals=totals,
        total=_sum(block.total for block in sections),
        envelope_ttc=programme.envelope_ttc,
    )


def budget_by_section_year(*, programme: Programme) -> list[dict]:
    """``[{"section": "operating", "year": 2025, "budget_ttc": Decimal("385000.00")}, ...]``.

    One row per section and year with credits, ordered by section then year; the follow-up of
    commitments compares its own figures with these.
    """
    rows = (
        BudgetCredit.objects.filter(budget_line__programme=programme)
        .order_by()
        .values("year", section=F("budget_line__section"))
        .annotate(budget_ttc=Sum("amount_ttc"))
        .order_by("section", "year")
    )
    return [
        {"section": row["section"], "year": row["year"], "budget_ttc": round_money(row["budget_ttc"])}
        for row in rows
    ]


# Governance -------------------------------------------------------------------------------------


def phase_list(*, programme: Programme) -> QuerySet[governance.Phase]:
    """The programme's phases in order (one query)."""
    return governance.Phase.objects.filter(programme=programme).order_by("position")


def milestone_list(*, programme: Programme) -> QuerySet[governance.Milestone]:
    milestones = governance.Milestone.objects.filter(programme=programme)
    return milestones.select_related("phase").order_by("planned_on", "name")


def body_list(*, programme: Programme) -> QuerySet[governance.GovernanceBody]:
    """The bodies with their meetings (latest first) and each meeting's decisions, in three queries."""
    meetings = governance.BodyMeeting.objects.order_by("-held_on").prefetch_related(
        Prefetch("decisions", queryset=governance.BodyDecision.objects.order_by("pk"))
    )
    return (
        governance.GovernanceBody.objects.filter(programme=programme)
        .order_by("kind", "name")
        .prefetch_related(Prefetch("meetings", queryset=meetings))
    )


def council_act_list(*, authority_id: int | None = None) -> QuerySet[governance.CouncilAct]:
    """Delegations and deliberations (of a buyer), latest first."""
    acts = governance.CouncilAct.objects.select_related("authority", "programme")
    if authority_id is not None:
        acts = acts.filter(authority_id=authority_id)
    return acts.order_by("-adopted_on", "reference")


def authority_list() -> QuerySet[Authority]:
    return Authority.objects.order_by("name")
