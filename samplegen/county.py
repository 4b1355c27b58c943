"""The fictional county 示例县: departments, units, peer groups, staffing and function profiles."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

COUNTY = "示例县"

PEER_GROUPS = ("党委部门", "政府部门", "街道/乡镇", "事业单位")


@dataclass(frozen=True, slots=True)
class Department:
    """One disclosing department (部门) and its profile, stable across years."""

    dept_id: str
    name: str
    short: str
    aliases: tuple[str, ...]
    peer_group: str
    parent: str
    units: tuple[str, ...]
    lines: tuple[tuple[str, int, str], ...]  # (项 code, weight, kind: basic/project/mixed)
    scale_yuan: int  # 本年支出 of the simulated base year, in 元
    staff_authorized: int
    is_admin: bool  # 行政单位 / 参公: has 机关运行经费
    has_business_income: bool
    has_govfund: bool
    template: str  # "sichuan" | "shanghai"


# Common lines every department carries (pensions, medical insurance, housing fund).
_COMMON_BASIC: tuple[tuple[str, int, str], ...] = (
    ("2080505", 9, "basic"),
    ("2080506", 4, "basic"),
    ("2210201", 7, "basic"),
)

_PARTY = (
    ("中共示例县委办公室", "县委办", ("2013101", "2013102")),
    ("中共示例县委组织部", "县委组织部", ("2013201", "2013202")),
    ("中共示例县委宣传部", "县委宣传部", ("2013301", "2013302")),
    ("中共示例县委统战部", "县委统战部", ("2013401", "2013402")),
)
_GOV = (
    ("示例县人民政府办公室", "县政府办", ("2010301", "2010302", "2010399")),
    ("示例县财政局", "县财政局", ("2010601", "2010602", "2010605", "2010607")),
    ("示例县教育局", "县教育局", ("2050101", "2050102", "2050201", "2050202", "2050203", "2050803")),
    ("示例县卫生健康局", "县卫生健康局", ("2100101", "2100102", "2100408", "2100409", "2100717")),
    ("示例县民政局", "县民政局", ("2080201", "2080206", "2081002", "2080801")),
    ("示例县人力资源和社会保障局", "县人社局", ("2080101", "2080102", "2080705")),
    ("示例县农业农村局", "县农业农村局", ("2130101", "2130199", "2130599", "2130705")),
    ("示例县水利局", "县水利局", ("2130301", "2130199")),
    ("示例县交通运输局", "县交通运输局", ("2140101", "2140104")),
    ("示例县司法局", "县司法局", ("2040601", "2040604", "2040605")),
    ("示例县文化广播电视和旅游局", "县文广旅局", ("2070101", "2070109", "2070308")),
    ("示例县住房和城乡建设局", "县住建局", ("2120101", "2120102", "2120501")),
    ("示例县应急管理局", "县应急局", ("2240101",)),
    ("示例县市场监督管理局", "县市场监管局", ("2013801", "2013802")),
    ("示例县统计局", "县统计局", ("2010301", "2010507")),
    ("示例县生态环境局", "县生态环境局", ("2110101", "2111103")),
)
_PUBLIC_INST = (
    ("示例县疾病预防控制中心", "县疾控中心", ("2100401", "2100409")),
    ("示例县人民医院", "县人民医院", ("2100401", "2100409")),
    ("示例县图书馆", "县图书馆", ("2070109",)),
    ("示例县城乡规划服务中心", "县规划服务中心", ("2120102",)),
    ("示例县农业技术推广中心", "县农技中心", ("2130104", "2130199")),
    ("示例县融媒体中心", "县融媒体中心", ("2070109",)),
    ("示例县社会福利院", "县社会福利院", ("2081002",)),
    ("示例县第一中学", "县一中", ("2050204",)),
)
_TOWNS = (
    "城关",
    "河口",
    "石桥",
    "青山",
    "白沙",
    "龙泉",
    "柳林",
    "新华",
    "东坝",
    "西岭",
    "南山",
    "北湖",
    "双河",
    "清水",
    "高坪",
    "黄土",
    "金川",
    "石门",
    "桃园",
    "凤鸣",
)
_STREETS = ("东城", "西城", "南街", "北关", "滨江", "文昌", "鼓楼", "望江")
_TOWN_LINES = ("2010301", "2010302", "2130705", "2120501", "2130599", "2080801", "2100717")
_UNIT_SUFFIX = (
    "机关",
    "综合行政执法队",
    "社会事务服务中心",
    "党群服务中心",
    "农业综合服务中心",
    "退役军人服务站",
    "便民服务中心",
    "城市运行管理中心",
)


def _catalogue() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(name, short, peer_group, lines) of every possible department, in a stable order."""
    out: list[tuple[str, str, str, tuple[str, ...]]] = []
    out += [(n, s, "党委部门", c) for n, s, c in _PARTY]
    out += [(n, s, "政府部门", c) for n, s, c in _GOV]
    out += [(n, s, "事业单位", c) for n, s, c in _PUBLIC_INST]
    for t in _TOWNS:
        out.append((f"示例县{t}镇人民政府", f"{t}镇", "街道/乡镇", _TOWN_LINES))
    for s in _STREETS:
        out.append(
            (
                f"示例县{s}街道办事处",
                f"{s}街道",
                "街道/乡镇",
                ("2120101", "2120102", "2120104", "2120501", "2080801"),
            )
        )
    return out


