"""Dated evidence: when a certificate counts.

A certificate row (terms registry, type ``certificates``) states when it was issued and when it
expires, as ISO dates. It counts from its issue date up to the day before its expiry date: on
the expiry day it no longer counts – on the service page, in the search facets and in the
comparison requirements – and shows as expired. Days are Norwegian calendar days
(``catalogue.workdays.oslo_today``).
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Iterable, Mapping, Optional

from catalogue.workdays import oslo_today

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NORWEGIAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
EARLIEST, LATEST = date(1980, 1, 1), date(2100, 12, 31)


def parse_day(raw: Any) -> Optional[date]:
    """A date written ``2027-03-31`` (as ``<input type=date>`` sends it) or ``31.03.2027``; else ``None``."""
    if isinstance(raw, date):
        return raw
    text = str(raw or "").strip()
    for pattern, order in ((_ISO, "ymd"), (_NORWEGIAN, "dmy")):
        m = pattern.fullmatch(text)
        if m:
            a, b, c = (int(x) for x in m.groups())
            try:
                day = date(a, b, c) if order == "ymd" else date(c, b, a)
            except ValueError:
                return None
            return day if EARLIEST <= day <= LATEST else None
    return None


def counts_on(row: Mapping[str, Any], today: Optional[date] = None) -> bool:
    """Does the certificate *row* count on *today*: issued on or before it, expiring after it?"""
    today = today or oslo_today()
    issued, expires = parse_day(row.get("issued")), parse_day(row.get("expires"))
    return issued is not None and expires is not None and issued <= today < expires


def is_expired(row: Mapping[str, Any], today: Optional[date] = None) -> bool:
    expires = parse_day(row.get("expires"))
    return expires is not None and expires <= (today or oslo_today())


def valid_rows(value: Any, today: Optional[date] = None) -> list[Mapping[str, Any]]:
    rows: Iterable[Any] = value if isinstance(value, (list, tuple)) else []
    today = today or oslo_today()
    return [r for r in rows if isinstance(r, Mapping) and counts_on(r, today)]


def valid_standards(value: Any, today: Optional[date] = None) -> list[str]:
    """The standards of the certificates in *value* that count on *today* (each once, in row order)."""
    out: list[str] = []
    for row in valid_rows(value, today):
        standard = row.get("standard")
        if standard and standard not in out:
            out.append(standard)
    return out


# ---------------------------------------------------------------------------
# the tax and VAT certificate (skatteattest) of a qualification application

# Source: forskrift om offentlige anskaffelser (anskaffelsesforskriften) § 7-2 (skatteattest) – the
# certificate for tax and VAT shall not be older than six months. Six calendar months from the issue
# date it is still accepted; from the day after it is refused.
TAX_CERTIFICATE_MAX_AGE_MONTHS = 6


def add_months(day: date, months: int) -> date:
    """The same day *months* later (the last day of the month when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def tax_certificate_too_old(issued: date, today: Optional[date] = None) -> bool:
    """Is a tax certificate issued on *issued* older than the six months allowed on *today*?"""
    return add_months(issued, TAX_CERTIFICATE_MAX_AGE_MONTHS) < (today or oslo_today())
