"""Tika-style plain text: `[bookmark: _Toc…]` artefacts, table cells as tab-indented lines."""

from __future__ import annotations

import random
from pathlib import Path

from samplegen.docmodel import Block, DocTable, Para


def text_lines(blocks: list[Block], rng: random.Random) -> list[str]:
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, Para):
            if b.heading and b.section not in ("封面",) and rng.random() < 0.8:
                marks = "".join(
                    f"[bookmark: _Toc{rng.randint(10_000_000, 99_999_999)}]" for _ in range(rng.randint(1, 3))
                )
                lines.append(marks + b.text)
            else:
                lines.append(b.text)
        else:
            lines += table_lines(b)
    return lines


def table_lines(t: DocTable) -> list[str]:
    out = ["", f"\t{t.title}"]
    if t.unit:
        out.append(f"\t{t.unit}")
    out.append("")
    for row in t.header:
        out += [f"\t{c}" for c in row] + [""]
    for cells in t.rows:
        out += [f"\t{c.text}" for c in cells] + [""]
    if t.note:
        out.append(t.note)
    out.append("")
    return out


def render_text(blocks: list[Block], path: Path, encoding: str, rng: random.Random) -> None:
    data = "\n".join(text_lines(blocks, rng)) + "\n"
    path.write_bytes(data.encode(encoding))
