import json
from pathlib import Path

from django.utils import timezone

from procurement.contracts.exports.decp import DecpIncomplete, decp_contracts, decp_document, decp_errors
from procurement.core.commands import ProcurementCommand, UsageError, iso_date


class Command(ProcurementCommand):
    help = (
        "Écrit les données essentielles (DECP, schéma 2.0.4) de chaque marché notifié d'au moins 40 000 € HT "
        "(seuil en vigueur à sa notification) et de ses avenants, dans un fichier JSON validé contre le schéma."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="fichier JSON à écrire")
        parser.add_argument("--date", type=iso_date, default=None,
                            help="jour de publication AAAA-MM-JJ (aujourd'hui par défaut)")

    def run(self, *, output, date=None, **options):
        today = date or timezone.localdate()
        path = Path(output)
        if not path.parent.is_dir():
            raise UsageError(f"--output : le dossier {path.parent} n'existe pas")
        contracts = decp_contracts(today=today)
        try:
            document = decp_document(contracts, published_on=today)
        except DecpIncomplete as error:
            raise UsageError(str(error)) from None
        errors = decp_errors(document)
        if errors:
            raise UsageError(f"export non conforme au schéma DECP, rien n'est écrit : {errors[0]}")
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        references = [marche["id"] for marche in document["marches"]["marche"]]
        data = {"output": str(path), "date": today.isoformat(), "contracts": references}
        text = (f"{len(references)} marché(s) écrit(s) dans {path} (données essentielles au {today:%d/%m/%Y})"
                + (f" : {', '.join(references)}." if references else "."))
        return data, text
