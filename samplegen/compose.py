"""Assemble one department-year disclosure (DocModel) in the Sichuan or Shanghai template."""

from __future__ import annotations

import random

from samplegen import compose_narrative as nar
from samplegen.compose_tables import Style, all_tables
from samplegen.county import Department
from samplegen.docmodel import Block, DocModel, Para
from samplegen.figures import YearFigures


def doc_title(dept: Department, year: int) -> str:
    return f"{dept.name}{year}年度部门决算"


def compose(
    dept: Department, fig: YearFigures, prev: YearFigures, rng: random.Random, initial_budget: bool = False
) -> DocModel:
    """The 决算 of a department-year; ``initial_budget``: its quoted budgets are called 年初预算."""
    template = dept.template
    style = Style(
        commas=rng.random() < 0.6 if template == "shanghai" else rng.random() < 0.2,
        zero_blank=template == "shanghai" or rng.random() < 0.3,
        split_codes=template == "sichuan" and rng.random() < 0.6,
    )
    tables = all_tables(fig, style)
    blocks: list[Block] = [Para("封面", [doc_title(dept, fig.year)], heading=True, section="封面")]
    blocks += nar.overview(dept, fig, template)
    explanation = nar.explanation(dept, fig, prev, template, initial_budget)
    if template == "shanghai":
        blocks.append(
            Para("报表", [f"第二部分 {dept.name}{fig.year}年度部门决算表"], heading=True, section="报表")
        )
        blocks += tables
        blocks += explanation
        blocks += nar.glossary(template)
    else:
        blocks += explanation
        blocks += nar.glossary(template)
        blocks.append(Para("附件", ["第四部分 附件"], heading=True, section="附件"))
        blocks += nar.performance_tables(dept, fig)
        blocks.append(Para("报表", [f"第五部分 {fig.year}年度部门决算报表"], heading=True, section="报表"))
        blocks += tables
    doc_id = f"{dept.dept_id}-{fig.year}"
    return DocModel(
        doc_id,
        dept.dept_id,
        dept.name,
        fig.year,
        template,
        doc_title(dept, fig.year),
        blocks,
        money_with_commas=style.commas,
        zero_blank=style.zero_blank,
    )
