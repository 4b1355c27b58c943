"""``python -m warehouse.mutation --realdata ../shared/realdata --work data/eval/mutation``: recall per kind."""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

from warehouse.mutation.harness import (
    PER_KIND,
    PER_KIND_BUDGET,
    PREDICTED,
    Finding,
    Mutant,
    Score,
    Source,
    _key,
    draw,
    load,
    load_sources,
    run_pipeline,
    score,
    table_cells,
    unreadable_renderings,
    write_inbox,
)
from warehouse.mutation.operators import KINDS


def _pct(a: int, b: int) -> str:
    return "  n/a " if b == 0 else f"{100 * a / b:5.1f}%"


def report(sources: list[Source], sc: Score, findings: dict[str, list[Finding]], files: dict[str, tuple[str, int]],
           summary: list[tuple], unreadable: frozenset[str] = frozenset()) -> list[str]:
    lines = [f"mutants: {len(sc.mutants)} over {len(sources)} documents, "
             f"{len({m.kind for m in sc.mutants})} kinds (seeded; up to {PER_KIND} per kind and 决算, "
             f"{PER_KIND_BUDGET} per kind and 预算)", ""]
    if unreadable:
        lines += [f"renderings the page-text reader cannot read (under half the PDF's table cells; an extraction "
                  f"gap): {', '.join(sorted(unreadable))} — their mutants are counted apart, below the table", ""]
    per_doc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    doc_type = {s.name: s.doc_type for s in sources}
    for dtype in ("决算", "预算"):
        typed = [m for m in sc.mutants if doc_type[m.source] == dtype and m.mutant_id not in sc.missing]
        if not typed:
            continue
        lines += [f"{dtype}: recall over the decidable mutants (the original document constrains the edit); "
                  f"'undecidable' = figure edits nothing in the document constrains (caught anyway)",
                  f"{'kind':24} {'mutants':>7} {'caught':>6} {'recall':>7} {'undecidable':>12}  what"]
        harmful_total = [0, 0]
        undecided_total = [0, 0]
        for k in KINDS:
            ms = [m for m in typed if m.kind == k.key and m.source not in unreadable]
            if not ms:
                lines.append(f"{k.key:24} {0:7} {0:6} {'  n/a ':>7} {'':>12}  {k.zh} (no site in these documents)")
                continue
            if k.harmless:
                hit = sum(1 for m in ms if sc.caught.get(m.mutant_id))
                lines.append(f"{k.key:24} {len(ms):7} {hit:6} {'FA':>7} {'':>12}  {k.zh}: false alarms {hit}")
                continue
            decided = [m for m in ms if m.constraint]
            undecided = [m for m in ms if not m.constraint]
            hit = sum(1 for m in decided if sc.caught.get(m.mutant_id))
            u_hit = sum(1 for m in undecided if sc.caught.get(m.mutant_id))
            for m in decided:
                per_doc[m.source][0] += 1
                per_doc[m.source][1] += bool(sc.caught.get(m.mutant_id))
            harmful_total = [harmful_total[0] + len(decided), harmful_total[1] + hit]
            undecided_total = [undecided_total[0] + len(undecided), undecided_total[1] + u_hit]
            und = f"{len(undecided)} ({u_hit})" if undecided else ""
            lines.append(f"{k.key:24} {len(decided):7} {hit:6} {_pct(hit, len(decided)):>7} {und:>12}  {k.zh}")
        lines.append(f"{'ALL (harmful) ' + dtype:24} {harmful_total[0]:7} {harmful_total[1]:6} "
                     f"{_pct(harmful_total[1], harmful_total[0]):>7} "
                     f"{f'{undecided_total[0]} ({undecided_total[1]})':>12}")
        apart = [m for m in typed if m.source in unreadable and not m.harmless and m.constraint]
        if apart:
            hit = sum(1 for m in apart if sc.caught.get(m.mutant_id))
            names = sorted({m.source for m in apart})
            lines.append(f"{'unreadable renderings':24} {len(apart):7} {hit:6} {_pct(hit, len(apart)):>7} "
                         f"{'':>12}  (decidable harmful mutants of {', '.join(names)})")
            for m in apart:
                per_doc[m.source][0] += 1
                per_doc[m.source][1] += bool(sc.caught.get(m.mutant_id))
        lines.append("")
    lines += ["", "per document (harmful mutants caught / drawn):"]
    for name, (n, hit) in sorted(per_doc.items()):
        lines.append(f"  {name}: {hit}/{n} {_pct(hit, n)}")
    if sc.missing:
        lines.append(f"mutants whose file did not load: {sc.missing}")
    paged = {s.name: s.paged for s in sources}

    def line(m: Mutant) -> str:
        page = f"p.{m.site.page + 1}" if paged[m.source] else "-"
        return (f"  #{m.mutant_id} {m.source} {m.kind} {page}: 「{m.before[:40]}」→「{m.site.after[:40]}」"
                f" after 「{m.context}」")

    lines += ["", "misses (decidable mutants; mutant, document, kind, page: before → after):"]
    for m in sc.mutants:
        if not m.harmless and m.constraint and not sc.caught.get(m.mutant_id) and m.mutant_id not in sc.missing:
            lines.append(line(m) + f" — decided by: {m.constraint}")
    lines += ["", "undecidable by construction (a figure edit nothing in the original document constrains; "
              "not counted in the recall):"]
    for m in sc.mutants:
        if not m.harmless and not m.constraint and m.mutant_id not in sc.missing:
            lines.append(line(m) + (" — caught" if sc.caught.get(m.mutant_id) else " — not caught"))
    lines += ["", "false alarms on harmless edits:"]
    for m in sc.mutants:
        if m.harmless and sc.caught.get(m.mutant_id):
            for finding in sc.caught[m.mutant_id][:3]:
                lines.append(f"  #{m.mutant_id} {m.source} {m.kind} 「{m.before}」→「{m.site.after}」: "
                             f"[{finding.severity}] {finding.check_id} {finding.message[:120]}")
    lines += ["", "PDF vs its text rendering (error/warning findings, fail and not_evaluable):"]
    by_source: dict[str, dict[int, str]] = defaultdict(dict)
    for f, (src, n) in files.items():
        if n <= 0:
            by_source[src][n] = f
    for src, fs in sorted(by_source.items()):
        if -1 not in fs:
            continue
        a = {(*_key(x), x.status) for x in findings.get(fs[-1], []) if x.severity in PREDICTED}
        b = {(*_key(x), x.status) for x in findings.get(fs[0], []) if x.severity in PREDICTED}
        lines.append(f"  {src}: PDF {len(a)}, rendering {len(b)}, only PDF {len(a - b)}, only rendering {len(b - a)}")
        for x in sorted(a - b):
            lines.append(f"    only PDF: {x[0]} {x[2]} {x[1][:110]}")
        for x in sorted(b - a):
            lines.append(f"    only rendering: {x[0]} {x[2]} {x[1][:110]}")
    originals = {f for f, (src, n) in files.items() if n == -1 or (n == 0 and -1 not in by_source[src])}
    lines += ["", "unmutated documents: error/warning findings (fail)"]
    for f in sorted(originals):
        for o in findings.get(f, []):
            if o.status == "fail" and o.severity in PREDICTED:
                lines.append(f"  {files[f][0]} [{o.severity}] {o.check_id} p.{o.page}: {o.message[:150]}")
    ev: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for f, check, evaluated, ne in summary:
        if f in originals:
            ev[check][0] += evaluated
            ev[check][1] += ne
    tot_ev, tot_ne = sum(v[0] for v in ev.values()), sum(v[1] for v in ev.values())
    lines += ["", f"not_evaluable on the unmutated documents: {tot_ne} of {tot_ev + tot_ne} evaluations "
              f"({_pct(tot_ne, tot_ev + tot_ne).strip()}); per rule (rules with any):"]
    for check, (e, n) in sorted(ev.items(), key=lambda kv: -kv[1][1]):
        if n:
            lines.append(f"  {check:38} {n:4} of {e + n:5} ({_pct(n, e + n).strip()})")
    return lines


