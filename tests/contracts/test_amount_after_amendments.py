"""The amount after amendments is one rule: the contract page, the framework's consumption, the
period maxima, the DECP modifications and the commitments schedule call it."""

from decimal import Decimal

from procurement.contracts.rules.amounts import amount_after_amendments


def test_the_amount_after_amendments_adds_their_changes_to_the_cent():
    changes = [Decimal("4000.00"), Decimal("-1500.50")]
    assert amount_after_amendments(Decimal("100000.00"), changes) == Decimal("102499.50")
    assert amount_after_amendments(Decimal("98000"), []) == Decimal("98000.00")
    assert amount_after_amendments(Decimal("120000.00"), iter(changes)) == Decimal("122499.50")
