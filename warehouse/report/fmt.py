"""Display formatting of money, shares and counts: Decimal only, never through float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DASH = "—"
HUNDRED = Decimal(100)


def money(value: Decimal | None, places: int = 2) -> str:
    """万元 figure with thousands separators: 12,345.60."""
    if value is None:
        return DASH
    q = Decimal(1).scaleb(-places)
    return format(value.quantize(q, rounding=ROUND_HALF_UP), ",f")


def signed_money(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return DASH
    text = money(value, places)
    return text if value < 0 else "+" + text


def pct(value: Decimal | None, places: int = 1, signed: bool = False) -> str:
    """A percentage already scaled to 0–100."""
    if value is None:
        return DASH
    q = Decimal(1).scaleb(-places)
    text = format(value.quantize(q, rounding=ROUND_HALF_UP), "f") + "%"
    return "+" + text if signed and value > 0 else text


def count(value: Decimal | int | None) -> str:
    if value is None:
        return DASH
    return format(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP), ",f")


def ratio_pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole × 100, or None when undefined."""
    if part is None or whole is None or whole == 0:
        return None
    try:
        return part * HUNDRED / whole
    except InvalidOperation:
        return None


def change_pct(current: Decimal | None, prior: Decimal | None) -> Decimal | None:
    if current is None or prior is None or prior == 0:
        return None
    return (current - prior) * HUNDRED / abs(prior)
