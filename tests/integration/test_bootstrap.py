"""Bootstrapping never re-points the process clock behind another container's back."""
from __future__ import annotations

import pytest

from casework import clock as clock_module
from casework.bootstrap import bootstrap
from tests.conftest import START


def test_a_second_bootstrap_keeps_the_first_containers_clock(clock, database_url, tmp_path):
    first = bootstrap(database_url=database_url, data_dir=tmp_path / "a", clock=clock)
    other = clock_module.TravelClock(START.replace(year=2030))
    with pytest.raises(ValueError, match="install it first"):
        bootstrap(database_url=database_url, data_dir=tmp_path / "b", clock=other)
    second = bootstrap(database_url=database_url, data_dir=tmp_path / "b")
    assert clock_module.current() is clock and first.clock is clock and second.clock is clock
    assert clock_module.now() == START
    first.dispose()
    second.dispose()
