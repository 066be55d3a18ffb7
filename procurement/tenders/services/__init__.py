"""Business rules of the tenders app, split by subject."""
