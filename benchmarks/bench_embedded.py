"""The acceptance county embedded in a big synthetic one: are its lists still exact,
and how long does `recon run` take (issue #8: 300,000 further people, < 25 s)?

    python -m benchmarks.bench_embedded [--people 300000] [--seed 2] [--keep DIR]

1. The hand-made acceptance inbox (``tests/acceptance/county.py``, built from the
   CONTRACT/RULES wording, not from our generator) alone: `recon run`.
2. A synthetic county of ``--people`` people at the same as-of date, and the
   acceptance files put into the same inbox folders. A synthetic file whose name
   the acceptance county already uses is renamed ``<table>_合成<n>``; the acceptance
   county's own township targets are left out (the two would give one township two
   targets for a year). `recon run` on it as a fresh process, timed.
3. Every list row of the embedded run that concerns a person of the acceptance inbox
   (an ID any of its staged tables holds) must equal the acceptance run's rows
   (case numbers aside: they are serials over the whole county); every other row is
   scored against the synthetic truth (precision, recall and values: 1.000). An ID
   both generators gave to two different people (``id_collisions``) is left out of
   both comparisons and reported.

Writes benchmarks/results/embedded.json.
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

from benchmarks.bench_scale import measured_start, recon_run, synth_county
from transforms import lists_schema

RESULTS = Path(__file__).resolve().parent / "results" / "embedded.json"
AS_OF = "2025-06-30"  # the acceptance county's
CASE_COLUMNS = ("case_id",)  # serials over the whole county


def _run(inbox: Path, out: Path, warehouse: Path) -> dict:
    run, manifest = recon_run(inbox, out, warehouse, AS_OF)
    return {"seconds": run["seconds"], "peak_rss_mb": run["peak_rss_mb"],
            "steps": manifest["timings"]}


def embed(synthetic: Path, acceptance: Path, inbox: Path) -> dict:
    """The synthetic inbox with the acceptance files beside it (see the docstring)."""
    from transforms.config import load_config
    from transforms.ingest.discover import match_table

    tables = list(load_config().sources.tables)
    shutil.copytree(synthetic, inbox)
    renamed, left_out = [], []
    for path in sorted(p for p in acceptance.rglob("*") if p.is_file()):
        rel = path.relative_to(acceptance)
        if rel.parts[0] == "reference" and rel.name.startswith("township_targets"):
            left_out.append(str(rel))
            continue
        target = inbox / rel
        if target.exists():  # the synthetic file steps aside, under a plain name
            table = match_table(target.stem, tables)[0]
            new = target.with_name(f"{table}_合成{len(renamed)}{target.suffix}")
            target.rename(new)
            renamed.append(f"{rel} -> {new.name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return {"renamed_synthetic_files": renamed, "acceptance_files_left_out": left_out}


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _id_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The staged tables that carry an ID number."""
    return [r[0] for r in con.execute(
        "select table_name from duckdb_columns() where column_name = 'id_number' "
        "and table_name like 'stg\\_%' escape '\\'").fetchall()]


