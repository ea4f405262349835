"""The ground truth beside the inbox: lists.csv, links.csv, cases.csv,
quarantine.csv and truth.json."""
from __future__ import annotations

import collections
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

BAD_REASONS = {"bad_fields": "field_count_mismatch", "invalid_id": "invalid_id"}


def expected_rows(world) -> pd.DataFrame:
    """The list rows the cases say they produce (the hand-written expectation)."""
    ids = world.people["id"].to_numpy()
    rows = [(lst, ids[c.pid], reason, key, c.kind) for c in world.cases for lst, reason, key in c.expect]
    return pd.DataFrame(rows, columns=["list", "id_number", "reason", "key", "case"])


def quarantine_rows(world) -> pd.DataFrame:
    rows = []
    for df in world.records.values():
        bad = df[df["_bad"].notna()]
        for f, r, b in zip(bad["_file"], bad["_row"], bad["_bad"]):
            rows.append((f, int(r), BAD_REASONS.get(b, b.split(":")[0])))
    for s in world.files:
        if s.reason:
            rows.append((s.path, None, s.reason))
    return pd.DataFrame(rows, columns=["file", "row", "reason"]).astype({"row": "Int64"})


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    """``df.to_csv(path, index=False)``, through Arrow for the big frames: the same
    bytes as long as no value needs quotes (else pandas writes it)."""
    if len(df) < 100_000 or any(df[c].dtype.kind == "f" for c in df.columns):
        df.to_csv(path, index=False)
        return
    table = pa.Table.from_pandas(df, preserve_index=False)
    try:
        buf = pa.BufferOutputStream()
        pacsv.write_csv(table, buf, pacsv.WriteOptions(quoting_style="none", include_header=False))
        if any(set(str(c)) & set(',"\n') for c in df.columns):
            raise pa.ArrowInvalid("a header needs quotes")
        with open(path, "wb") as f:
            f.write((",".join(map(str, df.columns)) + "\n").encode())
            f.write(buf.getvalue())
    except pa.ArrowInvalid:
        df.to_csv(path, index=False)


def write(world, result, files, truth: Path) -> dict:
    truth.mkdir(parents=True, exist_ok=True)
    result.lists[["list", "id_number", "reason", "key"]].to_csv(truth / "lists.csv", index=False)
    result.lists.to_csv(truth / "lists_detail.csv", index=False)
    _write_csv(result.links, truth / "links.csv")
    ids = world.people["id"].to_numpy()
    cases = pd.DataFrame({
        "case": [c.kind for c in world.cases],
        "id_number": [ids[c.pid] if c.pid >= 0 else "" for c in world.cases],
        "expect": [";".join(":".join(e) for e in c.expect) for c in world.cases],
        "description": [c.description for c in world.cases]})
    cases.to_csv(truth / "cases.csv", index=False)
    quarantine_rows(world).to_csv(truth / "quarantine.csv", index=False)
    counts = {
        "tables": {t: len(df) for t, df in world.records.items()},
        "files": {s.path: s.rows for s in files},
        "cases": dict(sorted(collections.Counter(c.kind for c in world.cases).items())),
        "lists": {k: int(v) for k, v in result.lists.groupby("list").size().items()},
    }
    exp = expected_rows(world)[["list", "id_number", "reason", "key"]]
    got = result.lists[["list", "id_number", "reason", "key"]]
    merged = got.merge(exp.drop_duplicates(), how="outer", indicator=True)
    counts["check"] = {"oracle_only": int((merged["_merge"] == "left_only").sum()),
                       "cases_only": int((merged["_merge"] == "right_only").sum())}
    meta = {"as_of": world.as_of.isoformat(), "seed": world.seed, "people": world.n,
            "payment_months": world.params.payment_months,
            "contribution_years": [world.first_year, world.year],
            "encodings": {s.path: s.encoding for s in files if s.fmt == "csv"},
            **counts}
    (truth / "truth.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n",
                                      encoding="utf-8")
    return counts
