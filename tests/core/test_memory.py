import gc

import pytest

from procurement.core.memory import cycle_collection_paused


def test_the_collector_is_paused_inside_the_block_and_resumes_after_it_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), cycle_collection_paused():
        assert not gc.isenabled()
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_collector_already_paused_by_the_caller_stays_paused():
    gc.disable()
    try:
        with cycle_collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
