"""COUNTER Release 5 / 5.1 usage reports: ``reader`` (read with celus-nibbler, checked row by row in
``rows``), ``writer`` (the demo files and the test samples) and ``sushi`` (the harvest)."""
