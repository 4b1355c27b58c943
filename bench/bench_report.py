"""Render bench/results.json (written by bench/run.py) as bench/results.md.

Also runnable on its own to re-render: ``.venv/bin/python bench/bench_report.py [bench/results.json]``.
Every figure comes from the JSON of one run; the verdicts are computed, not written by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HAND_NOTES_MARK = "<!-- analysis below is kept when re-rendering -->"


def _f(v, nd=1) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def _size(r: dict, n: int) -> dict | None:
    return next((s for s in r.get("sizes", []) if s["departments"] == n), None)


def verdicts(r: dict) -> list[tuple[str, str, str, str]]:
    t = r["targets"]
    out = []

    def add(name, target, value, ok):
        out.append((name, target, value, "met" if ok else ("**not met**" if ok is not None else "not measured")))

    s100, s1000 = _size(r, 100), _size(r, 1000)
    if s100:
        c, w, ch = s100["cold"], s100["warm"], s100["changed"]
        add(
            "100 departments, cold",
            f"≤ {t['cold_100_s']:.0f} s",
            f"{c['wall_s']} s",
            c["exit_code"] == 0 and c["wall_s"] <= t["cold_100_s"],
        )
        add(
            "100 departments, warm (no change)",
            f"≤ {t['warm_100_s']:.0f} s",
            f"{w['wall_s']} s",
            w["exit_code"] == 0 and w["wall_s"] <= t["warm_100_s"],
        )
        add(
            "100 departments, one file changed",
            f"≤ {t['changed_100_s']:.0f} s",
            f"{ch['wall_s']} s",
            ch["exit_code"] == 0 and ch["wall_s"] <= t["changed_100_s"],
        )
        k = s100.get("check")
        add(
            "`juesuan check` of one real 25-page PDF (100-department warehouse)",
            f"≤ {t.get('check_s', 2.0):.0f} s",
            f"{k['wall_s']} s ({k['ratio_to_floor']}× the PDFium-text floor)" if k else "not run (no ../shared)",
            (k["exit_code"] in (0, 1) and k["wall_s"] <= t.get("check_s", 2.0)) if k else None,
        )
    else:
        add("100 departments", "cold/warm/changed", "size not run", None)
    if s1000:
        ch = s1000["changed"]
        add(
            "1,000 departments, one file changed",
            f"≤ {t.get('changed_1000_s', 5.0):.0f} s",
            f"{ch['wall_s']} s",
            ch["exit_code"] == 0 and ch["wall_s"] <= t.get("changed_1000_s", 5.0),
        )
        c = s1000["cold"]
        add(
            "1,000 departments, cold",
            f"≤ {t['cold_1000_s'] / 60:.0f} min",
            f"{c['wall_s']} s ({c['wall_s'] / 60:.1f} min)",
            c["exit_code"] == 0 and c["wall_s"] <= t["cold_1000_s"],
        )
        add(
            "1,000 departments, peak memory (process tree)",
            f"≤ {t['peak_1000_mb'] / 1024:.0f} GB",
            f"{c['peak_tree_rss_mb']:.0f} MB",
            c["peak_tree_rss_mb"] <= t["peak_1000_mb"],
        )
    else:
        add("1,000 departments", "cold / memory", "size not run", None)
    fit = r.get("fit_cold_wall") or {}
    if fit:
        add(
            "cost linear in documents",
            "linear fit",
            f"R² {fit['r2']}, {fit['slope_s_per_document']} s/doc + {fit['intercept_s']} s",
            fit["r2"] >= 0.98,
        )
    real = next(
        (x for x in r.get("formats", {}).get("rows", []) if x["format"].startswith("pdf (real") and "ratio" in x), None
    )
    gen = next(
        (x for x in r.get("formats", {}).get("rows", []) if x["format"] == "pdf (generated)" and "ratio" in x), None
    )
    pdf = real or gen
    if pdf:
        add(
            f"PDF extraction vs pdfplumber ({pdf['format']})",
            f"≥ {t['pdf_ratio']:.0f}×",
            f"{pdf['ratio']}× (read+tables+narrative), {pdf['ratio_read_only']}× (read only)",
            pdf["ratio"] >= t["pdf_ratio"],
        )
    return out


def render_markdown(r: dict, hand_notes: str = "") -> str:
    m = r["machine"]
    L = [
        "# juesuan benchmarks — results of one `make bench` run",
        "",
        f"Run {r['started_at']} → {r.get('finished_at', '(unfinished)')} (bench total {r.get('total_bench_s')} s); "
        f"command `{r['command']}`.",
        f"Machine: {m['cpus']} CPUs, {m['memory_gb']} GB RAM, Python {m['python']}, {m['platform']}; "
        f"1-minute load average at start {m['load1_at_start']} (the machine was shared with another engineer's "
        "dbt work: every figure carries the load average before → after it).",
        f"Counties: {r['note_years']}; formats docx/pdf/xlsx/txt requested from `samplegen` (it also "
        "writes some .xls); generated into data/bench/ (not committed). Each size: a fresh warehouse.",
        "",
        f"Commit {r.get('git', {}).get('head')}; working-tree changes at start: "
        f"{', '.join(r.get('git', {}).get('dirty', [])) or 'none'}.",
        "",
        "## Targets",
        "",
        "| target | goal | measured | verdict |",
        "|---|---|---|---|",
    ]
    L += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in verdicts(r)]
    L += [
        "",
        "## Runs by county size",
        "",
        "Wall = the `juesuan run` child process from start to exit (Python start-up included; no Prefect API "
        "is configured, so no Prefect start; summary included). Stage seconds from `runs.jsonl` (the figures "
        "of `marts.pipeline_run`); "
        "*checks* is the part of the build spent on check models and their tests (build_state.node_seconds, "
        "apportioned to dbt's wall time) — it is inside *dbt*, not added to it. Peak RSS = sum over the process "
        "tree (run + parse workers + dbt), polled every 0.2 s; shared pages are counted once per process, so "
        "it overstates. *max 1 proc* = largest single process (getrusage RUSAGE_CHILDREN). *cpu s* = user + "
        "system seconds of the run and the processes it waited for (getrusage RUSAGE_CHILDREN): what the run "
        "cost whatever the machine's load.",
        "",
        "| departments | docs | files | run | wall s | cpu s | parse s | load s | dbt s | checks s | publish s | "
        "parsed/skipped | peak tree RSS MB | max 1 proc MB | load before→after |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    fps: set = set()
    for s in r.get("sizes", []):
        for key in ("cold", "warm", "changed"):
            x = s.get(key)
            if not x:
                continue
            st = x["stages_s"]
            dbt = _f(st["dbt"], 1) if x.get("dbt_built") else "skipped"
            fps.add(x.get("dbt_fingerprint"))
            status = "" if x["exit_code"] == 0 else f" **FAILED: {x.get('reason')}**"
            L.append(
                f"| {s['departments']} | {s['documents']} | {s['files']} | {key}{status} | {_f(x['wall_s'])} | "
                f"{_f(x.get('cpu_s'))} | {_f(st['parse'])} | {_f(st['load'])} | {dbt} | "
                f"{_f(st.get('checks (share of dbt)'))} | "
                f"{_f(st['publish'])} | {x['files_parsed']}/{x['files_skipped']} | {_f(x['peak_tree_rss_mb'], 0)} | "
                f"{_f(x['max_single_process_rss_mb'], 0)} | {x['load1_before']}→{x['load1_after']} |"
            )
    checks = [(s, s["check"]) for s in r.get("sizes", []) if s.get("check")]
    if checks:
        L += [
            "",
            "`juesuan check` of one real PDF against each size's warehouse (the child process from start to exit; "
            "its own split as it prints it) and the PDFium-text floor of the same pages (pypdfium2 text of every "
            "page in a fresh process, interpreter start included):",
            "",
            "| departments | wall s | cpu s | split | floor s (pages) | ratio to floor | load before→after |",
            "|---:|---:|---:|---|---:|---:|---|",
        ]
        for s, k in checks:
            f = k["pdfium_floor"]
            L.append(f"| {s['departments']} | {k['wall_s']} | {_f(k.get('cpu_s'))} | {k['split']} |"
                     f" {f['process_wall_s']} ({f['pages']}) | "
                     f"{k['ratio_to_floor']}× | {k['load1_before']}→{k['load1_after']} |")
    floors = [(s, s["pdfium_floor_county"]) for s in r.get("sizes", []) if s.get("pdfium_floor_county")]
    if floors:
        L += ["", "PDFium-text floor of each county's PDF pages (one process) against the cold run's parse stage:", "",
              "| departments | PDFs | pages | floor s | cold parse s (all formats) |", "|---:|---:|---:|---:|---:|"]
        for s, f in floors:
            L.append(f"| {s['departments']} | {f['pdfs']} | {f['pages']} | {f['seconds']} | "
                     f"{_f(s['cold']['stages_s']['parse'])} |")
    L += [
        "",
        f"dbt project fingerprint(s) seen by the runs: {', '.join(sorted(str(f) for f in fps))} "
        "(more than one = the dbt models changed during the bench).",
        "",
    ]
    if (c := r.get("compile")):
        L += [
            f"Compiling the dbt project (`dbt seed` + `dbt compile` into a fresh cache, once per dbt project version "
            f"and installation, not per warehouse — warehouse/build/compile.py): {_f(c['wall_s'])} s wall, load "
            f"{c['load1_before']}→{c['load1_after']}; every run above found it compiled (the installation's cache), "
            "so no cold run includes it.",
            "",
        ]
    L += [
        "Peak tree RSS by stage (MB; stage boundaries from the lines the run prints):",
        "",
        "| departments | run | startup+scan | parse | load | dbt | summary |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for s in r.get("sizes", []):
        for key in ("cold", "warm", "changed"):
            x = s.get(key)
            if x:
                p = x["peak_tree_rss_mb_by_stage"]
                L.append(
                    f"| {s['departments']} | {key} | "
                    + " | ".join(_f(p.get(k), 0) for k in ("startup+scan", "parse", "load", "dbt", "summary"))
                    + " |"
                )
    L += [
        "",
        "Generated inputs:",
        "",
        "| departments | documents | files by format | MB | generate s | changed file |",
        "|---:|---:|---|---:|---:|---|",
    ]
    for s in r.get("sizes", []):
        L.append(
            f"| {s['departments']} | {s['documents']} | {s['files_by_format']} | {s['inbox_mb']} | "
            f"{s['generate_s']} | {s.get('changed_file')} |"
        )
    L += [
        "",
        "## Cost against county size (cold runs, least squares)",
        "",
        "| quantity | slope s/document | intercept s | R² | residuals s |",
        "|---|---:|---:|---:|---|",
    ]
    for key, name in (
        ("fit_cold_wall", "cold wall time"),
        ("fit_cold_parse", "parse stage"),
        ("fit_cold_dbt", "dbt stage"),
    ):
        f = r.get(key) or {}
        if f:
            L.append(f"| {name} | {f['slope_s_per_document']} | {f['intercept_s']} | {f['r2']} | {f['residuals_s']} |")
    fm = r.get("formats", {}).get("rows", [])
    if fm:
        L += [
            "",
            "## Formats against baselines (in-process, one process)",
            "",
            "ours = `read_document` + `extract_tables` + `extract_narrative` (what a parse worker does); "
            "also *read only* (our reader alone: for PDF the like-for-like comparison with pdfplumber's "
            "text+tables; for docx/xlsx with python-docx/openpyxl, which do no extraction). "
            "Units: pages for PDF, documents for the others.",
            "",
            "| format | files | units | ours /s | ours read-only /s | baseline | baseline /s | ratio | "
            "ratio read-only | load |",
            "|---|---:|---:|---:|---:|---|---:|---:|---:|---|",
        ]
        for x in fm:
            if "skipped" in x:
                L.append(f"| {x['format']} | – | – | – | – | – | – | – | – | {x['skipped']} |")
                continue
            o, b, ro = x["ours"], x.get("baseline_rate"), x.get("ours_read_only")
            rro, ratio = x.get("ratio_read_only"), x.get("ratio")
            L.append(
                f"| {x['format']} | {x['files']} | {o['units']} | {o['per_s']} | {ro['per_s'] if ro else '–'} | "
                f"{x.get('baseline')} | {b['per_s'] if b else '–'} | "
                f"{_f(ratio, 2) + '×' if ratio is not None else '–'} | "
                f"{_f(rro, 2) + '×' if rro is not None else '–'} | {o['load1_before']}→{o['load1_after']} |"
            )
    p = r.get("profile_parse")
    if p:
        L += [
            "",
            "## Profile",
            "",
            f"cProfile of parsing {p['files']} files in-process (the generated 100-department county's files of "
            f"each format + one real PDF): {p['seconds']} s, load {p['load1_before']}→{p['load1_after']}.",
            "",
            "Top 10 by own time:",
            "",
            "| function | calls | tottime s | cumtime s | share |",
            "|---|---:|---:|---:|---:|",
        ]
        L += [
            f"| `{x['function']}` | {x['calls']} | {x['tottime_s']} | {x['cumtime_s']} | {x['share']:.0%} |"
            for x in p["top_tottime"]
        ]
        L += [
            "",
            "Top 10 juesuan functions by cumulative time:",
            "",
            "| function | calls | tottime s | cumtime s |",
            "|---|---:|---:|---:|",
        ]
        L += [
            f"| `{x['function']}` | {x['calls']} | {x['tottime_s']} | {x['cumtime_s']} |"
            for x in p["top_cumtime_ingest"]
        ]
    big = max(r.get("sizes", []), key=lambda s: s["departments"], default=None)
    if big and big["cold"].get("dbt_detail"):
        d = big["cold"]["dbt_detail"]
        L += [
            "",
            f"Build of the {big['departments']}-department cold run (compiled project in DuckDB): statements "
            f"{d['dbt_elapsed_s']} s (the rest of the stage waits for the compilation when the project changed); "
            "node seconds by kind "
            f"{d['node_seconds_by_kind']}; slowest 10 nodes:",
            "",
            "| node | s |",
            "|---|---:|",
        ]
        L += [f"| `{x['node']}` | {x['s']} |" for x in d["slowest_nodes"]]
    L += ["", HAND_NOTES_MARK, ""]
    if hand_notes:
        L.append(hand_notes.strip() + "\n")
    return "\n".join(L)


def main() -> int:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("results.json")
    md = src.with_suffix(".md")
    notes = ""
    if md.exists() and HAND_NOTES_MARK in (text := md.read_text(encoding="utf-8")):
        notes = text.split(HAND_NOTES_MARK, 1)[1]
    md.write_text(render_markdown(json.loads(src.read_text(encoding="utf-8")), notes), encoding="utf-8")
    print(f"written {md}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
