"""Who is in which scheme in the clean county: roles, ledger accounts, special
groups, enterprise periods, medical insurance. Nothing here lands on a list:
every resident aged 16-59 is insured and has paid for the as-of year, every
special-group payer is paid for by the county, every death is settled.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from synth.world import World

NAT = np.datetime64("NaT", "s")
SCHEME_START = np.datetime64("2010-07-01", "D")
EMPLOYERS = ("靖远县{}建筑工程有限公司", "白银{}商贸有限公司", "靖远县{}煤业有限责任公司",
             "甘肃{}农业科技有限公司", "靖远县{}运输有限公司", "白银{}电力有限公司")
EMPLOYER_WORDS = "恒通宏远鑫源华兴金泰瑞丰永盛安达天成"


def month(values) -> np.ndarray:
    return np.asarray(values).astype("datetime64[M]").astype("datetime64[s]")


def day(values) -> np.ndarray:
    return np.asarray(values).astype("datetime64[D]").astype("datetime64[s]")


def employers(rng: np.random.Generator, n: int) -> np.ndarray:
    pattern = np.array(EMPLOYERS, dtype=object)[rng.integers(0, len(EMPLOYERS), n)]
    words = np.array([EMPLOYER_WORDS[i:i + 2] for i in range(0, len(EMPLOYER_WORDS), 2)])
    word = words[rng.integers(0, len(words), n)]
    return np.array([p.format(w) for p, w in zip(pattern, word)], dtype=object)


def assign_roles(world: World) -> None:
    p, prm, ages = world.people, world.params, world.ages
    rng = world.rng("roles")
    n = len(p)
    age = world.age_at(world.today)
    p["age"] = age
    u = rng.random(n)
    role = np.full(n, "payer", dtype=object)
    role[age < ages.contribute_min] = "child"
    old = age >= ages.pension_age
    role[old] = "recipient"
    role[old & (u < prm.share_ent_retiree)] = "ent_retiree"
    role[old & (u >= prm.share_ent_retiree) & (u < prm.share_ent_retiree + prm.share_elder_none)] \
        = "elder_none"
    working = (age >= ages.contribute_min) & ~old
    role[working & (age >= 18) & (u < prm.share_enterprise)] = "ent_worker"
    # Women retired from enterprises at 50/55 draw an enterprise pension before 60.
    role[working & ~p["male"].to_numpy() & (age >= 50) & (u > 0.99)] = "ent_retiree"
    v = rng.random(n)
    role[(age >= ages.contribute_min) & (v < prm.share_moved)] = "moved"
    dead = (v >= prm.share_moved) & (v < prm.share_moved + prm.share_settled_dead) \
        & (age >= 20)
    p["role"] = role
    p["settled_dead"] = dead & np.isin(role, ("payer", "recipient", "elder_none", "child"))
    p["switcher"] = (role == "ent_worker") & (rng.random(n) < prm.share_switcher)
    for col in ("death", "d_ps", "d_health", "d_civil", "d_med", "cancel_date", "enrol_date",
                "benefit_start", "pay_to", "grant_date", "asst_start", "asst_end",
                "med_end_date", "med_claim"):
        p[col] = NAT
    p["hukou"] = "正常"
    p["cancel_reason"] = None
    p.loc[role == "moved", "hukou"] = "注销"
    p.loc[role == "moved", "cancel_reason"] = np.where(rng.random(int((role == "moved").sum()))
                                                       < 0.9, "迁出", "其他")
    moved = role == "moved"
    p.loc[moved, "cancel_date"] = day(world.today - rng.integers(30, 3000, int(moved.sum())))
    for col in ("tuopin", "returned", "edge", "grant", "ent"):
        p[col] = False
    for col in ("category", "fp_cat", "asst_cat", "med_type", "med_status", "med_end_reason",
                "med_employer"):
        p[col] = None
    _ledger(world, rng)


def _ledger(world: World, rng: np.random.Generator) -> None:
    """Ledger accounts: payers pay every year since they enrolled; recipients
    draw from the month after their 60th birthday (or the scheme's start)."""
    p, ages = world.people, world.ages
    n = len(p)
    role = p["role"].to_numpy()
    birth = p["birth"].to_numpy("datetime64[D]")
    ledger = np.isin(role, ("payer", "recipient")) | p["switcher"].to_numpy()
    p["ledger"] = ledger
    bday16 = (birth.astype("datetime64[Y]") + ages.contribute_min).astype("datetime64[D]") \
        + (birth - birth.astype("datetime64[Y]").astype("datetime64[D]"))
    start = SCHEME_START + rng.integers(0, 900, n).astype("timedelta64[D]")
    enrol = np.maximum(start, bday16 + rng.integers(0, 240, n).astype("timedelta64[D]"))
    enrol = np.minimum(enrol, world.today)
    p["enrol_date"] = np.where(ledger, day(enrol), NAT)
    p["enrol_status"] = np.where(ledger, "正常参保", None)
    p["benefit_status"] = np.where(ledger, "未领取", None)
    tiers = world.tiers(world.year)
    mix = {300: .44, 400: .06, 500: .27, 600: .04, 800: .03, 1000: .06, 1500: .04,
           2000: .03, 2500: .015, 3000: .015}
    mix = {t: s for t, s in mix.items() if t in tiers}
    w = np.array(list(mix.values()))
    p["tier"] = np.array(list(mix))[rng.choice(len(mix), n, p=w / w.sum())]
    p["first_year"] = np.maximum(enrol.astype("datetime64[Y]").astype(int) + 1970,
                                 world.first_year)
    p["last_year"] = world.year
    gap = (rng.random(n) < world.params.share_gap_year) & (p["first_year"] < world.year - 1)
    p["gap_year"] = np.where(gap, world.year - 1 - rng.integers(1, 3, n), 0)
    # recipients
    bday60 = (birth.astype("datetime64[Y]") + ages.pension_age).astype("datetime64[D]") \
        + (birth - birth.astype("datetime64[Y]").astype("datetime64[D]"))
    bstart = np.maximum(month(bday60).astype("datetime64[M]") + 1,
                        SCHEME_START.astype("datetime64[M]"))
    rec = role == "recipient"
    not_yet = rec & (bstart > world.asof_month)
    p["benefit_start"] = np.where(rec, month(bstart), NAT)
    p.loc[rec & ~not_yet, "benefit_status"] = "正常发放"
    p.loc[rec, "last_year"] = np.minimum(world.year,
                                         bday60[rec].astype("datetime64[Y]").astype(int) + 1969)
    p["pay_to"] = np.where(rec & ~not_yet, month([world.asof_month] * n), NAT)
    p["part_fen"] = rng.integers(800, 6000, n)
    drawn = (world.asof_month - bstart).astype(int).clip(0, None)
    p["balance_fen"] = np.where(rec, (p["part_fen"] * (139 - drawn)).clip(0, None),
                                (p["tier"] * 110 * (world.year - enrol.astype("datetime64[Y]")
                                                    .astype(int) - 1969)).clip(0, None))
    susp = rec & ~not_yet & (rng.random(n) < world.params.share_suspended_alive)
    p.loc[susp, "benefit_status"] = "暂停发放"
    p.loc[susp, "pay_to"] = month(world.asof_month - rng.integers(1, 6, int(susp.sum())))
    sw = p["switcher"].to_numpy()
    p.loc[sw, "enrol_status"] = "终止参保"


def enterprise(world: World) -> None:
    """hr/enterprise_pension periods: workers (current period open), switchers
    (enterprise since a recent year, resident contributions only before it),
    retirees (a closed period and a pension start)."""
    p = world.people
    rng = world.rng("enterprise")
    rows = []
    birth = p["birth"].to_numpy("datetime64[D]")
    workers = np.flatnonzero(p["role"].to_numpy() == "ent_worker")
    sw = p["switcher"].to_numpy()
    for i in workers:
        adult = birth[i].astype("datetime64[M]") + 12 * 18
        if sw[i]:
            y = int(rng.integers(world.year - 3, world.year))
            cur = np.datetime64(f"{y}-{int(rng.integers(1, 13)):02d}", "M")
            p.at[i, "last_year"] = y - 1
        else:
            lo = max(adult, np.datetime64("2000-01", "M"))
            cur = lo + int(rng.integers(0, max(1, (world.asof_month - lo).astype(int))))
            if rng.random() < 0.3 and cur - lo > 30:
                s = lo + int(rng.integers(0, (cur - lo).astype(int) - 24))
                rows.append((i, "企业职工", "终止", s, s + int(rng.integers(6, 20)), NAT))
        ident = "企业职工" if rng.random() < 0.7 else "灵活就业人员"
        rows.append((i, ident, "参保缴费", cur, NAT, NAT))
    retirees = np.flatnonzero(p["role"].to_numpy() == "ent_retiree")
    for i in retirees:
        age_ret = 60 if p.at[i, "male"] else (50 if rng.random() < 0.5 else 55)
        ret = birth[i].astype("datetime64[M]") + 12 * age_ret
        ret = min(ret, world.asof_month - 1)
        s = ret - int(rng.integers(180, 420))
        rows.append((i, "企业职工", "终止", s, ret - 1, ret))
    ent = pd.DataFrame(rows, columns=["pid", "identity", "status", "start", "end", "pension"])
    for c in ("start", "end", "pension"):
        ent[c] = month(ent[c].to_numpy())
    ent["employer"] = employers(rng, len(ent))
    ent.loc[ent["identity"] == "灵活就业人员", "employer"] = None
    world.ent = ent
    p.loc[ent["pid"].unique(), "ent"] = True
