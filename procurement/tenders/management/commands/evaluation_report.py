from pathlib import Path

from procurement.core.commands import ProcurementCommand, UsageError
from procurement.tenders.enums import AbnormallyLowDecision
from procurement.tenders.evaluation.export import evaluation_as_dict
from procurement.tenders.evaluation.report_pdf import build_report_pdf
from procurement.tenders.evaluation.scoring import fmt
from procurement.tenders.evaluation.selectors import lot_evaluation
from procurement.tenders.models import Lot, Tender


class Command(ProcurementCommand):
    help = (
        "Classement consolidé d'un lot (rapport d'analyse des offres) : notes par critère, dispersion, offres "
        "anormalement basses et sensibilité aux pondérations ; --output écrit aussi le rapport PDF. Refusé tant "
        "que le tour de notation est à l'aveugle."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tender", required=True, help="référence de la consultation (ex. BNM-2024-01)")
        parser.add_argument("--lot", required=True, type=int, help="numéro du lot dans la consultation, à partir de 1")
        parser.add_argument("--output", help="chemin du rapport PDF à écrire (ex. rapport.pdf)")

    def run(self, *, tender, lot, output, **options):
        found = Tender.objects.filter(reference=tender).first()
        if found is None:
            raise UsageError(f"--tender : consultation « {tender} » inconnue")
        chosen = Lot.objects.filter(tender=found, number=lot).first()
        if chosen is None:
            raise UsageError(f"--lot : la consultation {found.reference} n'a pas de lot {lot}")
        evaluation = lot_evaluation(chosen)
        if not evaluation.round.started and not evaluation.final:
            raise UsageError(f"le lot {lot} de {found.reference} n'a pas de commission d'évaluation : "
                             "aucun classement à produire")
        if not evaluation.final:
            raise UsageError(f"le tour de notation du lot {lot} de {found.reference} est encore à l'aveugle : le "
                             "classement sera lisible quand chaque évaluateur aura soumis ses notes ou que le "
                             "président aura clos le tour")
        if output:
            try:
                Path(output).write_bytes(build_report_pdf(evaluation))
            except OSError as error:
                raise UsageError(f"--output : impossible d'écrire « {output} » ({error.strerror})") from None
        data = evaluation_as_dict(evaluation)
        lines = [f"Classement du lot {lot} de {found.reference} — {chosen.title} :"]
        lines += [f"  {r['rank']}. {r['bidder']} : {r['total'].replace('.', ',')} points sur 100"
                  for r in data["ranking"]]
        lines += [f"  Dispersion : {f['bidder']}, « {f['criterion']} » (écart {f['spread'].replace('.', ',')})"
                  for f in data["dispersion_flags"]]
        decisions = dict(AbnormallyLowDecision.choices)
        lines += [f"  Offre anormalement basse : {o['bidder']} "
                  f"({decisions[o['decision']] if o['decision'] else 'justification à demander'})"
                  for o in data["abnormally_low"]]
        sensitive = evaluation.sensitivity.most_sensitive
        lines.append(f"  Critère le plus sensible : {sensitive.name} ({sensitive.label})." if sensitive
                     else "  Classement stable quelles que soient les pondérations.")
        if output:
            lines.append(f"Rapport PDF écrit dans {output}.")
        if evaluation.ranking.winner:
            lines.append(f"Premier : {evaluation.ranking.winner.bidder} ({fmt(evaluation.ranking.winner.total)}).")
        return data, "\n".join(lines)
