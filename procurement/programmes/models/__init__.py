from procurement.programmes.models.governance import (
    BodyDecision,
    BodyMeeting,
    CouncilAct,
    GovernanceBody,
    Milestone,
    Phase,
)
from procurement.programmes.models.programme import (
    Authority,
    BudgetCredit,
    BudgetLine,
    Programme,
    validate_siret,  # named by the migrations as ``procurement.programmes.models.validate_siret``
)

__all__ = ["Authority", "BodyDecision", "BodyMeeting", "BudgetCredit", "BudgetLine", "CouncilAct",
           "GovernanceBody", "Milestone", "Phase", "Programme", "validate_siret"]
