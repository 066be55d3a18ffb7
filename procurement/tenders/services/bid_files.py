"""The reading of the bids' files after the opening: each download is logged (who, when, which file)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from procurement.core.permissions import require
from procurement.tenders.evaluation.abilities import evaluation_abilities
from procurement.tenders.models import BidFile, BidFileDownload


@transaction.atomic
def bid_file_download_record(*, bid_file: BidFile, by) -> BidFileDownload:
    """Logs that ``by`` downloads ``bid_file``; refused without the lot's ``read_bids`` ability."""
    lot = bid_file.bid.lot
    require(evaluation_abilities(lot, by)["read_bids"], "Les fichiers de cette offre ne vous sont pas communiqués.")
    return BidFileDownload.objects.create(bid_file=bid_file, user=by, downloaded_at=timezone.now())
