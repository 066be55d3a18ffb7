"""The allocation's rules over plain values: weights of a combined key, floors and caps with what they
hold back shared again, the rounding to the cent that always adds up, and the keys refused with the reason."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement.sharing.rules import Bound, Component, SharingRefused, allocate, key_weights, round_to_cents

HALF_AND_HALF = [Component("population", "population 2026", Decimal("50")),
                 Component("usage", "usages COUNTER 2026", Decimal("50"))]


def test_a_member_with_no_use_takes_nothing_from_the_uses_component():
    weights = key_weights(HALF_AND_HALF, {"Albigny": {"population": 1000, "usage": 0},
                                          "Brignais": {"population": 3000, "usage": 600}})
    # Albigny: ½ × 1000/4000 + ½ × 0; Brignais: ½ × 3000/4000 + ½ × 600/600.
    assert weights == {"Albigny": Fraction(1, 8), "Brignais": Fraction(7, 8)}
    assert allocate(Decimal("1000.00"), weights).shares == {"Albigny": Decimal("125.00"),
                                                            "Brignais": Decimal("875.00")}


def test_a_flat_part_divides_equally_whatever_the_population():
    weights = key_weights([Component("flat", "part égale", Decimal("1"))],
                          {"A": {"flat": 1}, "B": {"flat": 1}, "C": {"flat": 1}})
    assert weights == {"A": Fraction(1, 3), "B": Fraction(1, 3), "C": Fraction(1, 3)}


def test_the_cent_left_by_the_rounding_goes_to_the_largest_lost_fraction_then_the_first_member():
    allocation = allocate(Decimal("100.00"), {"A": Fraction(1, 3), "B": Fraction(1, 3), "C": Fraction(1, 3)})
    # 33.333… each: 33.33 rounded down thrice, one cent left; equal fractions and shares: the first member.
    assert allocation.shares == {"A": Decimal("33.34"), "B": Decimal("33.33"), "C": Decimal("33.33")}
    assert allocation.rounded_up == frozenset({"A"})


def test_the_rounding_favours_the_share_that_lost_the_most_not_the_order():
    shares, given_to = round_to_cents(Decimal("0.10"), {"A": Fraction(31, 1000), "B": Fraction(69, 1000)})
    # 3.1 cents and 6.9 cents: B lost 0.9 of a cent, A 0.1: the cent left goes to B.
    assert shares == {"A": Decimal("0.03"), "B": Decimal("0.07")} and given_to == frozenset({"B"})


def test_a_cap_holds_the_member_back_and_the_others_share_the_excess_in_proportion():
    weights = {"Ville-centre": Fraction(6, 10), "Villebrune": Fraction(3, 10), "Curis": Fraction(1, 10)}
    allocation = allocate(Decimal("1000.00"), weights, bounds={"Ville-centre": Bound(cap=Decimal("450.00"))})
    # 600 capped at 450: the 150 held back go 3/4 to Villebrune, 1/4 to Curis.
    assert allocation.shares == {"Ville-centre": Decimal("450.00"), "Villebrune": Decimal("412.50"),
                                 "Curis": Decimal("137.50")}
    assert allocation.bounded == {"Ville-centre": "cap"}


def test_a_floor_raised_again_when_the_others_drop_after_a_first_floor():
    weights = {"A": Fraction(80, 100), "B": Fraction(12, 100), "C": Fraction(8, 100)}
    bounds = {"B": Bound(floor=Decimal("150.00")), "C": Bound(floor=Decimal("100.00"))}
    allocation = allocate(Decimal("1000.00"), weights, bounds=bounds)
    # B 120 < 150 and C 80 < 100: both held; A pays the rest.
    assert allocation.shares == {"A": Decimal("750.00"), "B": Decimal("150.00"), "C": Decimal("100.00")}
    assert allocation.bounded == {"B": "floor", "C": "floor"}


@pytest.mark.parametrize(("weights", "bounds", "reason"), [
    ({"A": Fraction(1, 2), "B": Fraction(1, 2)}, {"A": Bound(floor=Decimal("600")), "B": Bound(floor=Decimal("500"))},
     "Les planchers (1 100,00 €) dépassent ensemble le total à répartir (1 000,00 €)."),
    ({"A": Fraction(1, 2), "B": Fraction(1, 2)}, {"A": Bound(cap=Decimal("300")), "B": Bound(cap=Decimal("400"))},
     "Les plafonds ne couvrent pas le total à répartir (1 000,00 €) : ils permettent de demander au plus 700,00 € "
     "aux membres."),
    ({"A": Fraction(1, 2), "B": Fraction(1, 2)}, {"A": Bound(floor=Decimal("1200"))},
     "Le plancher de A (1 200,00 €) dépasse le total à répartir (1 000,00 €) : il lui ferait payer plus que le "
     "total."),
    ({"A": Fraction(1, 2), "B": Fraction(1, 2)}, {"B": Bound(cap=Decimal("-5"))},
     "Le plafond de B (-5,00 €) est négatif : il lui ferait payer moins que rien."),
    ({"A": Fraction(1, 2), "B": Fraction(1, 2)}, {"B": Bound(floor=Decimal("300"), cap=Decimal("200"))},
     "Le plancher de B (300,00 €) dépasse son plafond (200,00 €)."),
    ({"A": Fraction(0), "B": Fraction(0)}, {},
     "Tous les membres ont un poids nul dans la clé : elle ne peut rien répartir."),
    ({"A": Fraction(-1, 2), "B": Fraction(3, 2)}, {},
     "Le poids de A dans la clé est négatif : il paierait moins que rien."),
])
def test_a_key_that_cannot_divide_the_total_is_refused_with_the_reason(weights, bounds, reason):
    with pytest.raises(SharingRefused) as refused:
        allocate(Decimal("1000.00"), weights, bounds=bounds)
    assert refused.value.reason.replace("\u00a0", " ").replace("\u202f", " ") == reason


def test_a_usage_key_without_any_use_is_refused():
    with pytest.raises(SharingRefused, match=r"^La composante « usages COUNTER 2027 » ne peut rien répartir : tous "
                                             r"les membres y comptent pour zéro\.$"):
        key_weights([Component("usage", "usages COUNTER 2027", Decimal("1"))],
                    {"A": {"usage": 0}, "B": {"usage": 0}})


def test_weightless_members_cannot_pay_what_the_caps_leave():
    with pytest.raises(SharingRefused, match="Les plafonds ne couvrent pas le total"):
        allocate(Decimal("200.00"), {"A": Fraction(1), "B": Fraction(0)}, bounds={"A": Bound(cap=Decimal("100"))})


# Properties ----------------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=10**9).map(lambda cents: Decimal(cents) / 100)
member_weights = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12)


@st.composite
def bounded_keys(draw):
    """A total, weights, and floors and caps drawn as parts of the total (so that most keys can divide it)."""
    weights = draw(member_weights)
    total = draw(amounts)
    per_mille = st.none() | st.integers(min_value=0, max_value=1000)
    bounds = {}
    for index in range(len(weights)):
        floor, cap = draw(per_mille), draw(per_mille)
        floor = None if floor is None else (total * floor / 1000 / len(weights)).quantize(Decimal("0.01"))
        cap = None if cap is None else (total * cap / 1000).quantize(Decimal("0.01"))
        if floor is not None or cap is not None:
            bounds[index] = Bound(floor=floor, cap=cap)
    return total, {index: Fraction(weight) for index, weight in enumerate(weights)}, bounds


@settings(max_examples=400, deadline=None)
@given(total=amounts, weights=member_weights)
def test_the_shares_always_add_up_to_the_total(total, weights):
    weights = {index: Fraction(weight) for index, weight in enumerate(weights)}
    try:
        allocation = allocate(total, weights)
    except SharingRefused:
        assert sum(weights.values()) == 0
        return
    assert sum(allocation.shares.values()) == total
    for member, share in allocation.shares.items():
        assert share == share.quantize(Decimal("0.01")) and 0 <= share <= total
        assert abs(Fraction(share) - allocation.exact[member]) < Fraction(1, 100)


def divisible(total, weights, bounds) -> bool:
    """Whether some shares proportional to the weights, held between the bounds, make the total."""
    if not any(weights.values()):
        return False
    if any(b.floor is not None and b.cap is not None and b.floor > b.cap for b in bounds.values()):
        return False
    if sum((b.floor for b in bounds.values() if b.floor is not None), Decimal(0)) > total:
        return False
    if any(weight and bounds.get(member, Bound()).cap is None for member, weight in weights.items()):
        return True
    most = sum((bounds[m].cap if w else (bounds.get(m, Bound()).floor or 0) for m, w in weights.items()), Decimal(0))
    return most >= total


@settings(max_examples=400, deadline=None)
@given(bounded_keys())
def test_with_floors_and_caps_the_shares_add_up_stay_within_bounds_and_the_free_members_pay_alike(key):
    total, weights, bounds = key
    try:
        allocation = allocate(total, weights, bounds=bounds)
    except SharingRefused:
        assert not divisible(total, weights, bounds)
        return
    assert divisible(total, weights, bounds)
    assert sum(allocation.shares.values()) == total
    assert sum(allocation.exact.values()) == Fraction(total)
    ratios = set()
    for member, share in allocation.shares.items():
        bound = bounds.get(member, Bound())
        assert bound.floor is None or share >= bound.floor
        assert bound.cap is None or share <= bound.cap
        if member not in allocation.bounded and weights[member]:
            ratios.add(allocation.exact[member] / weights[member])
    # Every member not held at a bound pays the same multiple of its weight.
    assert len(ratios) <= 1
    if ratios:
        ratio = ratios.pop()
        for member, kind in allocation.bounded.items():
            wanted = ratio * weights[member]
            assert (wanted >= allocation.exact[member]) if kind == "cap" else (wanted <= allocation.exact[member])
