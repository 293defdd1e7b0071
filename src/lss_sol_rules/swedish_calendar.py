"""The Swedish calendar of statutory time limits (lag (1930:173) om beräkning av lagstadgad tid).

Lag 1930:173 2 §: when the last day for an action set by statute falls on a Saturday, a
Sunday or another public holiday (allmän helgdag), or on midsommarafton, julafton or
nyårsafton, the action may be taken on the next weekday (vardag). Public holidays are
those of lag (1989:253) om allmänna helgdagar, as they were in the year asked about
(annandag pingst until 2004, nationaldagen from 2005).

The holiday dates come from the ``holidays`` package's Swedish calendar, which computes
Easter, midsommardagen (the Saturday 20-26 June) and alla helgons dag (the Saturday
31 October - 6 November) for every year. We take its *public* category (exactly the
allmänna helgdagar of lag 1989:253) and, from its *de facto* category, only the three eves
the statute names; the other eves it lists (trettondagsafton, valborgsmässoafton, ...) do
not move a deadline. ``tests/test_swedish_calendar.py`` holds the library to the statute's
list for known years.

Everything here is pure and thread-safe: each year's days are computed once into a
frozenset behind an ``lru_cache``.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "NAMED_EVES",
    "day_name",
    "deadline_day",
    "is_non_working_day",
    "non_working_days",
    "statutory_days",
]

#: The years of the holiday library's Swedish calendar: from the 1952 holiday reform through
#: the library's horizon (after it the library answers "no holidays", which would be silently
#: wrong, so :func:`statutory_days` takes over on both sides).
FIRST_YEAR = 1953
LAST_YEAR = 2100

#: The eves lag 1930:173 2 § names beside Saturdays, Sundays and public holidays.
NAMED_EVES = frozenset({"Midsommarafton", "Julafton", "Nyårsafton"})

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def non_working_days(year: int) -> frozenset[date]:
    """The public holidays and named eves of *year* (Saturdays and Sundays not included).

    From :data:`FIRST_YEAR` through :data:`LAST_YEAR`, from the ``holidays`` package's Swedish
    calendar; outside them from :func:`statutory_days`, the list of lag 1989:253 as it reads
    today — for years before 1953 an approximation, long before the statutes this library
    encodes were in force.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return statutory_days(year)
    import holidays  # noqa: PLC0415 - imported on first use: most evaluations need no calendar

    # language="sv": names otherwise follow the host's locale; include_sundays=False: older
    # releases listed every Sunday (weekends are handled by weekday here); the three eves
    # are in the de facto category since holidays 0.88.
    cal = holidays.country_holidays(
        "SE", years=year, language="sv", categories=("public", "de_facto"), include_sundays=False
    )
    public = holidays.country_holidays(
        "SE", years=year, language="sv", categories=("public",), include_sundays=False
    )
    days = {d for d in public if d.year == year}
    days.update(d for d, name in cal.items() if d.year == year and name in NAMED_EVES)
    return frozenset(days)


def statutory_days(year: int) -> frozenset[date]:
    """Lag 1989:253's public holidays (as amended by SFS 2004:1320) and the three eves.

    Written from the statute's 2 § (Easter by the Gregorian computus of ``dateutil``):
    nyårsdagen, trettondedag jul, långfredagen, påskdagen, annandag påsk, första maj, Kristi
    himmelsfärdsdag (sixth Thursday after Easter), pingstdagen (seventh Sunday after Easter),
    nationaldagen (6 June, from 2005; annandag pingst until 2004), midsommardagen (the
    Saturday 20-26 June), alla helgons dag (the Saturday 31 October - 6 November), juldagen,
    annandag jul; and midsommarafton, julafton, nyårsafton. ``tests/test_swedish_calendar.py``
    holds it equal to the holiday library for every year the two share.
    """
    from dateutil.easter import easter  # type: ignore[import-untyped]  # noqa: PLC0415

    e = easter(year)
    days = {
        date(year, 1, 1),
        date(year, 1, 6),
        e - timedelta(days=2),
        e,
        e + timedelta(days=1),
        date(year, 5, 1),
        e + timedelta(days=39),
        e + timedelta(days=49),
        date(year, 12, 24),
        date(year, 12, 25),
        date(year, 12, 26),
        date(year, 12, 31),
    }
    if year >= 2005:
        days.add(date(year, 6, 6))
    else:
        days.add(e + timedelta(days=50))
    midsommardagen = next(
        date(year, 6, d) for d in range(20, 27) if date(year, 6, d).weekday() == 5
    )
    days.update((midsommardagen, midsommardagen - timedelta(days=1)))
    alla_helgon = next(
        d for d in (date(year, 10, 31) + timedelta(days=i) for i in range(7)) if d.weekday() == 5
    )
    days.add(alla_helgon)
    return frozenset(days)


def is_non_working_day(d: date) -> bool:
    """True for a Saturday, Sunday, public holiday, midsommarafton, julafton or nyårsafton."""
    return d.weekday() >= 5 or d in non_working_days(d.year)


def deadline_day(d: date) -> date:
    """The last day of a statutory time limit that would end on *d* (lag 1930:173 2 §).

    *d* itself when it is a weekday that is no holiday or named eve, otherwise the next
    day that is. A deadline on julafton (a Thursday in 2026) moves past juldagen and
    annandag jul to the following Monday.
    """
    while is_non_working_day(d):
        if d == date.max:
            raise OverflowError("date out of range")
        d += _ONE_DAY
    return d


_WEEKDAYS = {
    "sv": ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


@lru_cache(maxsize=512)
def _names(year: int, lang: str) -> dict[date, str]:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return {}
    import holidays  # noqa: PLC0415

    cal = holidays.country_holidays(
        "SE",
        years=year,
        language="sv" if lang == "sv" else "en_US",
        categories=("public", "de_facto"),
        include_sundays=False,
    )
    return {d: str(n) for d, n in cal.items() if d in non_working_days(year)}


def day_name(d: date, lang: str = "sv") -> str:
    """What *d* is, for a reader: ``"julafton"``, ``"söndag"``; ``"Christmas Eve"`` in English.

    A holiday or named eve of lag 1930:173 2 § by its name, otherwise the weekday.
    """
    if type(lang) is not str or lang not in _WEEKDAYS:
        from .errors import ArgumentError  # noqa: PLC0415 - the calendar imports nothing else

        raise ArgumentError("lang", "'sv' or 'en'", lang, "'sv' eller 'en'")
    name = _names(d.year, lang).get(d)
    if name is None:
        return _WEEKDAYS[lang][d.weekday()]
    return name[:1].lower() + name[1:] if lang == "sv" else name
