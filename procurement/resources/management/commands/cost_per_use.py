import argparse

from procurement.core.commands import ProcurementCommand
from procurement.core.money import format_eur
from procurement.resources.selectors import cost_per_use_table


def year(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas une année") from None
    if not 2000 <= number <= 2100:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas une année entre 2000 et 2100")
    return number


class Command(ProcurementCommand):
    help = ("Coût par usage des ressources en ligne pour une année : coût TTC payé (bons de commande du "
            "marché, révisions comprises, au prorata de la part de la ressource), usages de la métrique "
            "COUNTER choisie, coût par usage.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=year, required=True, help="l'année, par exemple 2026")

    def run(self, *, year, **options):
        table = cost_per_use_table(year=year)
        data = {"year": year, "resources": [
            {"resource": row.resource.name, "cost_ttc": str(row.cost_ttc), "uses": row.uses, "metric": row.metric,
             "cost_per_use": None if row.cost_per_use is None else str(row.cost_per_use)}
            for row in table]}
        lines = [f"Coût par usage en {year} :"] if table else [f"Aucune ressource en ligne enregistrée ({year})."]
        for row in table:
            per_use = format_eur(row.cost_per_use) if row.cost_per_use is not None else "sans usage"
            lines.append(f"  {row.resource.name} : {format_eur(row.cost_ttc)} TTC, {row.uses} {row.metric}, "
                         f"{per_use} par usage")
        return data, "\n".join(lines)
