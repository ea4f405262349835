"""Score a run's lists against a synthetic county's ground truth (lists.csv)."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

# The eight lists of CONTRACT §3, in its order: named here from the contract, not read
# from the product, so a list the product stops writing fails the comparison.
LISTS = ("deceased_accounts", "funeral_grants", "lapsed_payers", "enterprise_scheme",
         "special_groups", "contribution_issues", "unenrolled_residents", "review_queue")

# The truth's `key` column: what tells two rows of one person apart on a list.
KEY_COLUMN = {"special_groups": "year", "contribution_issues": "year", "review_queue": "source"}


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _details(truth: Path) -> dict[tuple, dict[str, str]]:
    """lists_detail.csv: the expected figures of a row (``death_date=…;months_overpaid=…``)."""
    path = truth / "lists_detail.csv"
    if not path.is_file():
        return {}
    out = {}
    for row in _rows(path):
        pairs = (item.split("=", 1) for item in row["detail"].split(";") if "=" in item)
        out[(row["list"], row["id_number"], row["reason"], row["key"])] = dict(pairs)
    return out


def compare_lists(out: Path, truth: Path) -> dict[str, dict]:
    """Per list: truth and output sizes, precision, recall, a few misses and extras, and
    rows whose figures differ from the truth's details (death date, amounts, years).

    A row is (id_number, reason, key); precision of an empty output is 1, and so
    is the recall of an empty truth.
    """
    want = defaultdict(set)
    for row in _rows(truth / "lists.csv"):
        want[row["list"]].add((row["id_number"], row["reason"], row["key"]))
    details = _details(truth)
    scores = {}
    for name in LISTS:
        column = KEY_COLUMN.get(name)
        rows = {(r["id_number"], r["reason"], r[column] if column else ""): r
                for r in _rows(out / "lists" / f"{name}.csv")}
        got = set(rows)
        hits = len(got & want[name])
        wrong = []
        for key in sorted(got & want[name]):
            for field, value in details.get((name, *key), {}).items():
                if field in rows[key] and rows[key][field].lower() != value.lower():
                    wrong.append((*key, field, value, rows[key][field]))
        scores[name] = {
            "truth": len(want[name]), "got": len(got),
            "precision": hits / len(got) if got else 1.0,
            "recall": hits / len(want[name]) if want[name] else 1.0,
            "missing": sorted(want[name] - got)[:5], "extra": sorted(got - want[name])[:5],
            "wrong_values": wrong[:5], "wrong_value_rows": len({w[:3] for w in wrong}),
        }
    return scores


def format_scores(scores: dict[str, dict]) -> str:
    return "\n".join(f"{name:<22} truth={s['truth']:>6} got={s['got']:>6} "
                     f"precision={s['precision']:.4f} recall={s['recall']:.4f} "
                     f"wrong_values={s['wrong_value_rows']}"
                     for name, s in scores.items())
