"""`make bench`: cost of a run against county size, and of our readers against plain baselines.

Usage: .venv/bin/python bench/run.py [--sizes 10,100,1000] [--out bench/] [--scratch data/bench]

For every size N it generates a county of N departments (one fiscal year, mixed formats docx/pdf/xlsx/txt, the
generator also emits some .xls) into ``<scratch>/n<N>/inbox`` and runs ``juesuan run`` as a child process three
times against a fresh warehouse in ``<scratch>/n<N>/wh``:

* cold — empty warehouse, empty parse cache;
* warm — nothing changed;
* one file changed — one .txt disclosure gets a blank line appended (new bytes → new sha256 → re-parse and an
  incremental build), written before the timed run starts and left to settle (the scan waits for a file modified
  within its settle window, ingest/discover.py; a file dropped just before the run is a bench artefact, not the
  cost of a changed file that the nightly run finds);
* check — `juesuan check` of the real 25-page PDF (CHECK_PDF, when ../shared is there) against that warehouse,
  with the PDFium-text floor of the same pages (pypdfium2 text of every page, in a fresh process).

Per run: wall time of the child, the stage seconds from the run log (``runs.jsonl``: parse, load, dbt, publish),
the share of dbt spent on check models/tests (from dbt's run_results.json, apportioned to dbt's wall time), peak
RSS of the whole process tree (psutil, polled every 0.2 s, summed over the tree, overall and per stage; stages are
told apart by the lines the run prints) and the largest single process (getrusage RUSAGE_CHILDREN ru_maxrss), and
the 1-minute load average before/after (the machine is shared). Then: a linear fit of cold wall time against the
number of documents, pages (docs) per second per format against pdfplumber / python-docx / openpyxl
(bench/bench_formats.py), a cProfile of parsing a sample of files in-process and the slowest dbt nodes.
Writes <out>/results.json and <out>/results.md (figures of this one run only).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

JUESUAN = ROOT / ".venv" / "bin" / "juesuan"
TARGETS = {  # issue 15
    "cold_100_s": 15.0,
    "warm_100_s": 1.0,
    "changed_100_s": 3.0,
    "changed_1000_s": 5.0,
    "check_s": 2.0,
    "cold_1000_s": 15 * 60.0,
    "peak_1000_mb": 2048.0,
    "pdf_ratio": 3.0,
}
# the real 25-page PDF `juesuan check` is timed with (when ../shared is there)
CHECK_PDF = ROOT.parent / "shared" / "realdata" / "govbudgetchecker" / "上海市普陀区财政局2024年度部门决算.pdf"


def load() -> float:
    return round(os.getloadavg()[0], 2)


# ---------------------------------------------------------------- one pipeline run, measured


class TreeSampler(threading.Thread):
    """Polls the RSS of a process and all its descendants; keeps the peak overall and per stage."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval = interval
        self.stage = "startup+scan"
        self.peaks: dict[str, float] = {}
        self.peak = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            rss = 0
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    rss += p.memory_info().rss
            mb = rss / 2**20
            self.peak = max(self.peak, mb)
            self.peaks[self.stage] = max(self.peaks.get(self.stage, 0.0), mb)
            self.stop.wait(self.interval)


def _stage_of(line: str, current: str) -> str:
    if line.startswith("发现文件"):
        return "parse"
    if "解析 parsed" in line and "解析进度" not in line:
        return "load"
    if "dbt build" in line:
        return "dbt"
    if line.startswith("运行完成"):
        return "summary"
    return current


