"""RULES.md §3: death records, deaths by person, signs of life, and the two
death lists."""
from __future__ import annotations

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
    dead = deaths[deaths.index.isin(p.index) & ~deaths.index.isin(alive)].copy()
    led = p.loc[dead.index]
    dead["dm"] = dead["death_date"].dt.year * 12 + dead["death_date"].dt.month - 1
    pay = st["benefit_payments"]
    pay = pay[pay["idn"].isin(dead.index)]
    pm = pay["pay_month"].dt.year * 12 + pay["pay_month"].dt.month - 1
    dm = pay["idn"].map(dead["dm"])
    over = pay[pm > dm]
    n_over = over.groupby("idn").size()
    sum_over = over.groupby("idn")["amount"].sum()
    last = pm.groupby(pay["idn"]).max()
    drew_pay = set(pay.loc[(pm == dm) | (pm == dm - 1), "idn"])
    grants = set(st["funeral_grants"]["idn"])
    start = pd.Timestamp(policy.funeral_grant.start_date)
    is_open = (led["enrol_status"] != "终止参保") | led["benefit_status"].isin(DRAWING)
    drawing = led["benefit_status"].isin(DRAWING)
    rows = []
    for key, d in dead.iterrows():
        detail = {"death_date": str(d["death_date"].date()), "death_sources": d["death_sources"],
                  "date_conflict": bool(d["date_conflict"])}
        if is_open[key]:
            lm = last.get(key)
            rows.append({"list": "deceased_accounts", "id_number": key, "reason": "deceased",
                         "key": "", **detail, "months_overpaid": int(n_over.get(key, 0)),
                         "overpaid_amount": f"{int(sum_over.get(key, 0)) / 100:.2f}",
                         "last_paid_month": "" if lm is None else f"{lm // 12}-{lm % 12 + 1:02d}"})
        if (drawing[key] or key in drew_pay) and d["death_date"] >= start and key not in grants:
            rows.append({"list": "funeral_grants", "id_number": key,
                         "reason": "funeral_grant_owed", "key": "", **detail})
    return rows
