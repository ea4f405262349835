"""Typed records of every table, as the departments hold them (before files).

Each table is a DataFrame with the sources.yaml column keys: ``id_number`` and
``name`` hold the raw text a department sends, dates and months are
datetime64 (a month is its first day), money is integer fen. Bookkeeping
columns: ``_pid`` (the person the record is about, -1 none), ``_id_num`` (an
xlsx cell holding the ID as a number), ``_bad`` (the row is meant to be
quarantined: ``bad_date:<col>``, ``bad_fields``, ``invalid_id``), ``_part``
(a hint for the file layout).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from synth.cases_people import LEGACY
from synth.money import monthly_pension, payments
from synth.world import World

PLACES = ("家中", "县医院", "乡镇卫生院", "市医院", "其他")
ISSUERS = ("靖远县人民医院", "靖远县中医医院", "乡镇卫生院", "白银市第一人民医院")
HOMES = ("靖远县殡仪馆", "白银市殡仪馆")


def _frame(world: World, pids: np.ndarray, cols: dict) -> pd.DataFrame:
    p = world.people
    df = pd.DataFrame({"id_number": p["id"].to_numpy()[pids], "name": p["name"].to_numpy()[pids]})
    for k, v in cols.items():
        df[k] = v
    df["_pid"] = pids
    df["_id_num"] = False
    df["_bad"] = None
    return df


def build(world: World) -> dict[str, pd.DataFrame]:
    p = world.people
    rng = world.rng("records")
    out: dict[str, pd.DataFrame] = {}
    col = p.__getitem__
    led = np.flatnonzero(p["ledger"].to_numpy())
    mp = monthly_pension(world)
    out["participants"] = _frame(world, led, {
        "person_no": np.char.add("62042100", np.char.zfill(
            (led + (0 if world.block is None else world.block.first_person)).astype(str), 9)
        ).astype(object),
        "sex": col("sex").to_numpy()[led], "birth_date": col("birth").to_numpy()[led],
        "township": col("town").to_numpy()[led], "village": col("village").to_numpy()[led],
        "enrol_status": col("enrol_status").to_numpy()[led],
        "benefit_status": col("benefit_status").to_numpy()[led],
        "enrol_date": col("enrol_date").to_numpy()[led],
        "benefit_start_month": col("benefit_start").to_numpy()[led],
        "monthly_pension": pd.array(np.where(mp[led] > 0, mp[led], -1), dtype="Int64"),
        "account_balance": col("balance_fen").to_numpy()[led],
        "subsidy_category": col("category").to_numpy()[led]})
    out["participants"].loc[out["participants"]["monthly_pension"] < 0, "monthly_pension"] = pd.NA
    c = world.contrib
    cid = c["pid"].to_numpy()
    out["contributions"] = _frame(world, cid, {
        "year": c["year"].to_numpy(), "tier": c["tier"].to_numpy(),
        "personal_amount": c["personal"].to_numpy(), "provincial_subsidy": c["provincial"].to_numpy(),
        "county_subsidy": c["county"].to_numpy(), "gov_paid": c["gov"].to_numpy(),
        "pay_date": c["pay_date"].to_numpy(), "channel": c["channel"].to_numpy()})
    pay = payments(world)
    out["benefit_payments"] = _frame(world, pay["pid"].to_numpy(), {
        "pay_month": pay["month"].to_numpy(), "amount": pay["amount"].to_numpy(),
        "basic_pension": pay["basic"].to_numpy()})
    g = np.flatnonzero(p["grant"].to_numpy())
    out["funeral_grants"] = _frame(world, g, {
        "grant_date": col("grant_date").to_numpy()[g], "amount": np.full(len(g), world.grant_fen)})
    everyone = np.arange(len(p))
    town = col("town").to_numpy().copy()
    legacy = col("legacy_town").to_numpy() | (np.isin(town, list(LEGACY))
                                                & (rng.random(len(p)) < 0.15))
    town[legacy] = [LEGACY[t] for t in town[legacy]]
    out["household_registry"] = _frame(world, everyone, {
        "sex": col("sex").to_numpy(), "birth_date": col("birth").to_numpy(),
        "ethnicity": col("eth").to_numpy(), "township": town, "village": col("village").to_numpy(),
        "hukou_status": col("hukou").to_numpy(), "cancel_reason": col("cancel_reason").to_numpy(),
        "cancel_date": col("cancel_date").to_numpy()})
    cr = np.flatnonzero(~np.isnat(col("d_civil").to_numpy("datetime64[s]")))
    dd = col("d_civil").to_numpy("datetime64[D]")[cr]
    out["cremations"] = _frame(world, cr, {
        "sex": col("sex").to_numpy()[cr], "death_date": dd.astype("datetime64[s]"),
        "cremation_date": np.minimum(dd + rng.integers(1, 4, len(cr)), world.today)
        .astype("datetime64[s]"),
        "funeral_home": np.array(HOMES, dtype=object)[rng.integers(0, len(HOMES), len(cr))]})
    dc = np.flatnonzero(~np.isnat(col("d_health").to_numpy("datetime64[s]")))
    out["death_certificates"] = _frame(world, dc, {
        "sex": col("sex").to_numpy()[dc], "birth_date": col("birth").to_numpy()[dc],
        "death_date": col("d_health").to_numpy()[dc],
        "death_place": np.array(PLACES, dtype=object)[rng.integers(0, len(PLACES), len(dc))],
        "issuer": np.array(ISSUERS, dtype=object)[rng.integers(0, len(ISSUERS), len(dc))]})
    a = np.flatnonzero(col("asst_cat").notna().to_numpy())
    out["assistance"] = _frame(world, a, {
        "category": col("asst_cat").to_numpy()[a], "township": col("town").to_numpy()[a],
        "start_month": col("asst_start").to_numpy()[a], "end_month": col("asst_end").to_numpy()[a]})
    f = np.flatnonzero(col("fp_cat").notna().to_numpy())
    out["family_planning"] = _frame(world, f, {
        "category": col("fp_cat").to_numpy()[f], "township": col("town").to_numpy()[f]})
    cat = np.select([col("tuopin").to_numpy(), col("returned").to_numpy(), col("edge").to_numpy()],
                    ["脱贫人口", "返贫致贫人口", "边缘易致贫人口"], default="")
    pv = np.flatnonzero(cat != "")
    out["poverty_monitoring"] = _frame(world, pv, {
        "category": cat[pv].astype(object), "township": col("town").to_numpy()[pv]})
    m = np.flatnonzero(col("med_type").notna().to_numpy())
    out["enrollment"] = _frame(world, m, {
        "insurance_type": col("med_type").to_numpy()[m], "status": col("med_status").to_numpy()[m],
        "end_reason": col("med_end_reason").to_numpy()[m], "end_date": col("med_end_date").to_numpy()[m],
        "employer": col("med_employer").to_numpy()[m], "last_claim_date": col("med_claim").to_numpy()[m]})
    e = world.ent.sort_values(["pid", "start"], kind="stable")
    out["enterprise_pension"] = _frame(world, e["pid"].to_numpy(), {
        "identity": e["identity"].to_numpy(), "status": e["status"].to_numpy(),
        "start_month": e["start"].to_numpy(), "end_month": e["end"].to_numpy(),
        "pension_start_month": e["pension"].to_numpy(), "employer": e["employer"].to_numpy()})
    out["township_targets"] = _targets(world, rng)
    for df in out.values():
        for k in df.columns:
            if df[k].dtype.kind == "M":
                df[k] = df[k].astype("datetime64[s]")
    return out


def _targets(world: World, rng: np.random.Generator) -> pd.DataFrame:
    p = world.people
    payers = p[p["ledger"] & (p["enrol_status"] != "终止参保") & (p["benefit_status"] == "未领取")]
    counts = payers.groupby("town").size()
    rows = []
    for y in (world.year - 1, world.year):
        for t in world.cfg.county.townships:
            rows.append((t.name, y, round(counts.get(t.name, 0) * (1 + 0.08 * rng.random()))))
    df = pd.DataFrame(rows, columns=["township", "year", "target"])
    df["_pid"], df["_id_num"], df["_bad"] = -1, False, None
    return df


