"""RULES.md §3: death records, deaths by person, signs of life, and the two
death lists."""
from __future__ import annotations

import numpy as np
import pandas as pd

ORDER = ("public_security", "health", "civil_affairs", "medical_insurance")
DRAWING = ("正常发放", "暂停发放")


def death_records(st: dict) -> pd.DataFrame:
    reg = st["household_registry"]
    parts = [
        (reg[(reg["hukou_status"] == "注销") & (reg["cancel_reason"] == "死亡")], "cancel_date",
         "public_security"),
        (st["death_certificates"], "death_date", "health"),
        (st["cremations"], "death_date", "civil_affairs"),
        (st["enrollment"][st["enrollment"]["end_reason"] == "死亡"], "end_date", "medical_insurance"),
    ]
    frames = [pd.DataFrame({"key": df["key"].to_numpy(), "source": src,
                            "date": df[col].to_numpy("datetime64[D]")}) for df, col, src in parts]
    out = pd.concat(frames, ignore_index=True)
    return out[out["key"].notna() & out["date"].notna()]


def deaths_by_id(st: dict, policy) -> pd.DataFrame:
    rec = death_records(st)
    rec["rank"] = rec["source"].map({s: i for i, s in enumerate(ORDER)})
    per_source = rec.groupby(["key", "rank", "source"], as_index=False)["date"].min()
    first = per_source.sort_values(["key", "rank"]).groupby("key").first()
    span = rec.groupby("key")["date"].agg(["min", "max"])
    srcs = per_source.groupby("key")["source"].agg(lambda s: "|".join(sorted(s)))
    out = pd.DataFrame({"death_date": first["date"], "death_sources": srcs})
    out["date_conflict"] = (span["max"] - span["min"]).dt.days > policy.date_conflict_days
    return out


def alive_signals(st: dict, deaths: pd.DataFrame, ledger_ids: set, policy) -> pd.DataFrame:
    """(key, source) rows: a contribution or a medical claim after the window."""
    win = pd.Timedelta(days=policy.alive_signal_days)
    d = deaths[deaths.index.isin(ledger_ids)]["death_date"]
    c = st["contributions"]
    c = c[c["idn"].isin(d.index)]
    late_c = c[c["pay_date"] > c["idn"].map(d) + win]
    e = st["enrollment"]
    e = e[e["key"].isin(d.index) & e["ledger_id"].notna()]
    late_e = e[e["last_claim_date"] > e["key"].map(d) + win]
    return pd.concat([pd.DataFrame({"key": late_c["idn"], "source": "pension"}),
                      pd.DataFrame({"key": late_e["key"], "source": "medical_insurance"})],
                     ignore_index=True)


def death_lists(st: dict, deaths: pd.DataFrame, alive: set, policy) -> list[dict]:
    p = st["participants"].set_index("idn")
    dead = deaths[deaths.index.isin(p.index) & ~deaths.index.isin(alive)]
    pay = st["benefit_payments"]
    pay = pay[pay["idn"].isin(dead.index)].copy()
    pay["dm"] = pay["idn"].map(dead["death_date"]).dt.to_period("M")
    pay["pm"] = pay["pay_month"].dt.to_period("M")
    rows = []
    grants = set(st["funeral_grants"]["idn"])
    start = pd.Timestamp(policy.funeral_grant.start_date)
    by_id = dict(tuple(pay.groupby("idn")))
    empty = pay.iloc[:0]
    for key, d in dead.iterrows():
        led = p.loc[key]
        mine = by_id.get(key, empty)
        over = mine[mine["pm"] > mine["dm"]]
        detail = {"death_date": str(d["death_date"].date()), "death_sources": d["death_sources"],
                  "date_conflict": bool(d["date_conflict"])}
        if led["enrol_status"] != "终止参保" or led["benefit_status"] in DRAWING:
            rows.append({"list": "deceased_accounts", "id_number": key, "reason": "deceased",
                         "key": "", **detail, "months_overpaid": len(over),
                         "overpaid_amount": int(over["amount"].sum()),
                         "last_paid_month": str(mine["pm"].max()) if len(mine) else ""})
        dm = pd.Period(d["death_date"], "M")
        drew = led["benefit_status"] in DRAWING or mine["pm"].isin([dm, dm - 1]).any()
        if drew and d["death_date"] >= start and key not in grants:
            rows.append({"list": "funeral_grants", "id_number": key,
                         "reason": "funeral_grant_owed", "key": "", **detail})
    return rows
