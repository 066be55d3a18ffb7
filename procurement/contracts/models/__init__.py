from procurement.contracts.models.amendments import Amendment
from procurement.contracts.models.contract import Contract
from procurement.contracts.models.indices import IndexSeries, IndexValue, PriceRevision, PriceRevisionClause
from procurement.contracts.models.invoices import Invoice, InvoiceFile, InvoiceLine, SentReminder
from procurement.contracts.models.log import ContractRenewal, ContractTransitionLog, RenewalDecision
from procurement.contracts.models.orders import PurchaseOrder
from procurement.contracts.models.subcontracts import Subcontract

__all__ = ["Amendment", "Contract", "ContractRenewal", "ContractTransitionLog", "IndexSeries", "IndexValue", "Invoice",
           "InvoiceFile", "InvoiceLine", "PriceRevision", "PriceRevisionClause", "PurchaseOrder", "RenewalDecision",
           "SentReminder", "Subcontract"]
