import argparse
import re

from procurement.core.commands import ProcurementCommand, UsageError
from procurement.resources.counter.sushi import SushiError, harvest
from procurement.resources.enums import CounterReportId
from procurement.resources.models import SushiCredential


def month(value: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un mois AAAA-MM")
    return value


class Command(ProcurementCommand):
    help = ("Moissonne par SUSHI les rapports COUNTER d'une plateforme pour chaque bibliothèque qui y a un "
            "accès, et les importe (un nouvel import de la même période remplace le précédent).")
    acts_as_user = True

    def add_arguments(self, parser):
        parser.add_argument("--platform", required=True, help="le nom de la plateforme")
        parser.add_argument("--report", default="PR_P1", choices=CounterReportId.values, help="le rapport")
        parser.add_argument("--begin", type=month, required=True, help="premier mois, AAAA-MM")
        parser.add_argument("--end", type=month, required=True, help="dernier mois, AAAA-MM")
        parser.add_argument("--library", default="", help="le code d'une seule bibliothèque")

    def run(self, *, platform, report, begin, end, library, user, **options):
        if begin > end:
            raise UsageError("--begin doit précéder --end")
        credentials = SushiCredential.objects.select_related("platform", "library").filter(platform__name=platform)
        if library:
            credentials = credentials.filter(library__code=library)
        if not credentials.exists():
            raise UsageError(f"aucun accès SUSHI pour la plateforme « {platform} »"
                             + (f" et la bibliothèque « {library} »" if library else ""))
        done, failed, lines = [], [], []
        total = credentials.count()
        for index, credential in enumerate(credentials, start=1):
            try:
                result = harvest(credential=credential, report_id=report, begin=begin, end=end, by=user)
            except SushiError as error:
                failed.append({"library": credential.library.code, "error": str(error)})
                lines.append(f"[{index}/{total}] {credential.library.code} : échec — {error}")
                continue
            done.append({"library": credential.library.code, "rows": result.report.rows,
                         "attempts": result.attempts})
            lines.append(f"[{index}/{total}] {credential.library.code} : {result.report.rows} lignes "
                         f"({result.attempts} tentative(s))")
        data = {"platform": platform, "report_id": report, "period": [begin, end], "harvested": done,
                "failed": failed}
        return data, "\n".join(lines)
