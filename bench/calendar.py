"""Provisional-year backtest: `python -m bench.calendar [--quick]`.

Pretends each of 2015–2026 has no holiday notice yet, computes every period kind from
every start day of the year before and the year itself, and compares with the notices:
party deadlines must never be earlier than the true date, bureau deadlines never later.
Prints the number of violations and the slack (days off the true date) per direction,
next to the count of comparisons made. `--quick` takes every 7th start day.
"""
from __future__ import annotations

import argparse
import time

from casework.legal_calendar import backtest
from casework.legal_calendar.holiday_law import AD_HOC


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every 7th start day (< 30 s)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = backtest.run(step=7 if args.quick else 1)
    elapsed = time.perf_counter() - started
    units = {"provisional_backtest_checked": "deadlines",
             "provisional_backtest_violations": "deadlines"}
    for name, value in result.figures().items():
        print(f"{name}: {value:g} {units.get(name, 'days')}")
    print(f"ad_hoc_days_excluded: {len(AD_HOC)} days")
    print(f"backtest_seconds: {elapsed:.1f} s")
    for violation in result.violations[:10]:
        print("violation:", *violation)


if __name__ == "__main__":
    main()
