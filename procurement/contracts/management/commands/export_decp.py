import shutil
import tempfile
from pathlib import Path

from django.utils import timezone

from procurement.contracts.exports.decp import DecpIncomplete, DecpInvalid, decp_contracts, decp_write
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
        # Written and validated one contract at a time into a scratch file: the output is replaced only
        # once every contract is valid.
        with tempfile.TemporaryFile("w+", encoding="utf-8") as scratch:
            try:
                references = decp_write(decp_contracts(today=today), published_on=today, stream=scratch)
            except DecpIncomplete as error:
                raise UsageError(str(error)) from None
            except DecpInvalid as invalid:
                raise UsageError(f"export non conforme au schéma DECP, rien n'est écrit : {invalid.errors[0]}"
                                 ) from None
            scratch.seek(0)
            with path.open("w", encoding="utf-8") as file:
                shutil.copyfileobj(scratch, file)
        data = {"output": str(path), "date": today.isoformat(), "contracts": references}
        text = (f"{len(references)} marché(s) écrit(s) dans {path} (données essentielles au {today:%d/%m/%Y})"
                + (f" : {', '.join(references)}." if references else "."))
        return data, text
