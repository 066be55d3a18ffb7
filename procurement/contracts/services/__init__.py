"""The business rules of contracts, by subject: creation and terms, transitions and the clock,
renewal decisions, orders, amendments, indices and revisions, subcontracting."""