def _last_record(runs_log: Path) -> dict:
    recs = [json.loads(ln) for ln in runs_log.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return recs[-1]


def _check_share(warehouse: Path) -> dict:
    """Seconds of the last build's nodes by kind (warehouse/build/runner.py keeps them in build_state.node_seconds);
    checks = check models and the data tests on them."""
    import duckdb

    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute("SELECT node, seconds FROM build_state.node_seconds").fetchall()
    except duckdb.Error:
        return {}
    by_kind: dict[str, float] = {}
    for node, s in rows:
        kind = "step" if node.startswith("(") else ("checks" if "check" in node else "other")
        by_kind[kind] = by_kind.get(kind, 0.0) + s
    nodes = sorted(((s, n) for n, s in rows if not n.startswith("(")), reverse=True)
    total = (by_kind.get("checks", 0.0) + by_kind.get("other", 0.0)) or 1.0
    return {
        "dbt_elapsed_s": round(sum(s for n, s in rows if n != "(data tests)"), 2),
        "node_seconds_by_kind": {k: round(v, 2) for k, v in sorted(by_kind.items())},
        "checks_fraction": round(by_kind.get("checks", 0.0) / total, 3),
        "slowest_nodes": [{"node": n, "s": round(s, 2)} for s, n in nodes[:10]],
    }


def pdfium_floor(pdf: Path) -> dict:
    """The floor of reading a PDF: PDFium's text of every page (pypdfium2), in a fresh process, like a run."""
    code = ("import sys, time; t = time.perf_counter(); import pypdfium2 as p; d = p.PdfDocument(sys.argv[1]); "
            "n = len(d); [d[i].get_textpage().get_text_range() for i in range(n)]; "
            "print(n, time.perf_counter() - t)")
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code, str(pdf)], capture_output=True, text=True, check=True).stdout
    wall = time.monotonic() - t0
    pages, inproc = out.split()
    return {"pages": int(pages), "in_process_s": round(float(inproc), 3), "process_wall_s": round(wall, 3)}


def measured_check(pdf: Path, warehouse: Path, label: str) -> dict:
    """`juesuan check PDF` against the published warehouse: wall time of the child, its own split, the floor."""
    load_before = load()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run([str(JUESUAN), "check", str(pdf), "--warehouse", str(warehouse)], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    wall = time.monotonic() - t0
    cpu = _cpu(before, resource.getrusage(resource.RUSAGE_CHILDREN))
    took = next((ln for ln in proc.stdout.splitlines() if ln.startswith("用时 took")), "")
    floor = pdfium_floor(pdf)
    result = {"label": label, "exit_code": proc.returncode, "wall_s": round(wall, 2), "cpu_s": cpu, "split": took,
              "pdfium_floor": floor, "ratio_to_floor": round(wall / max(floor["process_wall_s"], 1e-6), 1),
              "load1_before": load_before, "load1_after": load()}
    print(f"  [{label}] rc={proc.returncode} wall {wall:.2f} s ({took}); PDFium floor {floor}", flush=True)
    return result


def _cpu(before: resource.struct_rusage, after: resource.struct_rusage) -> float:
    """CPU seconds (user + system) of the children that ended between two getrusage(RUSAGE_CHILDREN) calls: the
    run and every process it waited for (parse workers, compile) — the machine's load does not inflate it."""
    return round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2)


