"""An independent oracle: RULES.md applied, in plain pandas, to exactly what the
generator wrote (typed values as rendered, IDs and names as raw text).

Assumptions (where RULES.md leaves a choice, the generator avoids the case
or the oracle takes the reading below; ../README.md repeats them):
- files are read in path order (Python string order); of exact duplicates the
  first row is kept; in money tables copies within one file are all kept;
- a record's person key is the ledger ID when matched, else its own valid ID;
  ``deaths_by_id`` and the department lists are keyed by it;
- name_dob uses the record's own birth date, else digits 7-14 of its ID, and
  its own sex column where it has one;
- a sign of life is one review row per contribution (source ``pension``) or
  medical record (source ``medical_insurance``) dated after the window;
- ages are completed years at the as-of date from the ledger's birth date
  (registry: its birth date; department lists: the ID's digits 7-14).
"""
from __future__ import annotations

import dataclasses

import pandas as pd

from synth.oracle import deaths as death_rules
from synth.oracle import rules
from synth.oracle.match import DEPARTMENT, Ledger, match_table
from synth.oracle.staging import stage


@dataclasses.dataclass
class OracleResult:
    lists: pd.DataFrame        # list, id_number, reason, key, detail
    links: pd.DataFrame        # table, file, row, person_id, ledger_id, expected_method
    staged: dict


def run_oracle(world) -> OracleResult:
    cfg, policy, as_of = world.cfg, world.policy, world.as_of
    order = {s.path: i for i, s in enumerate(sorted(world.files, key=lambda s: s.path))}
    st = stage(world.records, cfg.sources.tables, order)
    ledger = Ledger(st["participants"])
    reviews = []
    for t in DEPARTMENT:
        m, rv = match_table(ledger, st[t], t)
        st[t] = st[t].join(m)
        reviews += rv
    deaths = death_rules.deaths_by_id(st, policy)
    ledger_ids = set(st["participants"]["idn"])
    alive = death_rules.alive_signals(st, deaths, ledger_ids, policy)
    groups = rules.Groups(st)
    ent = st["enterprise_pension"]
    ent_active = set(ent.loc[ent["status"] == "参保缴费", "key"].dropna())
    ent_covered = ent_active | set(ent.loc[ent["pension_start_month"].notna(), "key"].dropna())
    rows = death_rules.death_lists(st, deaths, set(alive["key"]), policy)
    rows += rules.contribution_issues(st, groups, policy)
    rows += rules.special_groups(st, groups, deaths, ent_active, policy, as_of)
    rows += rules.lapsed(st, groups, deaths, ent_active, policy, as_of)
    rows += rules.enterprise(st, policy, as_of)
    rows += rules.unenrolled(st, deaths, ent_covered, policy, as_of)
    for table, _, cand, reason in reviews:
        rows.append({"list": "review_queue", "id_number": cand, "reason": reason,
                     "key": cfg.sources.tables[table].source})
    for key, source in zip(alive["key"], alive["source"]):
        rows.append({"list": "review_queue", "id_number": key,
                     "reason": "alive_signal_after_death", "key": source})
    lists = pd.DataFrame(rows)
    base = ["list", "id_number", "reason", "key"]
    detail = [c for c in lists.columns if c not in base]
    lists["detail"] = [
        ";".join(f"{c}={_plain(v)}" for c, v in zip(detail, vals) if pd.notna(v) and v != "")
        for vals in lists[detail].itertuples(index=False)] if detail else ""
    lists = lists[base + ["detail"]].sort_values(base, kind="stable").reset_index(drop=True)
    return OracleResult(lists, _links(world, st, reviews), st)


def _plain(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _links(world, st: dict, reviews: list) -> pd.DataFrame:
    ids = world.people["id"].to_numpy()
    in_ledger = world.people["ledger"].to_numpy()
    review_rows = {(t, r) for t, r, _, _ in reviews}
    frames = []
    for t in DEPARTMENT:
        df = st[t]
        df = df.assign(_r=range(len(df)))
        df = df[df["_pid"] >= 0]
        pid = df["_pid"].to_numpy()
        method = df["method"].to_numpy().copy()
        under_review = [r for tt, r in review_rows if tt == t]
        method[df["_r"].isin(under_review).to_numpy()] = "review"
        frames.append(pd.DataFrame({
            "table": t, "file": df["_file"].to_numpy(), "row": df["_row"].to_numpy(),
            "person_id": ids[pid], "ledger_id": [x if led else "" for x, led in
                                                 zip(ids[pid], in_ledger[pid])],
            "expected_method": method}))
    return pd.concat(frames, ignore_index=True).sort_values(["file", "row"], kind="stable")
