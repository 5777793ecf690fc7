"""The `Clock` foreign trait, implemented in Python, and the Kyiv calendar day it gives."""

import datetime
import gc

import pytest

import billing_ffi as bf

UTC = datetime.timezone.utc


class FixedClock(bf.Clock):
    """A Python implementation of the Rust `Clock` trait: always the same instant."""

    def __init__(self, instant):
        self.instant = instant
        self.calls = 0

    def now(self):
        self.calls += 1
        if isinstance(self.instant, BaseException):
            raise self.instant
        return self.instant


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "day"),
    [
        # Winter (UTC+2): Kyiv midnight is 22:00 UTC the day before.
        (utc(2024, 1, 15, 21, 59, 59), datetime.date(2024, 1, 15)),
        (utc(2024, 1, 15, 22, 0, 0), datetime.date(2024, 1, 16)),
        # Summer (UTC+3): 21:00 UTC.
        (utc(2024, 7, 15, 20, 59, 59), datetime.date(2024, 7, 15)),
        (utc(2024, 7, 15, 21, 0, 0), datetime.date(2024, 7, 16)),
        # The night clocks go forward (2024-03-31 01:00 UTC) and back (2024-10-27 01:00 UTC).
        (utc(2024, 3, 30, 22, 30), datetime.date(2024, 3, 31)),
        (utc(2024, 10, 26, 21, 30), datetime.date(2024, 10, 27)),
        # New Year: the billing month turns over in Kyiv two hours before UTC.
        (utc(2024, 12, 31, 21, 59, 59), datetime.date(2024, 12, 31)),
        (utc(2024, 12, 31, 22, 0, 0), datetime.date(2025, 1, 1)),
    ],
)
def test_today_in_kyiv_reads_the_python_clock(instant, day):
    clock = FixedClock(instant)
    assert bf.today_in_kyiv(clock) == day
    assert clock.calls == 1


def test_agrees_with_the_tz_database_of_python():
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        kyiv = zoneinfo.ZoneInfo("Europe/Kyiv")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no tz database with Europe/Kyiv on this machine")
    start = utc(2020, 1, 1)
    for hour in range(0, 6 * 365 * 24, 7):  # every 7 hours for six years: all hours, DST edges
        instant = start + datetime.timedelta(hours=hour, minutes=59, seconds=59)
        assert bf.today_in_kyiv(FixedClock(instant)) == instant.astimezone(kyiv).date(), instant


def test_instants_before_1970_work():
    # Kyiv kept Moscow time (UTC+3) in 1969: 22:00 UTC on New Year's Eve was already 1970 there.
    assert bf.today_in_kyiv(FixedClock(utc(1969, 12, 31, 22, 0))) == datetime.date(1970, 1, 1)


def test_a_billing_error_raised_by_the_clock_passes_through():
    raised = bf.BillingError.InvalidInput(code="clock.test", message="no time today")
    with pytest.raises(bf.BillingError.InvalidInput) as info:
        bf.today_in_kyiv(FixedClock(raised))
    assert (info.value.code, info.value.message) == ("clock.test", "no time today")


def test_other_exceptions_arrive_as_unexpected():
    with pytest.raises(bf.BillingError.Unexpected) as info:
        bf.today_in_kyiv(FixedClock(KeyError("tz")))
    assert info.value.code == "ffi.callback_failed"
    assert "KeyError" in info.value.message


def test_a_naive_datetime_is_refused_not_guessed():
    with pytest.raises(bf.BillingError.Unexpected) as info:
        bf.today_in_kyiv(FixedClock(datetime.datetime(2024, 1, 1, 12, 0)))
    assert info.value.code == "ffi.callback_failed"


def test_clocks_are_released_and_reusable():
    clock = FixedClock(utc(2024, 6, 1, 12))
    for _ in range(500):
        assert bf.today_in_kyiv(clock) == datetime.date(2024, 6, 1)
    assert clock.calls == 500
    for _ in range(500):
        bf.today_in_kyiv(FixedClock(utc(2024, 6, 1, 12)))
    gc.collect()
