import argparse

from procurement.core.commands import ProcurementCommand, UsageError
from procurement.core.money import format_eur
from procurement.core.numbers import format_number
from procurement.programmes.models import Programme
from procurement.sharing.enums import COST_BASIS_WORDS, CostBasis
from procurement.sharing.rules import SharingRefused
from procurement.sharing.selectors.agreements import agreement_for, programme_by_reference
from procurement.sharing.selectors.shares import shares, sharing_json


def year(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas une année") from None
    if not 2000 <= number <= 2100:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas une année entre 2000 et 2100")
    return number


class Command(ProcurementCommand):
    help = ("Part de chaque membre (la Métropole, les communes) dans ce que la convention de partage des coûts du "
            "programme partage une année : le coût TTC des marchés et lignes partagés, tel que l'échéancier des "
            "finances le compte (bons de commande, révisions, maintenance), réparti selon la clé et arrondi au "
            "centime de sorte que les parts fassent exactement le total.")

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="la référence du programme, par exemple BNM")
        parser.add_argument("--year", type=year, required=True, help="l'année, par exemple 2026")
        parser.add_argument("--key", default=None,
                            help="population, usage, flat (une seule composante) ou le nom d'une clé de la "
                                 "convention ; par défaut, la clé qu'elle applique")
        parser.add_argument("--basis", choices=CostBasis.values, default=CostBasis.COMMITTED,
                            help="committed (engagé TTC, par défaut) ou forecast (prévisionnel TTC)")

    def run(self, *, programme, year, key, basis, **options):
        found = programme_by_reference(programme)
        if found is None:
            known = ", ".join(Programme.objects.order_by("reference").values_list("reference", flat=True)) or "aucun"
            raise UsageError(f"--programme : programme inconnu « {programme} » (programmes : {known})")
        agreement = agreement_for(programme=found, year=year)
        if agreement is None:
            raise UsageError(f"--year : aucune convention de partage des coûts du programme {found.reference} ne "
                             f"couvre {year}")
        try:
            sharing = shares(agreement=agreement, year=year, key=key, basis=basis)
        except SharingRefused as refusal:
            raise UsageError(refusal.reason) from None
        lines = [f"{agreement} — {year}, clé « {sharing.key.name} » ({sharing.key.description}) : "
                 f"{format_eur(sharing.total_ttc)} TTC ({COST_BASIS_WORDS[CostBasis(basis)]}) à répartir."]
        for row in sharing.members:
            population = "population non saisie" if row.population is None else \
                f"{format_number(row.population)} hab."
            percent = format_number(row.share_percent, places=2)
            lines.append(f"  {row.member.name} : {format_eur(row.share_ttc)} ({percent} %), {population}, "
                         f"{format_number(row.uses)} usages")
        lines.append(sharing.rounding_rule)
        return sharing_json(sharing), "\n".join(lines)
