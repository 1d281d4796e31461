"""Calendar arithmetic the domain needs (no dependency: the rule is one line)."""

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the month's end: 31 August + 6
    months is 28 or 29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# How far ahead a date typed by staff may lie. A typo such as 31/12/9999 was accepted, e-mailed
# to the doctor or the commission, and left the dossier waiting for a day that never comes.
WITHIN_A_YEAR = 365  # a complements deadline, a site visit
WITHIN_TWO_YEARS = 2 * 365  # a commission session (they meet once or twice a year)


def latest_day(days: int) -> datetime.date:
    """The last day a date `days` ahead of today may fall on."""
    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=days)


def beyond(day: datetime.date, days: int) -> bool:
    return day > latest_day(days)
