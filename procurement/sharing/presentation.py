"""What the pages, the statement and the workbook say about a share, written once: a tier's short name,
the bound a member is held at, how each component of the key counts for a member, the sentence that
says where the total comes from, and a signed difference."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from procurement.core.money import format_eur
from procurement.core.numbers import NBSP, format_number
from procurement.resources.enums import LibraryTier
from procurement.sharing.enums import COST_BASIS_WORDS, BoundKind, CostBasis, KeyBasis
from procurement.sharing.rules import PERCENT, percent
from procurement.sharing.selectors.keys import KeyDefinition
from procurement.sharing.selectors.shares import MemberShare, Sharing


def tier_label(tier: str | None) -> str:
    """« > 15 000 hab. », « ≤ 15 000 hab. » (no-break spaces: it never wraps), « — » without a population."""
    if tier is None:
        return "—"
    if tier == LibraryTier.LARGE:
        return _("> 15\u00a0000\u00a0hab.")
    return _("\u2264\u00a015\u00a0000\u00a0hab.")


def short_title(contract) -> str:
    """A contract's title up to its tender's object (« Lot 1 : Portail et maintenance »), at most 60 characters."""
    return Truncator(contract.title.split(" — ")[0]).chars(60)


def contract_label(contract) -> str:
    """« BNM-2024-01-L1 — Lot 1 : Portail et maintenance »: the reference and the short title."""
    return f"{contract.reference} — {short_title(contract)}"


def item_label(item) -> str:
    """What a shared item names: « BNM-2024-01-L1 — Lot 1 : Portail et maintenance, ligne « Maintenance du
    portail » », « tous les marchés de la ligne « Ressources en ligne » »."""
    if item.contract_id is None:
        return _("tous les marchés de la ligne « %(line)s »") % {"line": item.budget_line.label}
    text = contract_label(item.contract)
    if item.budget_line_id is not None:
        text += _(", ligne « %(line)s »") % {"line": item.budget_line.label}
    return text


def bound_label(row: MemberShare, key: KeyDefinition) -> str:
    """« plafond (150 000,00 €) » when the member is held at a bound of the key, else ""."""
    if not row.bound:
        return ""
    bound = key.bounds.get(row.member.pk)
    amount = None if bound is None else (bound.cap if row.bound == BoundKind.CAP else bound.floor)
    label = str(BoundKind(row.bound).label)
    return f"{label} ({format_eur(amount)})" if amount is not None else label


def weights_percent(key: KeyDefinition) -> list[tuple[str, Decimal]]:
    """Each component's weight out of their total, in percent with two decimals: [(basis, 50.00), …]."""
    total = sum((weight for _basis, weight in key.components), Decimal(0))
    return [(basis, percent(weight, total)) for basis, weight in key.components]


def percent_text(value: Decimal | None) -> str:
    """« 12,50 % » (two decimals)."""
    if value is None:
        return "—"
    return f"{format_number(value, places=2)}{NBSP}%"


@dataclass(frozen=True)
class ComponentLine:
    """How one component of the key counts for a member: its weight, the member's figure, all the
    members' figure, and the member's part of it."""

    basis: str
    label: str
    weight_percent: Decimal
    member_figure: str
    total_figure: str
    member_percent: Decimal


def component_lines(sharing: Sharing, row: MemberShare) -> list[ComponentLine]:
    year, count = sharing.year, len(sharing.members)
    figures = {
        KeyBasis.POPULATION: (_("Population légale %(year)s") % {"year": year},
                              format_number(row.population) if row.population is not None else "—",
                              format_number(sharing.total_population), row.population_percent),
        KeyBasis.USAGE: (_("Usages COUNTER %(year)s") % {"year": year}, format_number(row.uses),
                         format_number(sharing.total_uses), row.uses_percent),
        KeyBasis.FLAT: (_("Part égale"), "1", format_number(count), percent(1, count)),
    }
    lines = []
    for basis, weight in weights_percent(sharing.key):
        label, member_figure, total_figure, member_percent = figures[basis]
        lines.append(ComponentLine(basis=basis, label=label, weight_percent=weight, member_figure=member_figure,
                                   total_figure=total_figure, member_percent=member_percent))
    return lines


def key_percent(sharing: Sharing, row: MemberShare) -> Decimal:
    """The member's part of the total under the key before floors, caps and rounding: over the components,
    the weight (out of the weights' total) times the member's part of the component, in percent."""
    total_weight = sum((weight for _basis, weight in sharing.key.components), Decimal(0))
    member = {KeyBasis.POPULATION: row.population or 0, KeyBasis.USAGE: row.uses, KeyBasis.FLAT: 1}
    whole = {KeyBasis.POPULATION: sharing.total_population, KeyBasis.USAGE: sharing.total_uses,
             KeyBasis.FLAT: len(sharing.members)}
    part = sum((weight / total_weight * Decimal(member[basis]) / Decimal(whole[basis])
                for basis, weight in sharing.key.components if whole[basis]), Decimal(0))
    return (part * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)


def source_sentence(sharing: Sharing) -> str:
    """Where the total comes from, as the page, the statement and the workbook say it."""
    words = COST_BASIS_WORDS[CostBasis(sharing.cost.basis)]
    return _("%(total)s TTC : le coût %(words)s en %(year)s des marchés et lignes budgétaires partagés, tel que "
             "l'échéancier des finances le compte (bons de commande, prix révisés, maintenance, reconductions), "
             "somme des %(count)s ligne(s) ci-dessous. Les parts sont calculées sur ce total et l'égalent au "
             "centime.") % {"total": format_eur(sharing.total_ttc), "words": words, "year": sharing.year,
                            "count": len(sharing.cost.lines)}


def signed_eur(value: Decimal) -> str:
    """« +2 929,59 € », « −16 867,82 € » (a true minus sign), « 0,00 € »."""
    if value > 0:
        return f"+{format_eur(value)}"
    if value < 0:
        return f"\u2212{format_eur(-value)}"
    return format_eur(value)


def signed_percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    if value > 0:
        return f"+{percent_text(value)}"
    if value < 0:
        return f"\u2212{percent_text(-value)}"
    return percent_text(value)
