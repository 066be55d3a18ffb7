from procurement.tenders.models.bids import Bid, BidFile, BidFileDownload, OpeningRecord
from procurement.tenders.models.cao import CaoDecision, CaoMeeting, CaoMember, CaoOpinion
from procurement.tenders.models.criteria import Criterion
from procurement.tenders.models.documents import DceFile, DceGeneration, LetterDocument
from procurement.tenders.models.evaluation import (
    AbnormallyLowReview,
    CommitteeMember,
    CommitteeScore,
    ConflictDeclaration,
    EvaluationSettings,
    RoundClosure,
    Score,
    Submission,
)
from procurement.tenders.models.lot import Lot
from procurement.tenders.models.price_schedule import BidPriceLine, PriceItem
from procurement.tenders.models.qa import Question
from procurement.tenders.models.tender import Tender
from procurement.tenders.models.transitions import TransitionLog

__all__ = ["Bid", "BidFile", "BidPriceLine", "Criterion", "Lot", "OpeningRecord", "PriceItem", "Question", "Tender",
           "TransitionLog"]
__all__ += ["AbnormallyLowReview", "CommitteeMember", "CommitteeScore", "ConflictDeclaration",
            "EvaluationSettings", "RoundClosure", "Score", "Submission"]
__all__ += ["DceFile", "DceGeneration", "LetterDocument"]
__all__ += ["BidFileDownload"]
__all__ += ["CaoDecision", "CaoMeeting", "CaoMember", "CaoOpinion"]
