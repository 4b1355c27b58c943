"""Edit one printed figure of a text document in place (a department's corrected file), in its own encoding."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

FIGURE = re.compile(r"\d+\.\d\d")


def shift_figure(path: Path, delta: Decimal, pick: Callable[[list[re.Match[str]]], re.Match[str]]) -> None:
    """Add ``delta`` to the 2-decimal figure ``pick`` chooses among the file's figures (UTF-8 or GB18030)."""
    raw = path.read_bytes()
    encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        encoding = "gb18030"
        text = raw.decode(encoding)
    m = pick(list(FIGURE.finditer(text)))
    shifted = f"{Decimal(m.group(0)) + delta:.2f}"
    path.write_bytes((text[:m.start()] + shifted + text[m.end():]).encode(encoding))