def measured_run(inbox: Path, warehouse: Path, workers: int | None, label: str) -> dict:
    args = [str(JUESUAN), "run", "--inbox", str(inbox), "--warehouse", str(warehouse)]
    if workers is not None:
        args += ["--workers", str(workers)]
    load_before = load()
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    out_lines = []
    stage_started = {"startup+scan": 0.0}
    assert proc.stdout is not None
    for line in proc.stdout:
        out_lines.append(line.rstrip())
        new = _stage_of(line.strip(), sampler.stage)
        if new != sampler.stage:
            sampler.stage = new
            stage_started[new] = time.monotonic() - t0
    rc = proc.wait()
    wall = time.monotonic() - t0
    sampler.stop.set()
    sampler.join()
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    from warehouse.publish import DataLayout

    rec = _last_record(DataLayout(warehouse).runs_log)
    result = {
        "label": label,
        "exit_code": rc,
        "status": rec.get("status"),
        "reason": rec.get("reason"),
        "wall_s": round(wall, 2),
        "cpu_s": _cpu(before_children, after_children),
        "run_internal_s": round(
            (datetime.fromisoformat(rec["ended_at"]) - datetime.fromisoformat(rec["started_at"])).total_seconds(), 2
        )
        if rec.get("ended_at")
        else None,
        "stages_s": {k: round(rec.get(f"{k}_seconds", 0.0), 2) for k in ("parse", "load", "dbt", "publish")},
        "dbt_built": rec.get("dbt_built"),
        "dbt_fingerprint": rec.get("dbt_fingerprint"),
        "parser_fingerprint": rec.get("parser_fingerprint"),
        "files_seen": rec.get("files_seen"),
        "files_parsed": rec.get("files_parsed"),
        "files_skipped": rec.get("files_skipped"),
        "files_cached": rec.get("files_cached"),
        "files_quarantined": rec.get("files_quarantined"),
        "documents_added": rec.get("documents_added"),
        "peak_tree_rss_mb": round(sampler.peak, 1),
        "peak_tree_rss_mb_by_stage": {k: round(v, 1) for k, v in sampler.peaks.items()},
        "stage_started_at_s": {k: round(v, 1) for k, v in stage_started.items()},
        # ru_maxrss of RUSAGE_CHILDREN is the largest single descendant so far (KiB on Linux), not a sum
        "max_single_process_rss_mb": round(after_children.ru_maxrss / 1024, 1),
        "max_single_process_rss_grew": after_children.ru_maxrss > before_children.ru_maxrss,
        "load1_before": load_before,
        "load1_after": load(),
    }
    if rec.get("dbt_built"):
        share = _check_share(warehouse)
        result["dbt_detail"] = share
        if share:
            result["stages_s"]["checks (share of dbt)"] = round(result["stages_s"]["dbt"] * share["checks_fraction"], 2)
    if rc != 0:
        result["output_tail"] = out_lines[-8:]
    print(
        f"  [{label}] rc={rc} wall {wall:.1f} s cpu {result['cpu_s']} s stages {result['stages_s']} "
        f"peak {sampler.peak:.0f} MB "
        f"load {load_before}->{result['load1_after']}",
        flush=True,
    )
    return result


def measured_compile(scratch: Path) -> dict:
    """The dbt project compiled into a fresh cache (timed; a child process, as a run starts it), then made
    available in the cache the runs use, so that no timed run includes it."""
    from warehouse.build.compile import cache_root, entry_dir, start_compile
    from warehouse.dbt import DBT_PROJECT_DIR
    from warehouse.runs import dbt_fingerprint

    fp = dbt_fingerprint(DBT_PROJECT_DIR)
    fresh = scratch / "compile-cache"
    shutil.rmtree(fresh, ignore_errors=True)
    load_before = load()
    t = time.monotonic()
    start_compile(fresh, fp).result()
    wall = time.monotonic() - t
    root = cache_root(scratch / "cache")
    if not entry_dir(root, fp).exists():
        tmp = root / f".bench-{fp}"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(entry_dir(fresh, fp), tmp)
        os.replace(tmp, entry_dir(root, fp))
    shutil.rmtree(fresh, ignore_errors=True)
    print(f"compile: {wall:.1f} s", flush=True)
    return {"wall_s": round(wall, 1), "fingerprint": fp, "cache": str(root), "load1_before": load_before,
            "load1_after": load()}


