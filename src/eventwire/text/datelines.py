"""Publication dates written on a page: ISO and RFC 822 values, datelines, dates in URLs.

INTERFACE:

    parse_published(value) -> date | None     # "2024-08-15T10:00Z", "Thu, 15 Aug 2024 10:00:00 GMT"
    parse_dateline(text: str, *, year: int | None = None) -> date | None
        # "KHAN YOUNIS, Aug 14 (Reuters) -", Wikinews "Friday, January 4, 2019", "2024-08-15"
    date_from_url(url: str) -> date | None     # ".../2024/08/15/...", "...20240815..."

The month, day, year and weekday patterns are shared with ``coding.dates``, which resolves
the dates written in a sentence.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re

logger = logging.getLogger(__name__)


MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}


MONTH_PATTERN = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"


DAY_PATTERN = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"


YEAR_PATTERN = r"(?P<year>(?:19|20)\d{2})"


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # datetime's order


WEEKDAY_PATTERN = rf"(?P<wd>{'|'.join(WEEKDAYS)})"


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    "A date, or None when the numbers make none."
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_DATELINE_PATTERNS = (
    re.compile(r"^\s*(?P<year>(?:19|20)\d{2})-(?P<m>[01]\d)-(?P<day>[0-3]\d)"),
    re.compile(rf"^\s*(?:{WEEKDAY_PATTERN},?\s+)?{MONTH_PATTERN}\s+{DAY_PATTERN},?\s+{YEAR_PATTERN}\b", re.IGNORECASE),
    re.compile(rf"^\s*(?:{WEEKDAY_PATTERN},?\s+)?{DAY_PATTERN}\s+{MONTH_PATTERN},?\s+{YEAR_PATTERN}\b", re.IGNORECASE),
    # WASHINGTON, Nov. 20, 2024 (AP) —  /  KHAN YOUNIS, Aug 14 (Reuters) -
    re.compile(rf"^\s*[A-Z][A-Za-z .'’/-]{{1,60}},(?:\s+[A-Z][A-Za-z .'-]{{1,40}},)?\s+(?i:{MONTH_PATTERN})\s+{DAY_PATTERN}(?:,?\s+{YEAR_PATTERN})?"
               r"\s*(?:\([^)]{1,40}\)|[-–—:])"),
)


def parse_dateline(text: str, *, year: int | None = None) -> dt.date | None:
    """The date at the head of a story: wire dateline, Wikinews date line, or ISO date."""
    head = text[:200]
    for pattern in _DATELINE_PATTERNS:
        m = pattern.match(head)
        if not m:
            continue
        if "m" in m.groupdict():
            return safe_date(int(m["year"]), int(m["m"]), int(m["day"]))
        found_year = int(m["year"]) if m["year"] else year
        if found_year is None:
            return None
        return safe_date(found_year, MONTHS[m["month"].lower().rstrip(".")], int(m["day"]))
    return None


_URL_DATES = (
    re.compile(r"/(?P<year>(?:19|20)\d{2})/(?P<m>[01]?\d)/(?P<day>[0-3]?\d)(?:/|$)"),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})-(?P<m>[01]\d)-(?P<day>[0-3]\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?P<m>[01]\d)(?P<day>[0-3]\d)(?!\d)"),
)


def date_from_url(url: str) -> dt.date | None:
    """A publication date written into a URL path ('/2024/08/15/', '20240815')."""
    for pattern in _URL_DATES:
        for m in pattern.finditer(url):
            when = safe_date(int(m["year"]), int(m["m"]), int(m["day"]))
            if when is not None:
                return when
    return None


def parse_published(value) -> dt.date | None:
    """A date from an ISO date/datetime string (``Z`` allowed) or an RFC 822 date; else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError, OverflowError):  # an absurd zone offset overflows
        logger.debug("unparsed publication date %r", value)
        return None
