"""The evaluation of the bids: pure rules (scoring, consolidation, abnormally low bids,
sensitivity, price schedule reading), the selectors that load a lot in a fixed number of queries,
the services that record the committee's work, and the award report."""
