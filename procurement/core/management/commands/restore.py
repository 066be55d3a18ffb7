from pathlib import Path

from procurement.core.backup import BackupError, restore_backup
from procurement.core.commands import ProcurementCommand, UsageError


class Command(ProcurementCommand):
    help = (
        "Restaure une sauvegarde faite par « manage.py backup » : vérifie les sommes de contrôle, "
        "charge les données dans une base migrée et vide, vérifie qu'elles sont identiques à la "
        "sauvegarde, puis remet les fichiers. Refuse une base qui contient des données, sauf --force "
        "(qui les efface)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="archive .zip écrite par « manage.py backup »")
        parser.add_argument("--force", action="store_true",
                            help="effacer les données présentes (base et fichiers) avant de restaurer")

    def run(self, *, source, force, **options):
        try:
            summary = restore_backup(source=source, force=force)
        except BackupError as error:
            raise UsageError(str(error)) from None
        data = {"path": str(summary.path), "models": summary.models, "rows": summary.rows, "files": summary.files}
        text = (f"Sauvegarde {summary.path.name} restaurée : {summary.rows} lignes de {summary.models} modèles "
                f"identiques à la sauvegarde, {summary.files} fichier(s).")
        return data, text
