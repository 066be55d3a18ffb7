from django.utils import timezone

from procurement.contracts.retention import purge_records, records_past_retention
from procurement.core.commands import ProcurementCommand, iso_date


class Command(ProcurementCommand):
    help = (
        "Liste les dossiers dont la durée de conservation est échue (offres non retenues : 5 ans après la "
        "signature du marché, R.2184-12 ; marchés : 5 ans, ou 10 ans pour les travaux, après la fin "
        "d'exécution, R.2184-13). Sans --confirm, ne supprime rien. Avec --confirm, supprime les offres non "
        "retenues et leurs fichiers, en gardant l'historique ; les marchés restent listés pour la décision "
        "d'élimination, qui demande le visa du service d'archives."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=iso_date, help="date de référence (AAAA-MM-JJ), aujourd'hui par défaut")
        parser.add_argument("--confirm", action="store_true", help="supprimer réellement les dossiers échus")

    def run(self, *, today, confirm, **options):
        today = today or timezone.localdate()
        records = records_past_retention(today=today)
        purgeable = [record for record in records if record.purgeable]
        purged = purge_records(records=purgeable) if confirm and purgeable else {"bids": 0, "files": 0, "rows": 0}
        data = {"today": today.isoformat(), "confirmed": confirm, "records": [r.as_dict() for r in records],
                "purged": purged}
        lines = [f"Dossiers dont la durée de conservation est échue au {today:%d/%m/%Y} : {len(records)}."]
        for record in records:
            action = "à supprimer" if record.purgeable else "à soumettre au service d'archives"
            lines.append(f"  {record.label} — conservé jusqu'au {record.kept_until:%d/%m/%Y} ({action})")
        if confirm:
            lines.append(f"Supprimé : {purged['bids']} offre(s) non retenue(s), {purged['files']} fichier(s) ; "
                         "l'historique est conservé.")
        elif purgeable:
            lines.append(f"Rien n'a été supprimé. Relancez avec --confirm pour supprimer {len(purgeable)} offre(s).")
        return data, "\n".join(lines)
