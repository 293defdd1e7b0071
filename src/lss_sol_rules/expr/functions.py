"""The whitelist of pure functions rule expressions may call.

Nothing else is callable from a rule. Each :class:`Function` declares its argument and
result types so a call is type-checked when the rule is loaded. Plugins may add functions
through the ``lss_sol_rules_functions`` hook; they must be pure and deterministic.

Date arithmetic follows lag (1930:173) om beräkning av lagstadgad tid: a period of months
or years that ends in a month without the matching day ends on that month's last day, so
``add_years(2000-02-29, 65)`` is 2065-02-28.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

__all__ = ["STANDARD_FUNCTIONS", "Function", "add_months", "age"]


@attrs.frozen
class Function:
    """A whitelisted function.

    ``args`` are rule-language types; ``"T"`` is a type variable that all ``"T"`` arguments
    share and ``returns = "T"`` returns. ``"orderable"`` restricts ``T`` to number or date.
    """

    name: str
    args: tuple[str, ...]
    returns: str
    impl: Callable[..., Any]
    doc: str
    orderable: bool = False


def add_months(d: date, months: int) -> date:
    """*d* plus *months* calendar months, clamped to the end of a shorter month."""
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last))


def add_years(d: date, years: int) -> date:
    """*d* plus *years* years (29 February becomes 28 February in other years)."""
    return add_months(d, 12 * years)


def add_days(d: date, days: int) -> date:
    """*d* plus *days* days (negative goes back)."""
    return d + timedelta(days=days)


def age(birth: date, on: date) -> int:
    """Full years on *on* for someone born on *birth*: the birthday itself counts."""
    years = on.year - birth.year
    return years if add_years(birth, years) <= on else years - 1


def months_between(start: date, end: date) -> int:
    """Whole calendar months from *start* to *end* (negative if *end* is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    elif months < 0 and add_months(start, months) < end:
        months += 1
    return months


def days_between(start: date, end: date) -> int:
    """Days from *start* to *end* (negative if *end* is earlier)."""
    return (end - start).days


def end_of_month(d: date) -> date:
    """Last day of *d*'s month."""
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def start_of_quarter(d: date) -> date:
    """First day of *d*'s calendar quarter."""
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def end_of_quarter(d: date) -> date:
    """Last day of *d*'s calendar quarter."""
    return end_of_month(date(d.year, 3 * ((d.month - 1) // 3) + 3, 1))


def make_date(year: int, month: int, day: int) -> date:
    """The date year-month-day; ``ValueError`` if there is no such day."""
    return date(year, month, day)


def _min(a: Any, b: Any) -> Any:
    return a if a <= b else b


def _max(a: Any, b: Any) -> Any:
    return a if a >= b else b


def _abs(a: int | Decimal) -> int | Decimal:
    return -a if a < 0 else a


def _len(items: tuple[Any, ...]) -> int:
    return len(items)


def _deadline_day(d: date) -> date:
    from ..swedish_calendar import deadline_day  # noqa: PLC0415 - the calendar loads lazily

    return deadline_day(d)


def _day_name(d: date, lang: str) -> str:
    from ..swedish_calendar import day_name  # noqa: PLC0415

    return day_name(d, lang)


def _is_non_working_day(d: date) -> bool:
    from ..swedish_calendar import is_non_working_day  # noqa: PLC0415

    return is_non_working_day(d)


def _year(d: date) -> int:
    return d.year


def _month(d: date) -> int:
    return d.month


STANDARD_FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function(
            "age",
            ("date", "date"),
            "int",
            age,
            "age(birth, on): full years on a date; the birthday counts",
        ),
        Function(
            "add_days", ("date", "int"), "date", add_days, "add_days(d, n): the date n days after d"
        ),
        Function(
            "add_months",
            ("date", "int"),
            "date",
            add_months,
            "add_months(d, n): n calendar months after d, end-of-month clamped",
        ),
        Function(
            "add_years",
            ("date", "int"),
            "date",
            add_years,
            "add_years(d, n): n years after d; 29 February gives 28 February",
        ),
        Function(
            "days_between",
            ("date", "date"),
            "int",
            days_between,
            "days_between(a, b): days from a to b",
        ),
        Function(
            "months_between",
            ("date", "date"),
            "int",
            months_between,
            "months_between(a, b): whole months from a to b",
        ),
        Function(
            "end_of_month",
            ("date",),
            "date",
            end_of_month,
            "end_of_month(d): last day of d's month",
        ),
        Function(
            "start_of_quarter",
            ("date",),
            "date",
            start_of_quarter,
            "start_of_quarter(d): first day of d's quarter",
        ),
        Function(
            "end_of_quarter",
            ("date",),
            "date",
            end_of_quarter,
            "end_of_quarter(d): last day of d's quarter",
        ),
        Function(
            "date",
            ("int", "int", "int"),
            "date",
            make_date,
            "date(y, m, d): the date with that year, month and day",
        ),
        Function("year", ("date",), "int", _year, "year(d): the year of d"),
        Function("month", ("date",), "int", _month, "month(d): the month (1-12) of d"),
        Function(
            "min",
            ("T", "T"),
            "T",
            _min,
            "min(a, b): the smaller number or earlier date",
            orderable=True,
        ),
        Function(
            "max",
            ("T", "T"),
            "T",
            _max,
            "max(a, b): the larger number or later date",
            orderable=True,
        ),
        Function(
            "deadline_day",
            ("date",),
            "date",
            _deadline_day,
            "deadline_day(d): d, or if d is a Saturday, Sunday, public holiday, midsommarafton,"
            " julafton or nyårsafton, the next weekday (lag 1930:173 2 §)",
        ),
        Function(
            "day_name",
            ("date", "text"),
            "text",
            _day_name,
            "day_name(d, lang): what d is, 'julafton', 'söndag' (lang 'sv' or 'en')",
        ),
        Function(
            "is_non_working_day",
            ("date",),
            "bool",
            _is_non_working_day,
            "is_non_working_day(d): d is a Saturday, Sunday, public holiday, midsommarafton,"
            " julafton or nyårsafton",
        ),
        Function("abs", ("number",), "number", _abs, "abs(x): x without its sign"),
        Function("len", ("list",), "int", _len, "len(xs): how many items a list has"),
    )
}
