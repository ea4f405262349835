"""Row-level edits of the contributions the cases asked for, and the pay dates
of contributions around a death (signs of life)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from synth.money import subsidies
from synth.world import World


def _rows(world: World) -> np.ndarray:
    """Row of each edit's (person, year) contribution."""
    c = world.contrib
    keys = pd.Index(c["pid"].to_numpy() * 10000 + c["year"].to_numpy())
    want = np.array([pid * 10000 + year for pid, year, _ in world.row_edits], dtype=np.int64)
    rows = keys.get_indexer(want) if len(want) else np.zeros(0, dtype=np.int64)
    if (rows < 0).any():
        bad = [world.row_edits[i] for i in np.flatnonzero(rows < 0)]
        raise RuntimeError(f"contribution rows missing for edits {bad[:5]}")
    return rows


def apply_row_edits(world: World) -> None:
    c = world.contrib
    rng = world.rng("row_edits")
    cols = {k: c.columns.get_loc(k) for k in c.columns}
    for r, (pid, year, kind) in zip(_rows(world), world.row_edits):
        sp = world.special_tier(year) * 100
        base = max(int(world.people.at[pid, "tier"]), min(world.tiers(year))) * 100
        tier, personal, gov = int(c.iat[r, cols["tier"]]), None, 0
        fix_subsidy = True
        if kind == "invalid_tier":
            bad = [t for t in (350, 200, 450, 1200, 5000)
                   if t not in world.tiers(year) and t != sp // 100]
            tier = bad[int(rng.integers(0, len(bad)))] * 100
            prov, county = (30, 10) if tier < 50000 else (60, 15)
            c.iat[r, cols["provincial"]], c.iat[r, cols["county"]] = prov * 100, county * 100
            fix_subsidy = False
        elif kind == "tier_100_not_eligible":
            tier = sp
        elif kind == "amount_mismatch":
            tier = base
            personal = tier - 5000 if tier > sp else tier + 5000
        elif kind in ("provincial_subsidy_mismatch", "county_subsidy_mismatch"):
            tier = (500 if kind.startswith("provincial") else 1500) * 100
        elif kind == "personal_only":
            tier = base
        elif kind == "county_100":
            tier, gov = sp, sp
        elif kind == "county_part":
            tier, gov = base, sp
        else:
            raise ValueError(kind)
        c.iat[r, cols["tier"]] = tier
        c.iat[r, cols["gov"]] = gov
        c.iat[r, cols["personal"]] = tier - gov if personal is None else personal
        if fix_subsidy:
            prov, county = subsidies(world, np.array([year]), np.array([tier]))
            prov, county = int(prov[0]), int(county[0])
            if kind == "provincial_subsidy_mismatch":
                prov //= 2
            if kind == "county_subsidy_mismatch":
                county -= 500
            c.iat[r, cols["provincial"]], c.iat[r, cols["county"]] = prov, county


def apply_signals(world: World) -> None:
    """A contribution after a (false) death: the as-of year's, more than the
    window after it (sign of life) or within it (a late bank debit); every other
    contribution is moved before the death."""
    c = world.contrib
    rng = world.rng("signals")
    win = world.policy.alive_signal_days
    pay = c["pay_date"].to_numpy("datetime64[D]").copy()
    pids = c["pid"].to_numpy()
    years = c["year"].to_numpy()
    for pid, kind, rule in world.signals:
        rule = np.datetime64(rule, "D")
        rows = np.flatnonzero(pids == pid)
        for r in rows:
            if years[r] == world.year:
                if kind.startswith("alive"):
                    lo = max(rule + win + 5, np.datetime64(f"{world.year}-01-01", "D"))
                    pay[r] = lo + int(rng.integers(0, max(1, (world.today - lo).astype(int) + 1)))
                    pay[r] = min(pay[r], world.today)
                else:
                    pay[r] = rule + int(rng.integers(1, min(win, (world.today - rule).astype(int)) + 1))
            elif pay[r] > rule:
                pay[r] = rule - int(rng.integers(1, 20))
    c["pay_date"] = pay.astype("datetime64[s]")
