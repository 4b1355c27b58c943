"""Word output via python-docx: headings, paragraphs, ruled tables; fixed metadata dates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from samplegen.docmodel import Block, DocTable, Para
from samplegen.render_xlsx import stable_zip


def _table(doc, t: DocTable) -> None:
    doc.add_paragraph(t.title)
    if t.unit:
        doc.add_paragraph(t.unit)
    rows = [list(h) for h in t.header] + [[c.text for c in r] for r in t.rows]
    ncols = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=ncols)
    table.style = "Table Grid"
    for r_obj, texts in zip(table.rows, rows, strict=False):
        cells = r_obj.cells
        for c, text in enumerate(texts):
            if text:
                cells[c].text = text
    if t.note:
        doc.add_paragraph(t.note)


def render_docx(blocks: list[Block], path: Path, title: str) -> None:
    import docx

    doc = docx.Document()
    cp = doc.core_properties
    fixed = datetime(2001, 1, 1)
    cp.created = fixed
    cp.modified = fixed
    cp.last_printed = fixed
    cp.author = "示例县财政局"
    cp.last_modified_by = "示例县财政局"
    cp.title = title
    cp.revision = 1
    for b in blocks:
        if isinstance(b, Para):
            if b.heading:
                level = 0 if b.section == "封面" else (1 if b.text.startswith("第") else 2)
                doc.add_heading(b.text, level=level)
            else:
                doc.add_paragraph(b.text)
        else:
            _table(doc, b)
    doc.save(str(path))
    stable_zip(path)