def change_one_file(inbox: Path) -> str:
    txts = sorted(inbox.rglob("*.txt"))
    target = txts[len(txts) // 2] if txts else sorted(p for p in inbox.rglob("*") if p.suffix == ".docx")[0]
    with target.open("ab") as fh:
        fh.write(b"\n")  # valid in UTF-8 and GBK; new bytes → new sha256 → new revision
    # untimed: let the file age past the scan's settle window, as a file written before the nightly run has
    from ingest.discover import SETTLE_SECONDS

    while (age := time.time() - target.stat().st_mtime) < SETTLE_SECONDS:
        time.sleep(SETTLE_SECONDS - age + 0.05)
    return str(target.relative_to(inbox))


def bench_size(n: int, scratch: Path, workers: int | None, seed: int) -> dict:
    from samplegen import generate_county

    base = scratch / f"n{n}"
    if base.exists():
        shutil.rmtree(base)
    inbox, warehouse = base / "inbox", base / "wh" / "warehouse.duckdb"
    t = time.monotonic()
    manifest = generate_county(inbox, departments=n, years=(2024,), seed=seed, formats=("docx", "pdf", "xlsx", "txt"))
    gen_s = time.monotonic() - t
    files = [p for p in inbox.rglob("*") if p.is_file() and p.suffix not in (".json", ".csv")]
    by_ext: dict[str, int] = {}
    for p in files:
        by_ext[p.suffix.lstrip(".")] = by_ext.get(p.suffix.lstrip("."), 0) + 1
    print(f"n={n}: generated {manifest.documents} documents in {len(files)} files {by_ext} ({gen_s:.1f} s)", flush=True)
    out = {
        "departments": n,
        "documents": manifest.documents,
        "files": len(files),
        "files_by_format": by_ext,
        "generate_s": round(gen_s, 1),
        "inbox_mb": round(sum(p.stat().st_size for p in files) / 2**20, 1),
    }
    out["cold"] = measured_run(inbox, warehouse, workers, f"n={n} cold")
    out["warm"] = measured_run(inbox, warehouse, workers, f"n={n} warm")
    out["changed_file"] = change_one_file(inbox)
    out["changed"] = measured_run(inbox, warehouse, workers, f"n={n} one file changed")
    pdfs = sorted(inbox.rglob("*.pdf"))
    out["pdfium_floor_county"] = _county_floor(pdfs)
    if CHECK_PDF.is_file():
        out["check"] = measured_check(CHECK_PDF, warehouse, f"n={n} check {CHECK_PDF.name}")
    return out


def _county_floor(pdfs: list[Path]) -> dict:
    """PDFium's text of every page of the county's PDFs, in one process (the floor of the parse of those pages)."""
    if not pdfs:
        return {}
    import pypdfium2 as pdfium

    t = time.perf_counter()
    pages = 0
    for path in pdfs:
        doc = pdfium.PdfDocument(str(path))
        for i in range(len(doc)):
            doc[i].get_textpage().get_text_range()
            pages += 1
        doc.close()
    return {"pdfs": len(pdfs), "pages": pages, "seconds": round(time.perf_counter() - t, 2)}


# ---------------------------------------------------------------- formats vs baselines


def bench_formats(sample_inbox: Path, per_format: int) -> dict:
    import bench_formats as bf

    from ingest.readers import read_document

    def rate(fn, files, per_page):
        load_before = load()
        start = time.perf_counter()
        units = 0
        for f in files:
            u = fn(f)
            units += u if per_page else 1
        secs = time.perf_counter() - start
        return {
            "units": units,
            "seconds": round(secs, 2),
            "per_s": round(units / secs, 2),
            "load1_before": load_before,
            "load1_after": load(),
        }

    def pdf_pages_read_only(path: Path) -> int:
        from ingest.readers import read_document

        return read_document(path).page_count or 1

    rows = []
    real = [bf.REALDATA / n for n in bf.PDFS if (bf.REALDATA / n).exists()]
    gen = {ext: sorted(sample_inbox.rglob(f"*.{ext}"))[:per_format] for ext in ("pdf", "docx", "xlsx", "txt", "xls")}
    pdf_sets = [("pdf (real Putuo 2024 决算)", real), ("pdf (generated)", gen["pdf"])]
    for name, files in pdf_sets:
        if not files:
            rows.append({"format": name, "skipped": "no files (../shared/realdata absent)"})
            continue
        bf.pdfplumber_baseline(files[0])  # warm-up: imports, fonts, page cache
        bf.ours(files[0])
        ours = rate(bf.ours, files, per_page=True)
        read_only = rate(pdf_pages_read_only, files, per_page=True)
        base = rate(bf.pdfplumber_baseline, files, per_page=True)
        rows.append(
            {
                "format": name,
                "unit": "pages",
                "files": len(files),
                "baseline": "pdfplumber extract_text+extract_tables per page",
                "ours": ours,
                "ours_read_only": read_only,
                "baseline_rate": base,
                "ratio": round(ours["per_s"] / base["per_s"], 2),
                "ratio_read_only": round(read_only["per_s"] / base["per_s"], 2),
            }
        )
    for ext, fn, bname in (
        ("docx", bf.docx_baseline, "python-docx paragraphs+tables"),
        ("xlsx", bf.xlsx_baseline, "openpyxl every cell of every sheet"),
        ("txt", None, None),
        ("xls", None, None),
    ):
        files = gen[ext]
        if not files:
            continue
        bf.ours(files[0])
        ours = rate(bf.ours, files, per_page=False)
        read_only = rate(lambda f: (read_document(f), 1)[1], files, per_page=False)
        row = {
            "format": f"{ext} (generated)",
            "unit": "documents",
            "files": len(files),
            "ours": ours,
            "ours_read_only": read_only,
        }
        if fn is not None:
            fn(files[0])
            base = rate(fn, files, per_page=False)
            row.update(
                baseline=bname,
                baseline_rate=base,
                ratio=round(ours["per_s"] / base["per_s"], 2),
                ratio_read_only=round(read_only["per_s"] / base["per_s"], 2),
            )
        else:
            row["baseline"] = "none (no third-party reader to compare)"
        rows.append(row)
    for r in rows:
        print(
            f"  format {r['format']}: {r.get('ours', {}).get('per_s')} /s vs {r.get('baseline_rate', {}).get('per_s')}"
            f" ratio {r.get('ratio')}",
            flush=True,
        )
    return {"rows": rows}


# ---------------------------------------------------------------- profile


def profile_parse(sample_inbox: Path, per_format: int) -> dict:
    import bench_formats as bf

    files = []
    for ext in ("pdf", "docx", "xlsx", "xls", "txt"):
        files += sorted(sample_inbox.rglob(f"*.{ext}"))[:per_format]
    real = [bf.REALDATA / n for n in bf.PDFS if (bf.REALDATA / n).exists()]
    files += real[:1]
    prof = cProfile.Profile()
    load_before = load()
    t = time.perf_counter()
    prof.enable()
    for f in files:
        try:
            bf.ours(f)
        except Exception as exc:
            print(f"  profile: {f.name}: {exc}", file=sys.stderr)
    prof.disable()
    secs = time.perf_counter() - t
    st = pstats.Stats(prof)
    total = st.total_tt or 1.0
    top_tot = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in sorted(st.stats.items(), key=lambda kv: -kv[1][2])[:10]:
        top_tot.append(
            {
                "function": f"{_short(file)}:{line}({func})",
                "calls": nc,
                "tottime_s": round(tt, 3),
                "cumtime_s": round(ct, 3),
                "share": round(tt / total, 3),
            }
        )
    top_cum = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in sorted(st.stats.items(), key=lambda kv: -kv[1][3]):
        if "ingest" in file and len(top_cum) < 10:
            top_cum.append(
                {
                    "function": f"{_short(file)}:{line}({func})",
                    "calls": nc,
                    "tottime_s": round(tt, 3),
                    "cumtime_s": round(ct, 3),
                }
            )
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(25)
    return {
        "files": len(files),
        "seconds": round(secs, 2),
        "load1_before": load_before,
        "load1_after": load(),
        "top_tottime": top_tot,
        "top_cumtime_ingest": top_cum,
    }


def _short(file: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


# ---------------------------------------------------------------- fit and report


def _git() -> dict:
    """Read-only: the commit and the files changed in the working tree (another engineer edits dbt models)."""

    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ""

    return {"head": git("rev-parse", "--short", "HEAD"), "dirty": git("status", "--porcelain").splitlines()}


def fit(xs: list[float], ys: list[float]) -> dict:
    n = len(xs)
    if n < 2:
        return {}
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    icpt = my - slope * mx
    ss_tot = sum((y - my) ** 2 for y in ys) or 1.0
    ss_res = sum((y - (icpt + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    resid = [round(y - (icpt + slope * x), 1) for x, y in zip(xs, ys, strict=True)]
    return {
        "slope_s_per_document": round(slope, 4),
        "intercept_s": round(icpt, 2),
        "r2": round(1 - ss_res / ss_tot, 4),
        "points": [[x, y] for x, y in zip(xs, ys, strict=True)],
        "residuals_s": resid,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description="juesuan benchmarks (make bench)")
    ap.add_argument("--sizes", default="10,100,1000")
    ap.add_argument("--out", type=Path, default=ROOT / "bench")
    ap.add_argument("--scratch", type=Path, default=ROOT / "data" / "bench")
    ap.add_argument("--workers", type=int, default=None, help="passed to juesuan run (default: all cores)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-format", type=int, default=12, help="generated files per format in the format bench")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.scratch.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    t_all = time.monotonic()
    results: dict = {
        "started_at": started.isoformat(timespec="seconds"),
        "command": "bench/run.py " + " ".join(sys.argv[1:]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "load1_at_start": load(),
        },
        "note_years": "one fiscal year (2024) for every size",
        "git": _git(),
        "targets": TARGETS,
        "sizes": [],
    }

    def save() -> None:
        results["total_bench_s"] = round(time.monotonic() - t_all, 1)
        (args.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        md = args.out / "results.md"
        md.write_text(render(results, md), encoding="utf-8")

    results["compile"] = measured_compile(args.scratch)
    save()
    for n in sizes:
        results["sizes"].append(bench_size(n, args.scratch, args.workers, args.seed))
        save()
    cold = [(s["documents"], s["cold"]["wall_s"]) for s in results["sizes"] if s["cold"]["exit_code"] == 0]
    results["fit_cold_wall"] = fit([float(d) for d, _ in cold], [w for _, w in cold])
    parse = [(s["documents"], s["cold"]["stages_s"]["parse"]) for s in results["sizes"] if s["cold"]["exit_code"] == 0]
    results["fit_cold_parse"] = fit([float(d) for d, _ in parse], [w for _, w in parse])
    dbt = [(s["documents"], s["cold"]["stages_s"]["dbt"]) for s in results["sizes"] if s["cold"]["exit_code"] == 0]
    results["fit_cold_dbt"] = fit([float(d) for d, _ in dbt], [w for _, w in dbt])
    save()
    sample = args.scratch / f"n{min(max(sizes), 100) if 100 in sizes else max(sizes)}" / "inbox"
    print("formats vs baselines …", flush=True)
    results["formats"] = bench_formats(sample, args.per_format)
    save()
    print("profile of parsing …", flush=True)
    results["profile_parse"] = profile_parse(sample, max(2, args.per_format // 3))
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    save()
    print(f"written {args.out / 'results.md'} and results.json ({results['total_bench_s']} s)")
    return 0


def render(r: dict, md: Path) -> str:
    """The report of this run, keeping the hand-written analysis below the marker of the previous one."""
    from bench_report import HAND_NOTES_MARK, render_markdown

    notes = ""
    if md.exists() and HAND_NOTES_MARK in (text := md.read_text(encoding="utf-8")):
        notes = text.split(HAND_NOTES_MARK, 1)[1]
    return render_markdown(r, notes)


if __name__ == "__main__":
    raise SystemExit(main())