def acceptance_ids(warehouse: Path) -> set[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = _id_tables(con)
        ids: set[str] = set()
        for t in tables:
            ids |= {r[0] for r in con.execute(
                f'select distinct id_number from "{t}" where id_number is not null').fetchall()}
        return ids
    finally:
        con.close()


def collisions(warehouse: Path, ids: set[str], acceptance_files: set[str]) -> set[str]:
    """Acceptance IDs that the synthetic county also gives to someone: two generators
    drew the same number for two people. Those IDs are left out of the comparison."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = _id_tables(con)
        con.execute("create temp table acc_ids (id varchar)")
        con.executemany("insert into acc_ids values (?)", [[i] for i in sorted(ids)])
        found: set[str] = set()
        for t in tables:
            found |= {r[0] for r in con.execute(
                f'select distinct id_number from "{t}" join acc_ids on id = id_number '
                "where _file not in (select unnest($files))",
                {"files": sorted(acceptance_files)}).fetchall()}
        return found
    finally:
        con.close()


def compare(alone: Path, embedded: Path, ids: set[str], filtered: Path,
            skip: set[str]) -> dict:
    """Per list: the acceptance people's rows alone vs embedded; the other rows are
    written to ``filtered`` for the synthetic truth."""
    result = {}
    (filtered / "lists").mkdir(parents=True)
    for name in lists_schema.LISTS:
        mine = [{k: v for k, v in r.items() if k not in CASE_COLUMNS}
                for r in _rows(alone / "lists" / f"{name}.csv")]
        rows = _rows(embedded / "lists" / f"{name}.csv")
        mine = [r for r in mine if r.get("id_number") not in skip]
        theirs = [{k: v for k, v in r.items() if k not in CASE_COLUMNS}
                  for r in rows if r.get("id_number") in ids - skip]
        key = sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in mine)
        got = sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in theirs)
        result[name] = {"alone": len(mine), "embedded": len(theirs), "equal": key == got,
                        "only_alone": sorted(set(key) - set(got))[:3],
                        "only_embedded": sorted(set(got) - set(key))[:3]}
        others = [r for r in rows if r.get("id_number") not in ids]  # collisions too
        with open(filtered / "lists" / f"{name}.csv", "w", encoding="utf-8-sig",
                  newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["id_number"])
            writer.writeheader()
            writer.writerows(others)
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep (and reuse) the synthetic county in this folder")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    from synth.compare import compare_lists
    from tests.acceptance.county import write_inbox

    result: dict = {"people": args.people, "seed": args.seed, "as_of": AS_OF,
                    "measured": measured_start()}
    with tempfile.TemporaryDirectory(prefix="bench-embedded-") as tmp:
        base = Path(tmp)
        folder = args.keep or base
        synthetic, truth = folder / f"synth{args.people}", folder / f"synth{args.people}.truth"
        synth = synth_county(synthetic, truth, args.people, args.seed, AS_OF,
                             reuse=args.keep is not None)
        if synth:
            result["synth_seconds"] = synth["seconds"]
        acceptance = base / "acceptance"
        write_inbox(acceptance)
        result["acceptance_run"] = _run(acceptance, base / "out_alone", base / "alone.duckdb")
        inbox = base / "embedded"
        result["inbox"] = embed(synthetic, acceptance, inbox)
        ids = acceptance_ids(base / "alone.duckdb")
        result["acceptance_ids"] = len(ids)
        result["embedded_run"] = _run(inbox, base / "out_embedded", base / "embedded.duckdb")
        files = {str(p.relative_to(acceptance)) for p in acceptance.rglob("*") if p.is_file()}
        clash = collisions(base / "embedded.duckdb", ids, files)
        result["id_collisions"] = sorted(clash)
        result["acceptance_lists"] = compare(base / "out_alone", base / "out_embedded", ids,
                                             base / "filtered", clash)
        scores = compare_lists(base / "filtered", truth)
        result["synthetic_lists"] = {
            n: {k: s[k] for k in ("truth", "got", "precision", "recall", "wrong_value_rows",
                                  "missing", "extra")} for n, s in scores.items()}
    exact = all(v["equal"] for v in result["acceptance_lists"].values()) and all(
        s["precision"] == 1 and s["recall"] == 1 and not s["wrong_value_rows"]
        for s in result["synthetic_lists"].values())
    seconds = result["embedded_run"]["seconds"]
    result["goal"] = {"lists_exact": exact, "seconds_below": 25, "met": exact and seconds < 25}
    result["measured"]["load_average_end"] = round(os.getloadavg()[0], 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n",
                        encoding="utf-8")
    for name, v in result["acceptance_lists"].items():
        print(f"  {name:<22} acceptance rows alone {v['alone']:>3}, embedded {v['embedded']:>3}"
              f"  {'equal' if v['equal'] else 'DIFFERENT'}")
    print(f"embedded run: {seconds} s, peak {result['embedded_run']['peak_rss_mb']} MB, "
          f"steps {result['embedded_run']['steps']}")
    print(f"lists exact: {exact}; goal met: {result['goal']['met']}")
    print(f"written: {args.out}")
    return result


if __name__ == "__main__":
    main()
