"""The calendar behind lag 1930:173 2 §, held to the statute's list (lag 1989:253)."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lss_sol_rules.swedish_calendar import (
    LAST_YEAR,
    deadline_day,
    is_non_working_day,
    non_working_days,
    statutory_days,
)


@pytest.mark.parametrize("year", range(1990, LAST_YEAR + 1))
def test_the_library_calendar_is_the_statutes_list(year: int) -> None:
    # Lag 1989:253 as amended by SFS 2004:1320 (nationaldagen from 2005, annandag pingst
    # until 2004) plus the eves of lag 1930:173 2 §, computed independently.
    assert non_working_days(year) == statutory_days(year)


@pytest.mark.parametrize(
    ("day", "what"),
    [
        (date(2024, 3, 29), "långfredagen"),
        (date(2025, 4, 21), "annandag påsk"),
        (date(2026, 5, 14), "Kristi himmelsfärdsdag"),
        (date(2026, 6, 19), "midsommarafton"),
        (date(2027, 6, 25), "midsommarafton"),
        (date(2026, 6, 6), "nationaldagen (a Saturday)"),
        (date(2025, 6, 6), "nationaldagen (a Friday)"),
        (date(2024, 11, 2), "alla helgons dag"),
        (date(2026, 12, 24), "julafton"),
        (date(2026, 12, 31), "nyårsafton"),
        (date(2004, 5, 31), "annandag pingst 2004"),
    ],
)
def test_statutory_days_are_not_working_days(day: date, what: str) -> None:
    assert is_non_working_day(day), what


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 5),  # trettondagsafton: not in the statute
        date(2026, 4, 30),  # valborgsmässoafton: not in the statute
        date(2026, 4, 2),  # skärtorsdagen
        date(2026, 5, 15),  # a "klämdag"
        date(2026, 10, 30),  # allahelgonsafton
        date(2005, 5, 16),  # annandag pingst after 2004: a working day
        date(2004, 6, 7),  # 6 June before 2005: a working day (a Monday)
    ],
)
def test_other_eves_and_bridge_days_are_working_days(day: date) -> None:
    assert not is_non_working_day(day)


@pytest.mark.parametrize(
    ("last", "moved"),
    [
        (date(2026, 12, 24), date(2026, 12, 28)),
        (date(2026, 12, 31), date(2027, 1, 4)),
        (date(2027, 12, 31), date(2028, 1, 3)),
        (date(2026, 6, 19), date(2026, 6, 22)),
        (date(2026, 4, 3), date(2026, 4, 7)),
        (date(2026, 3, 23), date(2026, 3, 23)),
    ],
)
def test_deadline_day_moves_to_the_next_weekday(last: date, moved: date) -> None:
    assert deadline_day(last) == moved


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 20)))
def test_deadline_day_is_the_first_working_day_on_or_after(d: date) -> None:
    out = deadline_day(d)
    assert out >= d
    assert not is_non_working_day(out)
    day = d
    while day < out:
        assert is_non_working_day(day)
        day += timedelta(days=1)


def test_the_last_days_of_the_calendar_overflow_with_a_clear_error() -> None:
    with pytest.raises(OverflowError):
        deadline_day(date(9999, 12, 31))  # nyårsafton 9999 has no next weekday


def test_threads_see_the_same_calendar() -> None:
    non_working_days.cache_clear()
    results: list[frozenset[date]] = []

    def work() -> None:
        results.append(non_working_days(2031))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1
