from pathlib import Path

from django.template.defaultfilters import filesizeformat

from procurement.core.backup import BackupError, create_backup
from procurement.core.commands import ProcurementCommand, UsageError


class Command(ProcurementCommand):
    help = (
        "Sauvegarde la base de données et les fichiers déposés dans une archive .zip, avec un manifeste "
        "(nombre de lignes et empreinte par modèle, somme de contrôle de chaque fichier). "
        "À restaurer avec « manage.py restore FICHIER »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="fichier .zip à écrire")

    def run(self, *, output, **options):
        try:
            summary = create_backup(output=output)
        except BackupError as error:
            raise UsageError(str(error)) from None
        data = {"path": str(summary.path), "models": summary.models, "rows": summary.rows,
                "files": summary.files, "size": summary.size}
        text = (f"Sauvegarde écrite dans {summary.path} ({filesizeformat(summary.size)}) : "
                f"{summary.rows} lignes de {summary.models} modèles, {summary.files} fichier(s).")
        return data, text
