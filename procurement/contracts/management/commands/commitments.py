from procurement.contracts.selectors.finance import commitments, commitments_json
from procurement.core.commands import ProcurementCommand, UsageError
from procurement.core.money import format_eur
from procurement.programmes.enums import BudgetSection

MIN_YEAR, MAX_YEAR = 1900, 2200


def year(value: str) -> int:
    import argparse

    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas une année") from None
    if not MIN_YEAR <= number <= MAX_YEAR:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas une année entre {MIN_YEAR} et {MAX_YEAR}")
    return number


class Command(ProcurementCommand):
    help = ("Engagements des marchés signés par ligne budgétaire et par année (engagé, prévisionnel avec les "
            "reconductions non refusées et le reste des estimations des accords-cadres), comparés aux crédits "
            "votés (TTC).")

    def add_arguments(self, parser):
        parser.add_argument("--year-from", type=year, required=True, help="première année (incluse)")
        parser.add_argument("--year-to", type=year, required=True, help="dernière année (incluse)")

    def run(self, *, year_from, year_to, **options):
        if year_from > year_to:
            raise UsageError(f"--year-from ({year_from}) est après --year-to ({year_to})")
        if year_to - year_from > 50:
            raise UsageError("la période demandée dépasse 50 ans")
        table = commitments(year_from=year_from, year_to=year_to)
        lines = []
        for year_ in table.years:
            lines.append(f"{year_} :")
            for row in table.lines:
                cell = row.cells[year_]
                section = BudgetSection(row.line.section).label
                lines.append(f"  {row.line.label} ({section}) : engagé {format_eur(cell.committed_ttc)} TTC "
                             f"({format_eur(cell.committed_ht)} HT), prévisionnel {format_eur(cell.forecast_ttc)} TTC, "
                             f"budget {format_eur(cell.budget_ttc)} TTC, reste {format_eur(cell.remaining_ttc)} TTC")
            if not table.lines:
                lines.append("  aucune ligne budgétaire")
        return commitments_json(table), "\n".join(lines)
