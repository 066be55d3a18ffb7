"""Models arrive with the tenders and contracts issues."""
