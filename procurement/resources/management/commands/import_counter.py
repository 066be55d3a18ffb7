from pathlib import Path

from procurement.core.commands import ProcurementCommand, UsageError
from procurement.resources.counter.errors import CounterError, error_line
from procurement.resources.counter.reader import read_report
from procurement.resources.services import usage_report_save


class Command(ProcurementCommand):
    help = ("Importe un rapport COUNTER 5 ou 5.1 (TR_B1, DR_D1, PR_P1, TR, DR, PR ; TSV, CSV, xlsx ou JSON). "
            "Réimporter la même plateforme, le même établissement et la même période remplace l'import "
            "précédent ; un fichier mal formé n'enregistre rien.")
    acts_as_user = True

    def add_arguments(self, parser):
        parser.add_argument("file", help="le fichier du rapport")

    def run(self, *, file, user, **options):
        try:
            parsed = read_report(file)  # read before touching the database: a bad file saves nothing
        except CounterError as error:
            raise UsageError(error_line(error)) from None
        report = usage_report_save(parsed=parsed, file_name=Path(file).name, by=user)
        data = {"report_id": parsed.report_id, "release": parsed.release, "platform": parsed.platform,
                "institution": parsed.institution, "period": [parsed.begin.isoformat(), parsed.end.isoformat()],
                "rows": parsed.rows}
        text = (f"Rapport {parsed.report_id} (COUNTER {parsed.release}) de {parsed.platform} importé pour "
                f"{parsed.institution}, du {parsed.begin:%d/%m/%Y} au {parsed.end:%d/%m/%Y} : {parsed.rows} lignes.")
        unmatched = []
        if report.platform_id is None:
            unmatched.append(f"plateforme « {parsed.platform} » inconnue")
        if report.library_id is None:
            unmatched.append("établissement inconnu")
        if unmatched:
            text += " Non rapproché : " + ", ".join(unmatched) + "."
        return data, text
