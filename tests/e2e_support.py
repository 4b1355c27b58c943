"""End-to-end test support: small synthetic inputs (written by the tests, never copied from real documents) and the
one way tests run the real command `juesuan run` as an operator does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

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


def cli_env() -> dict[str, str]:
    """This environment without the session's Prefect settings: each run starts its own API, or none."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}


def juesuan_run(inbox: Path, warehouse: Path, *extra: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """`juesuan run --inbox INBOX --warehouse WAREHOUSE [extra…]` in a child process from the repository, its
    output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--inbox", str(inbox), "--warehouse", str(warehouse), *extra],
        cwd=REPO, env=cli_env(), capture_output=True, text=True, timeout=timeout,
    )


def real_warehouse(root: Path, documents: tuple[str, ...]) -> Path:
    """A warehouse built by `juesuan run` from the real documents ``documents`` (paths below ../shared/realdata,
    copied into ROOT/inbox; the copy skips when ../shared is absent)."""
    from tests.realdata import copy_real

    inbox = root / "inbox"
    copy_real(documents, inbox)
    target = root / "warehouse.duckdb"
    proc = juesuan_run(inbox, target)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return target