def _numbered(base: list[tuple[str, str, str, tuple[str, ...]]], n: int):
    """Extend the catalogue with numbered variants so any N is possible (第二…, 分中心)."""
    out = list(base)
    k = 2
    while len(out) < n:
        for name, short, group, lines in base:
            if len(out) >= n:
                break
            if group == "街道/乡镇":
                stem = name.removeprefix("示例县")
                out.append((f"示例县{stem[:2]}{k}{stem[2:]}", f"{short}{k}", group, lines))
            else:
                out.append(
                    (
                        f"{name}第{k}分局" if group != "事业单位" else f"{name}第{k}分中心",
                        f"{short}{k}",
                        group,
                        lines,
                    )
                )
        k += 1
    return out[:n]


_SCALE = {
    "党委部门": (300, 3000),
    "政府部门": (600, 20000),
    "街道/乡镇": (2000, 15000),
    "事业单位": (300, 6000),
}  # 万元


def make_departments(n: int, rng: random.Random) -> list[Department]:
    """N departments; the first ones are the well-known offices, then towns and institutions mix."""
    base = _catalogue()
    # Interleave groups so that small N still covers every peer group.
    order = sorted(range(len(base)), key=lambda i: (i % 4 != 0, rng.random()))
    picked = _numbered([base[i] for i in order], n)
    depts: list[Department] = []
    for i, (name, short, group, codes) in enumerate(picked):
        lo, hi = _SCALE[group]
        scale = int(rng.uniform(lo, hi) * 10000)
        lines: list[tuple[str, int, str]] = []
        for code in codes:
            kind = "basic" if code[-2:] in ("01", "50") or code in ("2130104", "2050204") else "project"
            if kind == "project" and rng.random() < 0.25:
                kind = "mixed"
            lines.append((code, rng.randint(3, 30) if kind != "basic" else rng.randint(15, 40), kind))
        lines += list(_COMMON_BASIC)
        if group == "事业单位":
            lines.append(("2101102", 5, "basic"))
            lines.append(("2080502", 3, "basic"))
        else:
            lines.append(("2101101", 5, "basic"))
            lines.append(("2080501", 3, "basic"))
        if rng.random() < 0.3:
            lines.append(("2210203", 2, "basic"))
        n_units = 1 if group == "党委部门" and rng.random() < 0.6 else rng.randint(1, 8)
        if group == "事业单位":
            n_units = rng.randint(1, 3)
        stem = short.removeprefix("县")
        units = (
            f"{name}（本级）",
            *(f"{COUNTY}{stem}{_UNIT_SUFFIX[j % len(_UNIT_SUFFIX)]}" for j in range(1, n_units)),
        )
        staff = max(5, int(scale / 10000 / rng.uniform(18, 40)))
        aliases = (short, name.removeprefix(COUNTY)) if name.startswith(COUNTY) else (short,)
        parent = "中共示例县委" if group == "党委部门" else "示例县人民政府"
        depts.append(
            Department(
                dept_id=f"D{i + 1:04d}",
                name=name,
                short=short,
                aliases=aliases,
                peer_group=group,
                parent=parent,
                units=units,
                lines=tuple(lines),
                scale_yuan=scale,
                staff_authorized=staff,
                is_admin=group != "事业单位",
                has_business_income=group == "事业单位" and rng.random() < 0.7,
                has_govfund=group in ("街道/乡镇", "政府部门") and rng.random() < 0.3,
                template="sichuan" if rng.random() < 0.5 else "shanghai",
            )
        )
    return depts


def write_registry(path: Path, depts: list[Department]) -> None:
    """county.csv: name, aliases, peer_group, parent, units (``;``-joined)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            ["dept_id", "name", "aliases", "peer_group", "parent", "units", "staff_authorized", "template"]
        )
        for d in depts:
            w.writerow(
                [
                    d.dept_id,
                    d.name,
                    ";".join(d.aliases),
                    d.peer_group,
                    d.parent,
                    ";".join(d.units),
                    d.staff_authorized,
                    d.template,
                ]
            )
