"""The contract's legal rules, one module per subject. ``amounts``, ``advances``, ``amendments`` and
``thresholds`` are plain functions over plain values; ``figures`` reads the figures they need in
force at a date; ``terms`` checks a contract's terms and ``guards`` its transitions with them."""
