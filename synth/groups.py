"""Special groups (assistance, poverty monitoring, family planning), medical
insurance, and the deaths of earlier years that were settled properly."""
from __future__ import annotations

import numpy as np
import pandas as pd

from synth.schemes import NAT, day, employers, month
from synth.world import World

ASSISTANCE = {"城乡低保": "低保对象", "特困供养": "特困人员", "重度残疾": "重度残疾人"}
CATEGORY_ORDER = ("特困人员", "低保对象", "重度残疾人", "返贫致贫人口", "计生两证户")


def special_groups(world: World) -> None:
    p, prm = world.people, world.params
    rng = world.rng("groups")
    n = len(p)
    ok = ~np.isin(p["role"].to_numpy(), ("moved", "ent_worker", "ent_retiree")) \
        & ~p["settled_dead"].to_numpy() & ~p["switcher"].to_numpy()
    age = p["age"].to_numpy()
    u = rng.random(n)
    cat = np.full(n, None, dtype=object)
    cat[ok & (u < prm.share_dibao)] = "城乡低保"
    t_lo, t_hi = prm.share_dibao, prm.share_dibao + prm.share_tekun * 3
    cat[ok & (u >= t_lo) & (u < t_hi) & (age >= 55)] = "特困供养"
    d_lo = t_hi
    cat[ok & (u >= d_lo) & (u < d_lo + prm.share_disabled)] = "重度残疾"
    has = cat != None
    p["asst_cat"] = cat
    k = int(has.sum())
    first = np.datetime64(f"{world.year - 8}-01", "M")
    start = first + rng.integers(0, (world.asof_month - first).astype(int) + 1, k)
    p.loc[has, "asst_start"] = month(start)
    ended = rng.random(k) < 0.25
    span = (world.asof_month - start).astype(int)
    end = start + (rng.random(k) * span).astype(int)
    end_full = np.where(ended & (span > 1), month(end), NAT)
    p.loc[has, "asst_end"] = end_full
    v = rng.random(n)
    p["tuopin"] = ok & (v < prm.share_tuopin)
    p["returned"] = ok & (v >= prm.share_tuopin) & (v < prm.share_tuopin + prm.share_returned_poor)
    lo = prm.share_tuopin + prm.share_returned_poor
    p["edge"] = ok & (v >= lo) & (v < lo + prm.share_edge_poor)
    fp = ok & (age >= 35) & (age <= 75) & (rng.random(n) < prm.share_family_planning * 2.5)
    p["fp_cat"] = np.where(fp, np.where(rng.random(n) < 0.7, "独生子女父母", "二女户"), None)
    refresh_categories(world)


def special_in_year(world: World, year: int) -> np.ndarray:
    """Per person: in a special group of ``year`` by the department lists (RULES §4)."""
    p = world.people
    s = p["asst_start"].to_numpy("datetime64[M]")
    e = p["asst_end"].to_numpy("datetime64[M]")
    jan, dec = np.datetime64(f"{year}-01", "M"), np.datetime64(f"{year}-12", "M")
    touches = ~np.isnat(s) & (s <= dec) & (np.isnat(e) | (e >= jan))
    return touches | p["returned"].to_numpy() | p["fp_cat"].notna().to_numpy()


def category_now(world: World) -> np.ndarray:
    """The group the ledger's 代缴类别 should name for the as-of year (or None)."""
    p = world.people
    s = p["asst_start"].to_numpy("datetime64[M]")
    e = p["asst_end"].to_numpy("datetime64[M]")
    jan = np.datetime64(f"{world.year}-01", "M")
    cur = ~np.isnat(s) & (np.isnat(e) | (e >= jan))
    out = np.full(len(p), None, dtype=object)
    for c in reversed(CATEGORY_ORDER):
        if c == "计生两证户":
            sel = p["fp_cat"].notna().to_numpy()
        elif c == "返贫致贫人口":
            sel = p["returned"].to_numpy()
        else:
            code = next(k for k, v in ASSISTANCE.items() if v == c)
            sel = cur & (p["asst_cat"].to_numpy() == code)
        out[sel] = c
    return out


