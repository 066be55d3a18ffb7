import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from procurement.contracts.exports.ocds import ocds_errors, ocds_package
from procurement.core.commands import ProcurementCommand, UsageError


class Command(ProcurementCommand):
    help = (
        "Écrit un paquet de publications OCDS 1.1 (consultation, attribution, marché, exécution) de chaque "
        "consultation publiée, validé contre le schéma, avec le préfixe d'ocid OCDS_OCID_PREFIX."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="fichier JSON à écrire")

    def run(self, *, output, **options):
        path = Path(output)
        if not path.parent.is_dir():
            raise UsageError(f"--output : le dossier {path.parent} n'existe pas")
        package = ocds_package(published_at=timezone.now())
        if not package["releases"]:
            raise UsageError("aucune consultation publiée : le paquet OCDS serait vide, rien n'est écrit")
        errors = ocds_errors(package)
        if errors:
            raise UsageError(f"paquet non conforme au schéma OCDS 1.1, rien n'est écrit : {errors[0]}")
        path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
        releases = package["releases"]
        tags = {}
        for release in releases:
            for tag in release["tag"]:
                tags[tag] = tags.get(tag, 0) + 1
        processes = len({release["ocid"] for release in releases})
        data = {"output": str(path), "ocid_prefix": settings.OCDS_OCID_PREFIX, "processes": processes,
                "releases": len(releases), "by_tag": tags}
        detail = ", ".join(f"{count} {tag}" for tag, count in tags.items())
        text = f"{len(releases)} publication(s) de {processes} procédure(s) écrite(s) dans {path}" + (
            f" ({detail})." if detail else ".")
        return data, text
