"""Thin views of the tenders app: read through selectors, write through services, decide with
``get_abilities``. Split by subject: tenders, lots, bids."""
