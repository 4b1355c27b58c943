"""Parsing displayed figures into exact :class:`~ingest.model.Amount` values."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ingest.model import Amount

# 1,234.56  1234.56  -12.3  （12.30）  0  —  full-width digits are normalised first
_NUMBER = re.compile(r"^[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-−]?\d+(?:\.\d+)?$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")


def normalise_number_text(text: str) -> str:
    """Full-width digits to ASCII, strip spaces; keeps separators for the pattern."""
    return text.translate(_FULLWIDTH).replace(" ", "").replace("\u3000", "").strip()


def parse_amount(text: str) -> Amount | None:
    """Parse a displayed number ('2,452.66', '7.7', '-3.00', '(3.00)'); None if not a number.

    The number of displayed decimals is kept so checks can reason about rounding.
    """
    raw = text
    t = normalise_number_text(text)
    negative = False
    if len(t) > 2 and t[0] in "(（" and t[-1] in ")）":
        negative, t = True, t[1:-1]
    if not t or not _NUMBER.match(t):
        return None
    t = t.replace("−", "-").replace(",", "")
    try:
        value = Decimal(t)
    except InvalidOperation:
        return None
    if negative:
        value = -value
    decimals = len(t.split(".", 1)[1]) if "." in t else 0
    return Amount(value=value, decimals=decimals, raw=raw.strip())


def same_figure(a: Amount, b: Amount) -> bool:
    """Whether two displayed figures can stand for one value (their rounding intervals meet)."""
    return abs(a.value - b.value) <= a.half_ulp + b.half_ulp


def sums_to(whole: Amount, parts: list[Amount]) -> bool:
    """Whether displayed ``parts`` can sum to displayed ``whole`` (rounding alone never breaks it)."""
    slack = whole.half_ulp + sum((p.half_ulp for p in parts), Decimal(0))
    return abs(sum((p.value for p in parts), Decimal(0)) - whole.value) <= slack