def refresh_categories(world: World) -> None:
    """The clean ledger: 代缴类别 set for open payers in a group of the as-of year."""
    p = world.people
    payer = (p["ledger"] & (p["enrol_status"] != "终止参保") & (p["benefit_status"] == "未领取")
             & (p["age"] < world.ages.pension_age)).to_numpy()
    p["category"] = np.where(payer, category_now(world), None)


def medical(world: World) -> None:
    p = world.people
    rng = world.rng("medical")
    n = len(p)
    role = p["role"].to_numpy()
    has = (role != "moved") & (rng.random(n) >= world.params.share_no_medical)
    employee = np.zeros(n, dtype=bool)
    ent = world.ent
    cur = ent[(ent["identity"] == "企业职工")]
    employee[cur["pid"].to_numpy()] = True
    employee &= np.isin(role, ("ent_worker", "ent_retiree"))
    has |= employee
    p["med_type"] = np.where(has, np.where(employee, "职工基本医疗保险", "城乡居民基本医疗保险"), None)
    p["med_status"] = np.where(has, "参保缴费", None)
    emp = employers(rng, n)
    p["med_employer"] = np.where(employee & (role == "ent_worker"), emp, None)
    claim = rng.random(n) < 0.55
    p["med_claim"] = np.where(has & claim, day(world.today - rng.integers(0, 700, n)), NAT)


def settled_deaths(world: World) -> None:
    """Deaths of earlier years: registry cancelled, accounts closed, grants paid."""
    p, pol = world.people, world.policy
    rng = world.rng("settled")
    idx = np.flatnonzero(p["settled_dead"].to_numpy())
    lo = np.datetime64(f"{world.year - 5}-01-01", "D")
    for i in idx:
        floor = lo
        if p.at[i, "role"] == "recipient" and pd.notna(p.at[i, "benefit_start"]):
            floor = max(lo, np.datetime64(p.at[i, "benefit_start"], "D"))
        span = (world.today - 60 - floor).astype(int)
        if span <= 0:
            p.at[i, "settled_dead"] = False
            continue
        d = floor + int(rng.integers(0, span))
        p.at[i, "death"] = d
        p.at[i, "hukou"], p.at[i, "cancel_reason"] = "注销", "死亡"
        p.at[i, "d_ps"] = p.at[i, "cancel_date"] = d + int(rng.integers(0, 20))
        if rng.random() < 0.6:
            p.at[i, "d_health"] = d
        if rng.random() < 0.4:
            p.at[i, "d_civil"] = d
        close_medical(world, i, d, rng, as_death=rng.random() < 0.5)
        if p.at[i, "ledger"]:
            p.at[i, "enrol_status"] = "终止参保"
            if p.at[i, "benefit_status"] in ("正常发放", "暂停发放"):
                p.at[i, "benefit_status"] = "终止发放"
                p.at[i, "pay_to"] = np.datetime64(d, "M")
                if d >= np.datetime64(pol.funeral_grant.start_date):
                    p.at[i, "grant"] = True
                    p.at[i, "grant_date"] = min(d + int(rng.integers(20, 80)), world.today)
            p.at[i, "last_year"] = min(p.at[i, "last_year"], int(str(d)[:4]) - 1)
        p.at[i, "category"] = None


def close_medical(world: World, i: int, d: np.datetime64, rng: np.random.Generator,
                  as_death: bool, claim_after: int | None = None) -> None:
    """The medical record of someone who died on ``d``: terminated for death (a death
    source), or still open with the last claim on or before the death (or
    ``claim_after`` days after it)."""
    p = world.people
    if pd.isna(p.at[i, "med_type"]):
        return
    if as_death:
        p.at[i, "med_status"], p.at[i, "med_end_reason"] = "终止参保", "死亡"
        p.at[i, "d_med"] = p.at[i, "med_end_date"] = d + int(rng.integers(0, 25))
    if claim_after is not None:
        p.at[i, "med_claim"] = d + claim_after
    elif pd.notna(p.at[i, "med_claim"]) and p.at[i, "med_claim"] > d:
        p.at[i, "med_claim"] = d - int(rng.integers(1, 200))
