"""Grows the database to a fraction of a large Métropole's last ten years, for ``bench/scale.py``.

At 100 %: about 3,000 tenders of 2 to 6 lots, 25,000 bids, 5,000 contracts, 20,000 purchase orders,
150,000 invoices, 50 users, 1,450 vendors and 61 programmes, dated over the ten years before ``today``
(contract terms, renewals and budget credits run on after it). Rows are written with ``bulk_create``
in batches, with their primary keys chosen here so that rows can point at each other in one pass (the
foreign keys are checked at commit); every value respects the models' constraints, which the database
enforces. Nothing goes through the services: this is volume for measuring, not a history to audit (no
``simple_history`` rows).

Deterministic: the same ``seed``, ``today`` and sequence of fractions give the same rows. Growing is
incremental: the objects already grown (recognised by their references) are kept and only what a
larger fraction lacks is added, each tender drawn from its own seeded generator.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date

from django.core.management.color import no_style
from django.db import connection, models, transaction

from procurement.demo.loaders.scale.common import FULL_SIZE, TENDER_PREFIX, Growth, target_counts
from procurement.demo.loaders.scale.grower import GROWN_MODELS, Grower

__all__ = ["FULL_SIZE", "TENDER_PREFIX", "Growth", "grow", "target_counts"]


def reset_sequences(model_classes: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@transaction.atomic
def grow(*, fraction: float, today: date, seed: int = 23, batch_size: int = 2000) -> Growth:
    """Adds what the database lacks to hold ``fraction`` of the Métropole (the demo stays as it is)."""
    if not 0 <= fraction <= 10:
        raise ValueError("La fraction est comprise entre 0 et 10.")
    began = time.perf_counter()
    growth = Growth()
    counts = target_counts(fraction)
    grower = Grower(today=today, seed=seed, batch_size=batch_size, growth=growth)
    grower.users(counts["users"])
    grower.vendors(counts["vendors"])
    grower.programmes(counts["programmes"])
    grower.tenders(counts["tenders"])
    reset_sequences(GROWN_MODELS)
    growth.seconds = time.perf_counter() - began
    return growth
