"""Thin views of the contracts app: read through selectors, write through services, decide with
``get_abilities``. Split by subject: contracts, actions on a contract, price indices."""
