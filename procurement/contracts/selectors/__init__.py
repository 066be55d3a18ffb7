"""Reads on contracts: ``contracts`` for the pages and services, ``invoices`` for the invoices and their
deadlines, ``finance`` for the commitments schedule against the budget (``commitment_terms`` reads the
contracts' terms it needs)."""
