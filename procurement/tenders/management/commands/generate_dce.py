from pathlib import Path

from django.core.exceptions import ValidationError

from procurement.core.commands import ProcurementCommand, UsageError
from procurement.tenders.models import Tender
from procurement.tenders.services.dce import GENERATION_STATES, dce_generate, dce_latest


class Command(ProcurementCommand):
    help = (
        "Génère le dossier de consultation (DCE) d'une consultation : RC, CCAP, CCTP, un acte d'engagement par "
        "lot et le BPU / DQE, enregistrés comme nouvelle version, puis écrits avec leur archive .zip dans le "
        "dossier indiqué. Une consultation déjà clôturée n'est pas régénérée : sa dernière version est écrite."
    )
    acts_as_user = True

    def add_arguments(self, parser):
        parser.add_argument("--tender", required=True, help="référence de la consultation (ex. BNM-2024-02)")
        parser.add_argument("--output", required=True, help="dossier où écrire les fichiers (créé s'il manque)")

    def run(self, *, tender, output, user, **options):
        found = Tender.objects.filter(reference=tender).first()
        if found is None:
            raise UsageError(f"--tender : la consultation « {tender} » n'existe pas")
        folder = self.folder(output)
        if found.state in GENERATION_STATES:
            try:
                generation = dce_generate(tender=found, by=user)
            except ValidationError as error:
                raise UsageError(" ".join(error.messages)) from None
        else:
            generation = dce_latest(found)
            if generation is None or not generation.archive:
                raise UsageError(f"la consultation « {tender} » est {found.get_state_display().lower()} et n'a "
                                 "aucun DCE enregistré à écrire")
        names = []
        try:
            for item in generation.files.order_by("position"):
                names.append(self.copy(item.file, folder / item.name))
            names.append(self.copy(generation.archive, folder / generation.archive_name))
        except OSError as error:
            raise UsageError(f"--output : impossible d'écrire dans « {output} » ({error.strerror or error})") from None
        data = {"tender": found.reference, "files": names}
        text = (f"DCE {found.reference}, version {generation.version} : {len(names)} fichiers écrits dans "
                f"{folder} :\n" + "\n".join(f"  {name}" for name in names))
        return data, text

    @staticmethod
    def folder(output: str) -> Path:
        folder = Path(output)
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"--output : « {output} » existe et n'est pas un dossier")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageError(f"--output : « {output} » ne peut pas être créé comme dossier "
                             f"({error.strerror or error})") from None
        return folder

    @staticmethod
    def copy(field, target: Path) -> str:
        with field.open("rb") as source:
            target.write_bytes(source.read())
        return target.name
