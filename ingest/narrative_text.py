"""Running text of a Document as logical paragraphs, with section paths and a way back to the source.

Readers give one Paragraph per line (Tika, page texts) or per layout paragraph (PDF); PDF and
page-text lines are wrapped mid-sentence and across pages. Here consecutive lines are joined
until a sentence end, a heading or a numbered item starts; white space is dropped (the
documents are Chinese, and PDF text puts spaces around figures), a few ASCII punctuation
marks are made full-width. Every character keeps its origin (paragraph index, offset in
``Paragraph.text``), so a figure found here can be located exactly in the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.model import Document, Paragraph, Table

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_CHAR_MAP = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "％": "%", "(": "（", ")": "）", ";": "；", ":": "：", "．": ".", "﹪": "%",
    }
)
_TOP_HEADING = re.compile(
    r"^(?:第([一二三四五六七八九十\d]+)部分|([一二三四五六七八九十]{1,3})、|(\d{1,2})、)"
)
_SUB_HEADING = re.compile(r"^（([一二三四五六七八九十]{1,3})）")
_FIGURE_WITH_UNIT = re.compile(r"\d(?:万元|元|%|辆|人次)")
ITEM_START = re.compile(r"^(?:\d{1,2}[、.](?!\d)|（\d{1,2}）)")
_SENTENCE_END = "。！？"
_CN_DIGITS = "零一二三四五六七八九"


def arabic_to_chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (section numbers only)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + ("" if ones == 0 else _CN_DIGITS[ones])


def clean_text(text: str) -> tuple[str, tuple[int, ...]]:
    """Drop bookmarks and white space, map punctuation; return the text and each char's source offset."""
    keep = [True] * len(text)
    for m in _BOOKMARK.finditer(text):
        for i in range(m.start(), m.end()):
            keep[i] = False
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if not keep[i] or ch.isspace():
            continue
        if ch == ",":  # a thousands separator stays, a clause comma becomes full-width
            prev_digit = i > 0 and text[i - 1].isdigit()
            next_digit = i + 1 < len(text) and text[i + 1].isdigit()
            ch = "," if prev_digit and next_digit else "，"
        chars.append(ch.translate(_CHAR_MAP))
        offsets.append(i)
    return "".join(chars), tuple(offsets)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 0 = part (第X部分), 1 = 一、, 2 = （一）
    number: str  # Chinese numeral
    title: str


def parse_heading(clean: str) -> Heading | None:
    """A section heading line: numbered, short, no figure with a unit, not a definition or a 类 line."""
    if len(clean) > 40 or _FIGURE_WITH_UNIT.search(clean) or "：指" in clean or "（类）" in clean:
        return None
    if clean.endswith(("。", "；", "，")) and not clean.endswith("情况。") and not clean.endswith("说明。"):
        return None
    m = _TOP_HEADING.match(clean)
    if m:
        if m.group(1) is not None:
            return Heading(0, m.group(1), clean)
        if m.group(2) is not None:
            return Heading(1, m.group(2), clean)
        number = int(m.group(3))
        if number == 0 or number > 20:
            return None
        return Heading(1, arabic_to_chinese(number), clean)
    m = _SUB_HEADING.match(clean)
    if m:
        return Heading(2, m.group(1), clean)
    return None


@dataclass(frozen=True, slots=True)
class LogicalParagraph:
    """Joined running text; ``origins[i]`` = (Paragraph.index, offset in its text) of ``text[i]``."""

    text: str
    origins: tuple[tuple[int, int], ...]
    section: str


@dataclass(frozen=True)
class RunningText:
    paragraphs: tuple[LogicalParagraph, ...]
    pages: dict[int, int | None]  # Paragraph.index -> page
    sources: dict[int, str]  # Paragraph.index -> original text


def _section_path(part: str, top: str, sub: str) -> str:
    return "/".join(x for x in (top, sub) if x) if top else (f"第{part}部分" if part else "")


def build_running_text(doc: Document) -> RunningText:
    """Logical paragraphs of the document, 名词解释 (glossary template text) left out."""
    out: list[LogicalParagraph] = []
    pages: dict[int, int | None] = {}
    sources: dict[int, str] = {}
    part = top = sub = ""
    in_glossary = False
    buf_text: list[str] = []
    buf_origins: list[tuple[int, int]] = []
    buf_section = ""

    def flush() -> None:
        if buf_text:
            out.append(LogicalParagraph("".join(buf_text), tuple(buf_origins), buf_section))
        buf_text.clear()
        buf_origins.clear()

    for block in doc.blocks:
        if isinstance(block, Table):
            flush()
            continue
        if not isinstance(block, Paragraph):
            continue
        clean, offsets = clean_text(block.text)
        pages[block.index] = block.page
        sources[block.index] = block.text
        if not clean:
            flush()
            continue
        heading = parse_heading(clean)
        if heading is not None:
            flush()
            if heading.level == 0:
                part, top, sub = heading.number, "", ""
            elif heading.level == 1:
                top, sub = heading.number, ""
            else:
                sub = heading.number
            if "名词解释" in clean:
                in_glossary = True
            elif heading.level <= 1:
                in_glossary = False
            continue
        if "名词解释" in clean and len(clean) <= 12:
            flush()
            in_glossary = True
            continue
        if in_glossary and block.is_heading and len(clean) <= 40 and "：" not in clean:
            # an unnumbered title after the glossary ('2025年部门预算编制说明') starts the next part
            flush()
            in_glossary = False
            part, top, sub = "", "", ""
            continue
        if in_glossary:
            continue
        starts_item = bool(ITEM_START.match(clean))
        if buf_text and (starts_item or buf_text[-1][-1] in _SENTENCE_END):
            flush()
        if not buf_text:
            buf_section = _section_path(part, top, sub)
        buf_text.append(clean)
        buf_origins.extend((block.index, o) for o in offsets)
    flush()
    return RunningText(tuple(out), pages, sources)
