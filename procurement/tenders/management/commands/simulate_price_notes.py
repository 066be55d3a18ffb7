import argparse

from procurement.core.commands import ProcurementCommand, UsageError
from procurement.core.money import MoneyError, to_decimal
from procurement.tenders.evaluation.scoring import fmt
from procurement.tenders.evaluation.simulator import SimulationError, simulate_price_notes


def number(value: str):
    """argparse type: a decimal number (« 100000 », « 100 000,50 »); the simulator checks its range."""
    try:
        return to_decimal(value)
    except MoneyError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un nombre") from None


class Command(ProcurementCommand):
    help = (
        "Simule les notes de prix d'un ensemble d'offres sous chaque formule de notation : notes, totaux "
        "avec les notes techniques le cas échéant, classement et avertissements (formule refusée, offre qui "
        "ne peut pas gagner mais change l'ordre des autres)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--prices", nargs="*", type=number, default=[], help="les prix des offres, dans l'ordre")
        parser.add_argument("--points", required=True, type=number, help="points du critère prix (sur 100)")
        parser.add_argument("--technical", nargs="*", type=number, default=None,
                            help="une note technique par prix, dans le même ordre")
        parser.add_argument("--technical-points", type=number, default=None,
                            help="points de la valeur technique (défaut : 100 − points du prix)")

    def run(self, *, prices, points, technical, technical_points, **options):
        try:
            results = simulate_price_notes(prices=prices, points=points, technical=technical,
                                           technical_points=technical_points)
        except SimulationError as error:
            option = {"prices": "--prices", "points": "--points", "technical": "--technical",
                      "technical_points": "--technical-points"}.get(error.field, "")
            raise UsageError(f"{option} : {error}" if option else str(error)) from None
        lines = []
        for result in results:
            lines.append(f"{result.label} :")
            if result.refused:
                lines.append(f"  refusée : {result.refused}")
                continue
            for index, note in enumerate(result.notes):
                total = f", total {fmt(result.totals[index])}" if result.totals is not None else ""
                lines.append(f"  offre n° {index + 1} ({fmt(prices[index])} €) : note {fmt(note)}{total}, "
                             f"rang {result.ranking[index]}")
            lines += [f"  ⚠ {warning}" for warning in result.warnings]
        return {"formulas": [result.as_dict() for result in results]}, "\n".join(lines)