def subset(mutants: list[Mutant], sources: list[Source], kinds: str | None,
           docs: str | None, doc_type: str | None = None) -> tuple[list[Mutant], list[Source]]:
    """The mutants of the given kinds, documents and document type (numbers and sites unchanged) and the sources
    they edit."""
    wanted_kinds = {k.strip() for k in kinds.split(",")} if kinds else None
    wanted_docs = [d.strip() for d in docs.split(",")] if docs else None
    typed = {s.name for s in sources if doc_type is None or s.doc_type == doc_type}
    kept = [m for m in mutants
            if (wanted_kinds is None or m.kind in wanted_kinds)
            and (wanted_docs is None or any(d in m.source for d in wanted_docs))
            and m.source in typed]
    names = {m.source for m in kept}
    return kept, [s for s in sources if s.name in names]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="mutation testing of the checks on real documents")
    ap.add_argument("--realdata", type=Path, default=Path("../shared/realdata"))
    ap.add_argument("--work", type=Path, default=Path("data/eval/mutation"))
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--per-kind", type=int, default=PER_KIND)
    ap.add_argument("--out", type=Path, help="also write the report to this file")
    ap.add_argument("--kinds", help="comma-separated kind keys: run only these mutants (the sites stay those of the "
                    "full draw, so a subset run scores the same mutants as the whole run)")
    ap.add_argument("--docs", help="comma-separated substrings of source names: run only their mutants")
    ap.add_argument("--doc-type", choices=("决算", "预算"), help="run only the mutants of this document type")
    args = ap.parse_args(argv)
    if not args.realdata.is_dir():
        print(f"real documents not found at {args.realdata}: mutation eval skipped")
        return 0
    t0 = time.monotonic()
    sources = load_sources(args.realdata)
    mutants = draw(sources, per_kind=args.per_kind, seed=args.seed)
    library = sources
    if args.kinds or args.docs or args.doc_type:
        mutants, sources = subset(mutants, sources, args.kinds, args.docs, args.doc_type)
    files = write_inbox(sources, mutants, args.work / "inbox", library)
    t1 = time.monotonic()
    warehouse = args.work / "mutation.duckdb"
    run_pipeline(args.work / "inbox", warehouse)
    t2 = time.monotonic()
    findings, departments, summary = load(warehouse)
    sc = score(sources, mutants, files, findings, set(departments))
    unreadable = frozenset(unreadable_renderings(files, table_cells(warehouse)))
    lines = report(sources, sc, findings, files, summary, unreadable)
    lines.append("")
    lines.append(f"time: mutants written {t1 - t0:.0f} s, pipeline run {t2 - t1:.0f} s; distinct departments "
                 f"{len(set(departments.values()))} for {len(departments)} documents")
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
