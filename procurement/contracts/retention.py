"""Retention of procurement records (LEGAL.md « Records and personal data »; Code de la commande
publique R.2184-12 and R.2184-13), read across tenders and contracts (contracts may read tenders).

| record | kept at least | from | source |
|---|---|---|---|
| applications and bids of unsuccessful candidates | 5 years | the signature of the contract | R.2184-12 |
| the contract and its documents, supplies and services | 5 years | the end of execution | R.2184-13 |
| the contract and its documents, works | 10 years | the end of execution | R.2184-13 |

Past these periods the authority may purge. Unsuccessful bids (their files and rows) are purged by
``purge_records --confirm``; their history rows stay (the audit trail: who recorded what, when).
Contracts are listed only: public archives may be destroyed only with the visa of the archives
service (Code du patrimoine, L.212-2), so the command shows them for the sorting decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.functions import Coalesce

from procurement.contracts.models import Contract
from procurement.tenders.enums import Nature
from procurement.tenders.models import Bid, BidFile

UNSUCCESSFUL_BIDS_YEARS = 5     # R.2184-12
CONTRACT_YEARS = 5              # R.2184-13, supplies and services
WORKS_CONTRACT_YEARS = 10       # R.2184-13, works


@dataclass(frozen=True)
class RecordDue:
    kind: str          # "unsuccessful_bid" | "contract"
    pk: int
    label: str
    since: date        # start of the retention period
    kept_until: date   # end of the retention period (the record may go after it)
    purgeable: bool    # purged by the command (else: archives' decision)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "id": self.pk, "label": self.label, "since": self.since.isoformat(),
                "kept_until": self.kept_until.isoformat(), "purgeable": self.purgeable}


def records_past_retention(*, today: date) -> list[RecordDue]:
    due: list[RecordDue] = []
    signed = {contract.lot_id: contract for contract in
              Contract.objects.filter(signed_on__isnull=False).only("lot_id", "signed_on", "reference")}
    bids = (Bid.objects.filter(lot_id__in=signed).select_related("lot__tender", "vendor")
            .order_by("lot__tender__reference", "lot__number", "pk"))
    for bid in bids:
        contract = signed[bid.lot_id]
        until = contract.signed_on + relativedelta(years=UNSUCCESSFUL_BIDS_YEARS)
        if bid.pk != bid.lot.winner_id and until < today:
            due.append(RecordDue("unsuccessful_bid", bid.pk,
                                 f"Offre non retenue de {bid.vendor.name} ({bid.lot.tender.reference}, "
                                 f"lot {bid.lot.number})", contract.signed_on, until, True))
    contracts = (Contract.objects.annotate(end=Coalesce("terminated_on", "ended_on"))
                 .filter(end__isnull=False).select_related("lot__tender").order_by("reference"))
    for contract in contracts:
        years = WORKS_CONTRACT_YEARS if contract.lot.tender.nature == Nature.WORKS else CONTRACT_YEARS
        until = contract.end + relativedelta(years=years)
        if until < today:
            due.append(RecordDue("contract", contract.pk, f"Marché {contract.reference} — {contract.title}",
                                 contract.end, until, False))
    return due


@transaction.atomic
def purge_records(*, records: list[RecordDue]) -> dict[str, int]:
    """Deletes the purgeable records (bids, their files, scores and price lines by cascade); the
    history tables keep their rows. Files are deleted once the transaction has committed."""
    bid_ids = [record.pk for record in records if record.purgeable and record.kind == "unsuccessful_bid"]
    files = list(BidFile.objects.filter(bid_id__in=bid_ids).values_list("file", flat=True))
    deleted, _by_model = Bid.objects.filter(pk__in=bid_ids).delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files if name])
    return {"bids": len(bid_ids), "files": len(files), "rows": deleted}
