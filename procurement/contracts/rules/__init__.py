"""The contract's rules, one module per subject, as plain functions over plain values: ``amounts``,
``advances``, ``amendments``, ``thresholds``, ``schedule`` (periods, renewal deadlines), ``pricing``
(price revision), ``payments`` (deadlines, late interest), ``commitments`` (the multi-year schedule: the
rule for one contract; ``commitments_frame`` for many at once, ``commitments_years`` their sums per year);
``figures`` reads the figures they need in force at a date; ``terms`` checks a contract's terms and
``guards`` its transitions with them."""
