"""The ledger's money tables: contributions, benefit payments, funeral grants.

Amounts are integers in fen. Contributions follow policy exactly: a tier of
the year, subsidies from the year's bands, the county paying the special tier
for people in a special group of that year, 已脱贫人口 paying the special tier
themselves.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from synth.groups import special_in_year
from synth.schemes import day, month
from synth.world import World

CHANNELS = {"农商银行": .36, "农业银行": .15, "微信": .2, "支付宝": .1, "税务终端": .16,
            "税务大厅": .03}


def subsidies(world: World, years: np.ndarray, tiers_fen: np.ndarray) -> tuple[np.ndarray, ...]:
    """Provincial and county subsidy (fen) per row from the year's bands; 0 off-band."""
    prov = np.zeros(len(years), dtype=np.int64)
    county = np.zeros(len(years), dtype=np.int64)
    for y in np.unique(years):
        sel = years == y
        for band in world.policy.for_year(int(y)).subsidy_bands:
            hit = sel & (tiers_fen >= int(band.min_tier) * 100) & (tiers_fen <= int(band.max_tier) * 100)
            prov[hit] = int(band.provincial) * 100
            county[hit] = int(band.county) * 100
    return prov, county


def contributions(world: World) -> None:
    p = world.people
    rng = world.rng("contributions")
    ledger = p["ledger"].to_numpy()
    first = p["first_year"].to_numpy()
    last = p["last_year"].to_numpy()
    count = np.where(ledger, (last - first + 1).clip(0, None), 0)
    pid = np.repeat(np.arange(len(p)), count)
    offset = np.arange(len(pid)) - np.repeat(np.cumsum(count) - count, count)
    year = first[pid] + offset
    keep = year != p["gap_year"].to_numpy()[pid]
    pid, year = pid[keep], year[keep]
    n = len(pid)
    special = np.zeros(n, dtype=bool)
    for y in range(world.first_year, world.year + 1):
        sel = year == y
        special[sel] = special_in_year(world, y)[pid[sel]]
    base = p["tier"].to_numpy()[pid] * 100
    sp_tier = _special_tiers(world, year)
    uses100 = p["tuopin"].to_numpy()[pid] & (rng.random(len(p)) < 0.4)[pid]
    own = rng.random(len(p))[pid] < 0.2
    tier = np.where(uses100, sp_tier, base)
    tier = np.where(special & ~own, sp_tier, tier)
    gov = np.where(special, sp_tier, 0)
    personal = tier - gov
    prov, county = subsidies(world, year, tier)
    enrol = p["enrol_date"].to_numpy("datetime64[D]")[pid]
    jan = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    lo = np.maximum(jan, enrol)
    hi = np.where(year == world.year, world.today, jan + 364)
    span = (hi - lo).astype(int).clip(0, None)
    pay = lo + (rng.random(n) * (span + 1)).astype(int)
    ch = np.array(list(CHANNELS))[rng.choice(len(CHANNELS), n, p=list(CHANNELS.values()))]
    world.contrib = pd.DataFrame({
        "pid": pid, "year": year, "tier": tier, "personal": personal, "provincial": prov,
        "county": county, "gov": gov, "pay_date": day(pay), "channel": ch.astype(object)})


def _special_tiers(world: World, year: np.ndarray) -> np.ndarray:
    table = {y: world.special_tier(y) * 100 for y in range(world.first_year, world.year + 1)}
    out = np.zeros(len(year), dtype=np.int64)
    for y, v in table.items():
        out[year == y] = v
    return out


def payments(world: World) -> pd.DataFrame:
    """One row per recipient per month paid, from the payment window's start
    (or the pension's start) to ``pay_to``."""
    p = world.people
    start = np.maximum(p["benefit_start"].to_numpy("datetime64[M]"), world.first_pay_month)
    to = p["pay_to"].to_numpy("datetime64[M]")
    valid = ~np.isnat(to) & ~np.isnat(start)
    count = np.where(valid, (to - start).astype(np.int64) + 1, 0).clip(0, None)
    pid = np.repeat(np.arange(len(p)), count)
    offset = np.arange(len(pid)) - np.repeat(np.cumsum(count) - count, count)
    m = start[pid] + offset
    yr = m.astype("datetime64[Y]").astype(int) + 1970
    basic = np.zeros(len(pid), dtype=np.int64)
    for y in np.unique(yr):
        basic[yr == y] = world.basic_pension_fen(int(y))
    amount = basic + p["part_fen"].to_numpy()[pid]
    return pd.DataFrame({"pid": pid, "month": month(m), "amount": amount, "basic": basic})


def monthly_pension(world: World) -> np.ndarray:
    p = world.people
    drawing = p["benefit_status"].isin(["正常发放", "暂停发放"]).to_numpy()
    return np.where(drawing, world.basic_pension_fen(world.year) + p["part_fen"].to_numpy(), 0)
