"""Matching accuracy and speed on a synthetic county, side by side with Splink 5.

`make bench-match` (python -m benchmarks.bench_match [--people N] [--seed S]):
synthesise a county with ground truth (synth), ingest it, run
transforms.match.match_all, then Splink 5 on the same staged records, and score both
against <truth>/links.csv. Writes benchmarks/results/match.json and prints a table.

Scoring (one decision per department record):
- precision: correct auto-accepted links / auto-accepted links;
- recall: true links (truth rows with a ledger_id) found, auto-accepted or with the
  true ledger person among the record's review candidates (ours), or accepted
  (Splink: it has no review queue) / all true links;
- also reported: recall_auto (auto-accepted only) for both.

Splink: link_only between one department dataset (all matched tables) and the ledger;
the same prepared columns our matcher uses (normalised ID as text, name, toneless
pinyin, effective birth date and sex); blocking on birth date and on ID; comparisons
on ID (Damerau-Levenshtein 1, 2), name (exact with term frequencies, pinyin, one
edit, pinyin Jaro-Winkler 0.88), birth date (Splink's DateOfBirthComparison) and sex;
trained unsupervised: prior from a deterministic rule (ID and name equal, recall
0.9), u by random sampling (1e7 pairs), m by EM on birth date, on ID and on pinyin
(so that every comparison is trained at least once). A department record's
link is its best-scoring ledger pair with match_probability >= 0.9 (ties dropped).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import tempfile
import time
from pathlib import Path

import duckdb

from transforms.config import Config, load_config
from transforms.match import METHODS, match_all
from transforms.match import inputs as match_inputs
from transforms.sqlfile import ident, materialise

logger = logging.getLogger(__name__)

RESULTS = Path(__file__).resolve().parent / "results" / "match.json"
DEFAULT_PEOPLE = 50_000  # ~1.5 min on 2 cores, most of it Splink
DEFAULT_AS_OF = dt.date(2024, 6, 30)
SPLINK_THRESHOLD = 0.9


def build_county(workdir: Path, people: int, seed: int, as_of: dt.date,
                 config: Config) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """Synthesise the county, ingest it; return the warehouse and the truth folder."""
    from synth.generate import generate
    from transforms.ingest import ingest

    inbox, truth = workdir / "inbox", workdir / "truth"
    generate(people, seed, as_of, inbox, truth, config)
    con = duckdb.connect(str(workdir / "bench.duckdb"))
    ingest(con, inbox, config, as_of)
    return con, truth


def load_truth(con: duckdb.DuckDBPyConnection, links_csv: Path, tables: list[str]) -> dict:
    """bench_truth(src_table, src_rid, ledger_id, expected_method) for staged records."""
    con.execute("create or replace temp table bench_truth_raw as select * from "
                "read_csv($path, all_varchar = true, header = true)", {"path": str(links_csv)})
    staged = "\nunion all\n".join(
        f"select $t{i} as src_table, _rid as src_rid, _file, _row::varchar as _row "
        f"from {ident('stg_' + t)}" for i, t in enumerate(tables))
    con.execute(f"""
        create or replace temp table bench_truth as
        select s.src_table, s.src_rid, nullif(t.ledger_id, '') as ledger_id,
               nullif(t.expected_method, '') as expected_method
        from bench_truth_raw t join ({staged}) s
          on s.src_table = t."table" and s._file = t.file and s._row = t."row"
    """, {f"t{i}": t for i, t in enumerate(tables)})
    (raw, raw_links), = con.execute(
        "select count(*), count(nullif(ledger_id, '')) from bench_truth_raw").fetchall()
    (kept, kept_links), = con.execute(
        "select count(*), count(ledger_id) from bench_truth").fetchall()
    return {"truth_rows": raw, "truth_links": raw_links, "staged_rows": kept,
            "staged_links": kept_links}


def run_ours(con: duckdb.DuckDBPyConnection, config: Config) -> float:
    started = time.perf_counter()
    match_all(con, config)
    seconds = time.perf_counter() - started
    con.execute("create or replace temp table bench_ours_links as select src_table, src_rid, "
                "ledger_id_number as ledger_id, method from match_links")
    con.execute("create or replace temp table bench_ours_review as select distinct src_table, "
                "src_rid, ledger_id_number as ledger_id from match_review")
    return seconds


def _splink_inputs(con: duckdb.DuckDBPyConnection, config: Config):
    """The records exactly as our matcher prepares them, as two Arrow tables."""
    match_inputs.create_raw_inputs(con, config)
    materialise(con, "matching/sources", "_bench_src_prepared")  # reads _match_src_raw
    dept = con.sql("""
        select src_table || ':' || src_rid as unique_id, id_number, name, name_pinyin,
               dob, sex from _bench_src_prepared""").to_arrow_table()
    ledger = con.sql("""
        select ledger_rid::varchar as unique_id, id_number, name, name_pinyin,
               coalesce(birth_own, id_birth_date) as dob,
               coalesce(sex_own, if(try_cast(substr(id_number, 17, 1) as integer) % 2 = 1,
                                    '男', '女')) as sex
        from _match_ledger_raw""").to_arrow_table()
    for t in ("_match_src_raw", "_match_ledger_raw", "_bench_src_prepared"):
        con.execute(f"drop table if exists {t}")
    return dept, ledger


def run_splink(con: duckdb.DuckDBPyConnection, config: Config, seed: int) -> float:
    """Splink 5 on the same records; writes bench_splink_links. Returns seconds."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    dept, ledger = _splink_inputs(con, config)
    db_api = DuckDBAPI()
    sdf_dept = db_api.register(dept, dataset_display_name="department")
    sdf_ledger = db_api.register(ledger, dataset_display_name="ledger")
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name").configure(tf_adjustment_column="name"),
            cll.ExactMatchLevel("name_pinyin").configure(label_for_charts="same pinyin"),
            cll.LevenshteinLevel("name", 1),
            cll.JaroWinklerLevel("name_pinyin", 0.88),
            cll.ElseLevel(),
        ])
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.DamerauLevenshteinAtThresholds("id_number", [1, 2]),
            name,
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[block_on("dob"), block_on("id_number")],
        retain_matching_columns=False,
    )
    linker = Linker([sdf_dept, sdf_ledger], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("id_number", "name")], recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("id_number"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_pinyin"))
    predictions = linker.inference.predict(threshold_match_probability=SPLINK_THRESHOLD)
    pairs = predictions.as_pyarrow_table()
    seconds = time.perf_counter() - started
    con.register("bench_splink_pairs", pairs)
    # The department record may sit on either side of a pair.
    con.execute("""
        create or replace temp table bench_splink_links as
        with oriented as (
            select if(source_dataset_l = 'ledger', unique_id_r, unique_id_l) as dept_id,
                   if(source_dataset_l = 'ledger', unique_id_l, unique_id_r) as ledger_rid,
                   match_probability as p
            from bench_splink_pairs),
        ranked as (
            select *, rank() over (partition by dept_id order by p desc) as r,
                   count(*) over (partition by dept_id, p) as ties
            from oriented)
        select split_part(dept_id, ':', 1) as src_table,
               split_part(dept_id, ':', 2)::bigint as src_rid,
               l.id_number as ledger_id, 'splink' as method
        from ranked join stg_participants l on l._rid = ranked.ledger_rid::bigint
        where r = 1 and ties = 1""")
    con.unregister("bench_splink_pairs")
    return seconds


def _f1(p: float | None, r: float | None) -> float | None:
    return round(2 * p * r / (p + r), 6) if p and r else None


def score(con: duckdb.DuckDBPyConnection, links: str, review: str | None,
          method: str | None = None) -> dict:
    """Precision, recall (auto + review), recall_auto, F1 over bench_truth."""
    review_sql = (f"exists (select 1 from {review} v where v.src_table = t.src_table "
                  f"and v.src_rid = t.src_rid and v.ledger_id = t.ledger_id)"
                  if review else "false")
    link_filter = "where l.method = $method" if method else ""
    truth_filter = "and t.expected_method = $method" if method else ""
    params = {"method": method} if method else {}
    (n_links, correct), = con.execute(f"""
        select count(*), count(*) filter (where t.ledger_id = l.ledger_id)
        from {links} l left join bench_truth t using (src_table, src_rid) {link_filter}
    """, params).fetchall()
    (n_true, found_auto, found), = con.execute(f"""
        with t as (
            select t.*, l.ledger_id as linked
            from bench_truth t left join {links} l using (src_table, src_rid)
            where t.ledger_id is not null {truth_filter})
        select count(*), count(*) filter (where linked = ledger_id),
               count(*) filter (where linked = ledger_id or {review_sql})
        from t
    """, params).fetchall()
    precision = round(correct / n_links, 6) if n_links else None
    recall = round(found / n_true, 6) if n_true else None
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall),
            "recall_auto": round(found_auto / n_true, 6) if n_true else None,
            "count": n_links, "correct": correct, "true_links": n_true}


