"""Reads on contracts: ``contracts`` for the pages and services, ``finance`` for the follow-up."""
