"""The link task of issue #8: a pension ledger and the health department's death
certificates, `recon run` against Splink 5's train + predict on the same records.

    python -m benchmarks.bench_link [--people 280000] [--seed 5] [--keep DIR]

A synthetic county is generated (about 0.72 ledger rows per person: 280,000 people
give about 200,000 ledger rows); its link inbox holds only `pension/participants_*`
and `health/death_certificates*` (the other tables are absent, so their checks are
skipped, as CONTRACT §1 allows). Then, in this one benchmark run:

1. `recon run` on that inbox as a fresh process (Prefect included, start-up included,
   every output written): wall seconds, peak RSS;
2. precision and recall (auto-accepted, and with the review queue) of its links
   against the synthetic truth (`benchmarks.bench_match.score`);
3. Splink 5, trained (u by sampling, m by EM) and predicting on the same staged
   records of that warehouse (`benchmarks.bench_match.run_splink`), timed.

The goal: precision 1.000, recall with review >= 0.997, and `recon run` within a
third of Splink's seconds. Writes benchmarks/results/link.json.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from benchmarks.bench_match import load_truth, run_splink, score
from benchmarks.bench_scale import measured_start, recon_run, synth_county
from transforms.config import load_config

RESULTS = Path(__file__).resolve().parent / "results" / "link.json"
KEEP_GLOBS = ("pension/participants_*", "health/death_certificates*")


def link_inbox(county: Path, inbox: Path) -> dict:
    """Copy the ledger and the death certificates of ``county`` into ``inbox``."""
    files = []
    for pattern in KEEP_GLOBS:
        for path in sorted(county.glob(pattern)):
            target = inbox / path.relative_to(county)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            files.append(str(path.relative_to(county)))
    return {"files": files}


def truth_links(truth: Path, out: Path) -> int:
    """links.csv rows of the death certificates only."""
    with open(truth / "links.csv", encoding="utf-8", newline="") as src, \
            open(out, "w", encoding="utf-8", newline="") as dst:
        reader, writer = csv.DictReader(src), None
        n = 0
        for row in reader:
            if row["table"] != "death_certificates":
                continue
            if writer is None:
                writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
                writer.writeheader()
            writer.writerow(row)
            n += 1
    return n


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=280_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--as-of", default="2026-11-28")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep (and reuse) the synthetic county in this folder")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    config = load_config()
    result: dict = {"people": args.people, "seed": args.seed, "as_of": args.as_of,
                    "measured": measured_start()}
    with tempfile.TemporaryDirectory(prefix="bench-link-") as tmp:
        base = Path(tmp)
        folder = args.keep or base
        county, truth = folder / f"county{args.people}", folder / f"county{args.people}.truth"
        synth = synth_county(county, truth, args.people, args.seed, args.as_of,
                             reuse=args.keep is not None)
        if synth:
            result["synth_seconds"] = synth["seconds"]
        inbox = base / "inbox"
        result["inbox"] = link_inbox(county, inbox)
        links_csv = base / "links_death_certificates.csv"
        result["truth_rows"] = truth_links(truth, links_csv)
        warehouse = base / "link.duckdb"
        run, manifest = recon_run(inbox, base / "out", warehouse, args.as_of)
        result["recon_run"] = {"seconds": run["seconds"], "peak_rss_mb": run["peak_rss_mb"],
                               "steps": manifest["timings"]}
        con = duckdb.connect(str(warehouse))
        (ledger,), = con.execute("select count(*) from stg_participants").fetchall()
        (records,), = con.execute("select count(*) from stg_death_certificates").fetchall()
        result.update(ledger_rows=ledger, death_certificates=records)
        result["truth"] = load_truth(con, links_csv, ["death_certificates"])
        con.execute("create temp table bench_ours_links as select src_table, src_rid, "
                    "ledger_id_number as ledger_id, method from match_links "
                    "where src_table = 'death_certificates'")
        con.execute("create temp table bench_ours_review as select distinct src_table, "
                    "src_rid, ledger_id_number as ledger_id from match_review "
                    "where src_table = 'death_certificates'")
        result["recon_run"].update(score(con, "bench_ours_links", "bench_ours_review"))
        splink_seconds = run_splink(con, config, args.seed)
        result["splink"] = {"seconds": round(splink_seconds, 2),
                            **score(con, "bench_splink_links", None)}
        con.close()
    r, s = result["recon_run"], result["splink"]
    result["ratio_recon_to_splink"] = round(r["seconds"] / s["seconds"], 3)
    result["goal"] = {"precision": 1.0, "recall_with_review": 0.997, "ratio_at_most": 1 / 3,
                      "met": bool(r["precision"] == 1.0 and (r["recall"] or 0) >= 0.997
                                  and result["ratio_recon_to_splink"] <= 1 / 3)}
    result["measured"]["load_average_end"] = round(os.getloadavg()[0], 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"link task: {ledger:,} ledger rows, {records:,} death certificates "
          f"({result['truth_rows']:,} truth rows)")
    print(f"  recon run  {r['seconds']:7.2f} s  precision {r['precision']}  recall {r['recall']}"
          f"  recall_auto {r['recall_auto']}  peak {r['peak_rss_mb']} MB  steps {r['steps']}")
    print(f"  splink     {s['seconds']:7.2f} s  precision {s['precision']}  recall {s['recall']}")
    print(f"  ratio {result['ratio_recon_to_splink']} (goal <= 0.333), met: {result['goal']['met']}")
    print(f"written: {args.out}")
    return result


if __name__ == "__main__":
    main()
