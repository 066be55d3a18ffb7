"""Rules on award criteria, as pure functions over plain values (easy to test without a database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from procurement.core.numbers import format_number
from procurement.tenders.enums import CriterionKind

TOTAL_POINTS = Decimal("100")


@dataclass
class CriterionNode:
    name: str
    kind: str
    points: Decimal
    price_formula: str = ""
    children: list[CriterionNode] = field(default_factory=list)


def _points(value: Decimal) -> str:
    return format_number(value)


def criteria_errors(tree: list[CriterionNode], *, environmental_required: bool) -> list[str]:
    """French sentences saying what is wrong with a lot's criteria; empty when they are valid."""
    if not tree:
        return ["Aucun critère d'attribution n'est défini."]
    return structure_errors(tree) + policy_errors(tree, environmental_required=environmental_required)


def structure_errors(tree: list[CriterionNode]) -> list[str]:
    """Points that do not add up, too deep a tree, a price criterion without its formula."""
    errors = []
    total = sum((node.points for node in tree), Decimal(0))
    if total != TOTAL_POINTS:
        errors.append(f"Les critères totalisent {_points(total)} points au lieu de 100.")
    for node in tree:
        if node.children:
            shared = sum((child.points for child in node.children), Decimal(0))
            if shared != node.points:
                errors.append(
                    f"Les sous-critères de « {node.name} » totalisent {_points(shared)} points au lieu de "
                    f"{_points(node.points)}."
                )
            for child in node.children:
                if child.children:
                    errors.append(f"« {child.name} » : deux niveaux de critères au plus.")
        if node.kind == CriterionKind.PRICE and not node.price_formula:
            errors.append(f"Le critère prix « {node.name} » n'a pas de formule de notation.")
    return errors


def policy_errors(tree: list[CriterionNode], *, environmental_required: bool) -> list[str]:
    """What the law asks of the criteria of a consultation started on a given date."""
    errors = []
    kinds = {node.kind for node in tree} | {child.kind for node in tree for child in node.children}
    if environmental_required:
        if CriterionKind.ENVIRONMENTAL not in kinds:
            errors.append(
                "Au moins un critère doit porter sur les caractéristiques environnementales de l'offre "
                "(consultation lancée à partir du 21 août 2026 : loi Climat et résilience, CCP L.2152-7)."
            )
        if len(tree) == 1 and tree[0].kind == CriterionKind.PRICE:
            errors.append("Le prix ne peut plus être le critère unique (CCP L.2152-7, R.2152-7).")
    return errors