def oracle_agreement(con: duckdb.DuckDBPyConnection) -> dict:
    """Our decision per staged record (method, review or none) against the synth
    oracle's expected_method (an independent RULES §2 implementation)."""
    rows = con.execute("""
        with ours as (
            select t.expected_method as expected,
                   coalesce(l.method, if(v.src_rid is null, 'none', 'review')) as got
            from bench_truth t
            left join bench_ours_links l using (src_table, src_rid)
            left join (select distinct src_table, src_rid from bench_ours_review) v
                using (src_table, src_rid)
            where t.expected_method is not null)
        select expected, got, count(*) from ours group by all order by all""").fetchall()
    agree = sum(n for e, g, n in rows if e == g)
    return {"records": sum(n for *_, n in rows), "agree": agree,
            "disagreements": {f"{e}->{g}": n for e, g, n in rows if e != g}}


def print_table(result: dict) -> None:
    ours, spl = result["ours"], result["splink"]
    print(f"\nmatching benchmark: {result['records']} department records, "
          f"{result['ledger_rows']} ledger rows, {result['people']} people (seed {result['seed']})")
    print(f"{'':14}{'precision':>11}{'recall':>9}{'recall_auto':>13}{'f1':>9}{'seconds':>10}")
    for label, r in (("ours", ours), ("splink", spl)):
        if not r:
            continue
        cells = [r.get(k) for k in ("precision", "recall", "recall_auto", "f1", "seconds")]
        print(f"{label:14}" + "".join(
            f"{c:>{w}.4f}" if isinstance(c, float) else f"{'-':>{w}}"
            for c, w in zip(cells, (11, 9, 13, 9, 10))))
    oracle = ours["oracle"]
    print(f"  oracle agreement: {oracle['agree']}/{oracle['records']} records "
          f"{oracle['disagreements'] or ''}")
    for m, r in ours["by_method"].items():
        print(f"  {m:12}{r['precision'] or 0:>11.4f}{r['recall'] or 0:>9.4f}"
              f"{r['recall_auto'] or 0:>13.4f}   links {r['count']}, true {r['true_links']}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DEFAULT_AS_OF)
    parser.add_argument("--no-splink", action="store_true", help="score our matcher only")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    config = load_config()
    with tempfile.TemporaryDirectory(prefix="bench_match_") as tmp:
        con, truth_dir = build_county(Path(tmp), args.people, args.seed, args.as_of, config)
        tables = [t.table for t in match_inputs.department_tables(con, config)]
        result = evaluate(con, config, truth_dir / "links.csv", tables, args.seed,
                          splink=not args.no_splink)
        con.close()
    result.update(people=args.people, seed=args.seed, as_of=args.as_of.isoformat())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_table(result)
    print(f"\nwritten {args.out}")
    return result


def evaluate(con: duckdb.DuckDBPyConnection, config: Config, links_csv: Path,
             tables: list[str], seed: int, *, splink: bool = True) -> dict:
    """Run both matchers on the staged county and score them against links.csv."""
    truth = load_truth(con, links_csv, tables)
    ours_seconds = run_ours(con, config)
    ours = score(con, "bench_ours_links", "bench_ours_review")
    ours["seconds"] = round(ours_seconds, 3)
    ours["by_method"] = {m: score(con, "bench_ours_links", "bench_ours_review", m)
                         for m in METHODS}
    (reviewed,), = con.execute("select count(distinct (src_table, src_rid)) "
                               "from bench_ours_review").fetchall()
    ours["review_records"] = reviewed
    ours["oracle"] = oracle_agreement(con)
    result = {"records": truth["staged_rows"], "truth": truth, "ours": ours, "splink": {}}
    (result["ledger_rows"],), = con.execute("select count(*) from stg_participants").fetchall()
    if splink:
        splink_seconds = run_splink(con, config, seed)
        spl = score(con, "bench_splink_links", None)
        spl.update(seconds=round(splink_seconds, 3), threshold=SPLINK_THRESHOLD)
        result["splink"] = spl
    return result


if __name__ == "__main__":
    main()
