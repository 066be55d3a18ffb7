from procurement.tenders.models.bids import Bid, BidFile, OpeningRecord
from procurement.tenders.models.criteria import Criterion
from procurement.tenders.models.lot import Lot
from procurement.tenders.models.qa import Question
from procurement.tenders.models.tender import Tender
from procurement.tenders.models.transitions import TransitionLog

__all__ = ["Bid", "BidFile", "Criterion", "Lot", "OpeningRecord", "Question", "Tender", "TransitionLog"]
