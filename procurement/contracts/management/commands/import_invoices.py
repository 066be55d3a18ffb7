from pathlib import Path

from procurement.contracts.services.invoice_imports import invoices_import
from procurement.core.commands import ProcurementCommand, UsageError, iso_date

REFUSED_EXIT_STATUS = 1


class Command(ProcurementCommand):
    help = ("Importe des factures électroniques reçues par Chorus Pro (Factur-X PDF, UBL 2.1 ou CII XML), "
            "contrôlées contre leurs schémas officiels. Chaque fichier est enregistré en entier ou refusé avec "
            "tous ses problèmes ; la sortie liste le sort de chaque fichier. Statut de sortie : 0 si tous les "
            "fichiers sont enregistrés, 1 si au moins un est refusé, 2 sur un argument invalide.")
    acts_as_user = True

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FICHIER", help="les fichiers des factures")
        parser.add_argument("--received-on", type=iso_date, default=None,
                            help="date de dépôt sur Chorus Pro (AAAA-MM-JJ ; aujourd'hui par défaut) : "
                                 "le délai de paiement court à partir d'elle")

    def run(self, *, files, user, received_on, **options):
        contents = []
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise UsageError(f"le fichier « {name} » n'existe pas")
            contents.append((path.name, path.read_bytes()))
        outcomes = invoices_import(files=contents, by=user, received_on=received_on)
        self.refused = sum(1 for outcome in outcomes if outcome.status == "refused")
        lines = []
        for outcome in outcomes:
            if outcome.recorded is not None:
                lines.append(f"{outcome.file} : facture {outcome.invoice} enregistrée sur le marché "
                             f"{outcome.contract} ({outcome.amount_ht:.2f} € HT).")
            else:
                lines.append(f"{outcome.file} : refusé — " + " ; ".join(outcome.problems))
        # The JSON is the list itself, one object per file, in the order given.
        return [outcome.as_dict() for outcome in outcomes], "\n".join(lines)

    def handle(self, *args, **options):
        super().handle(*args, **options)
        if getattr(self, "refused", 0) and self._called_from_command_line:
            raise SystemExit(REFUSED_EXIT_STATUS)
