from pathlib import Path

from procurement.core.commands import ProcurementCommand, UsageError
from procurement.tenders.exports.eforms import NoticeRefused, eforms_notice
from procurement.tenders.rules.eforms import NOTICE_LABELS, SUBTYPES
from procurement.tenders.selectors import tender_for_notice


class Command(ProcurementCommand):
    help = ("Écrit l'avis européen eForms (SDK 1.15, valide au regard des XSD) d'un appel d'offres ouvert : avis de "
            "marché (cn, sous-type 16) ou avis d'attribution (can, sous-type 29) ; refusé (code 2) en nommant "
            "le champ obligatoire manquant, ou quand l'état de la consultation ne le permet pas.")

    def add_arguments(self, parser):
        parser.add_argument("--tender", required=True, help="référence de la consultation (ex. BNM-2024-01)")
        parser.add_argument("--notice", required=True, choices=list(SUBTYPES),
                            help="cn (avis de marché) ou can (avis d'attribution)")
        parser.add_argument("--output", required=True, help="fichier XML à écrire")

    def run(self, *, tender, notice, output, **options):
        found = tender_for_notice(reference=tender)
        if found is None:
            raise UsageError(f"--tender : la consultation « {tender} » n'existe pas")
        try:
            xml = eforms_notice(tender=found, notice=notice)
        except NoticeRefused as refusal:
            raise UsageError(str(refusal)) from None
        target = Path(output)
        try:
            target.write_bytes(xml)
        except OSError as error:
            raise UsageError(f"--output : impossible d'écrire « {output} » ({error.strerror or error})") from None
        label = NOTICE_LABELS[notice]
        data = {"tender": found.reference, "notice": notice, "subtype": SUBTYPES[notice], "file": str(target),
                "bytes": len(xml)}
        text = f"{label.capitalize()} eForms (sous-type {SUBTYPES[notice]}) de {found.reference} écrit dans {target}."
        return data, text
