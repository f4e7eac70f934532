from datetime import date, datetime, timedelta

from casework import clock


def test_travel_clock_moves_only_when_told():
    travel = clock.TravelClock(datetime(2026, 1, 1, 16, 30, tzinfo=clock.UTC))
    previous = clock.install(travel)
    try:
        assert clock.now() == datetime(2026, 1, 1, 16, 30, tzinfo=clock.UTC)
        # 16:30 UTC is 00:30 the next day in Shanghai.
        assert clock.today_local() == date(2026, 1, 2)
        travel.advance(days=3)
        assert clock.today_local() == date(2026, 1, 5)
    finally:
        clock.install(previous)


def test_naive_values_are_utc_and_deadline_day_ends_at_shanghai_midnight():
    assert clock.as_utc(datetime(2026, 5, 1, 8, 0)).tzinfo is clock.UTC
    end = clock.end_of_local_day_utc(date(2026, 10, 8))
    assert end == datetime(2026, 10, 8, 16, 0, tzinfo=clock.UTC)
    assert clock.to_local(end - timedelta(seconds=1)).date() == date(2026, 10, 8)


def test_deadlines_show_as_24_00_of_their_last_day():
    end = clock.end_of_local_day_utc(date(2026, 12, 23))
    assert clock.format_deadline(end) == "2026-12-23 24:00"
    assert clock.format_deadline(None) == ""
