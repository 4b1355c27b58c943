"""Small synthetic inputs for end-to-end tests (written by the tests, never copied from real documents)."""

from __future__ import annotations

from pathlib import Path

NARRATIVE = [
    "示例县测试局2024年度部门决算",
    "一、收入支出决算总体情况说明",
    "2024年度收入总计150.25万元，其中本年收入合计140.25万元，年初结转和结余10.00万元。"
    "与2023年相比增加12.50万元，增长9.07%。主要原因是人员增加。",
    "二、支出决算情况说明",
    "2024年本年支出合计150.25万元，其中：基本支出100.20万元，占66.69%；项目支出50.05万元，占33.31%。",
]


def write_sample_docx(path: Path) -> Path:
    from docx import Document

    doc = Document()
    doc.add_heading(NARRATIVE[0], level=1)
    for text in NARRATIVE[1:]:
        if text[0] in "一二三四五六七八九十" and "、" in text[:3]:
            doc.add_heading(text, level=2)
        else:
            doc.add_paragraph(text)
    doc.save(str(path))
    return path
