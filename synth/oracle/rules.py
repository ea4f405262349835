"""RULES.md §4-§6 written out plainly in pandas, on staged and matched records."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

DRAWING = ("正常发放", "暂停发放")


def age_at(birth: pd.Series, as_of: dt.date) -> pd.Series:
    b = pd.to_datetime(birth)
    before = (b.dt.month > as_of.month) | ((b.dt.month == as_of.month) & (b.dt.day > as_of.day))
    return as_of.year - b.dt.year - before.astype(int)


def id_birth(keys: pd.Series) -> pd.Series:
    return pd.to_datetime(keys.str.slice(6, 14), format="%Y%m%d", errors="coerce")


class Groups:
    """Special groups per year by the department lists (RULES §4)."""

    def __init__(self, st: dict) -> None:
        a = st["assistance"]
        self.assist = a[a["key"].notna()]
        pm = st["poverty_monitoring"]
        pm = pm[pm["key"].notna()]
        self.returned = set(pm.loc[pm["category"] == "返贫致贫人口", "key"])
        self.tuopin = set(pm.loc[pm["category"] == "脱贫人口", "key"])
        fp = st["family_planning"]
        self.fp = set(fp.loc[fp["key"].notna(), "key"])
        self._cache: dict[int, set] = {}

    def special(self, year: int) -> set:
        if year not in self._cache:
            a = self.assist
            jan, dec = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 1)
            touch = (a["start_month"].isna() | (a["start_month"] <= dec)) & \
                (a["end_month"].isna() | (a["end_month"] >= jan))
            self._cache[year] = set(a.loc[touch, "key"]) | self.returned | self.fp
        return self._cache[year]


def _row(lst: str, key: str, reason: str, k: str = "", **detail) -> dict:
    return {"list": lst, "id_number": key, "reason": reason, "key": k, **detail}


def contribution_issues(st: dict, groups: Groups, policy) -> list[dict]:
    c = st["contributions"]
    rows = []
    for year, cy in c.groupby("year"):
        yp = policy.for_year(int(year))
        tiers = {int(t) * 100 for t in yp.tiers}
        sp = int(yp.special_tier) * 100
        special = groups.special(int(year))
        tier = cy["tier"].to_numpy()
        valid = np.isin(tier, list(tiers | {sp}))
        paid = cy["personal_amount"].fillna(0).to_numpy() + cy["gov_paid"].fillna(0).to_numpy()
        prov = np.full(len(cy), -1)
        county = np.full(len(cy), -1)
        for band in yp.subsidy_bands:
            hit = (tier >= int(band.min_tier) * 100) & (tier <= int(band.max_tier) * 100)
            prov[hit], county[hit] = int(band.provincial) * 100, int(band.county) * 100
        ids = cy["idn"].to_numpy()
        eligible = np.array([i in special or i in groups.tuopin for i in ids], dtype=bool)
        checks = {
            "invalid_tier": ~valid,
            "tier_100_not_eligible": (tier == sp) & ~eligible,
            "amount_mismatch": paid != tier,
            "provincial_subsidy_mismatch": valid & (cy["provincial_subsidy"].to_numpy() != prov),
            "county_subsidy_mismatch": valid & (cy["county_subsidy"].to_numpy() != county),
        }
        for issue, mask in checks.items():
            for r in np.flatnonzero(mask):
                rows.append(_row("contribution_issues", ids[r], issue, str(int(year)),
                                 tier=f"{int(tier[r]) / 100:.2f}"))
    return rows


def special_groups(st, groups: Groups, deaths: pd.DataFrame, ent_active: set, policy,
                   as_of: dt.date) -> list[dict]:
    ages, y = policy.ages, as_of.year
    p = st["participants"].set_index("idn")
    open_ = set(p.index[p["enrol_status"] != "终止参保"])
    special = groups.special(y)
    rows = []
    keys = pd.Series(sorted(special), dtype=object)
    age = age_at(id_birth(keys), as_of)
    for k, a in zip(keys, age):
        if ages.contribute_min <= a <= ages.contribute_max and k not in deaths.index \
                and k not in open_ and k not in ent_active:
            rows.append(_row("special_groups", k, "not_enrolled", str(y)))
    c = st["contributions"]
    county_paid = set(c.loc[(c["year"] == y) & (c["gov_paid"] >= int(policy.county_paid_minimum) * 100),
                            "idn"])
    page = age_at(p["birth_date"], as_of)
    for k in sorted(special & open_):
        if p.at[k, "benefit_status"] not in DRAWING and page[k] < ages.pension_age \
                and k not in county_paid:
            rows.append(_row("special_groups", k, "not_paid_by_county", str(y)))
    gov = c[c["gov_paid"] > 0][["idn", "year"]].drop_duplicates()
    for k, yr in zip(gov["idn"], gov["year"]):
        if k not in groups.special(int(yr)):
            rows.append(_row("special_groups", k, "county_paid_not_eligible", str(int(yr))))
    cat = p[p["subsidy_category"].notna()]
    for k in cat.index:
        if k not in special:
            rows.append(_row("special_groups", k, "ledger_category_unsupported", str(y)))
    return rows


def lapsed(st, groups: Groups, deaths, ent_active: set, policy, as_of: dt.date) -> list[dict]:
    ages, y = policy.ages, as_of.year
    p = st["participants"]
    p = p[p["enrol_status"].isin(["正常参保", "暂停缴费"]) & (p["benefit_status"] == "未领取")]
    age = age_at(p["birth_date"], as_of)
    p = p[(age >= ages.contribute_min) & (age <= ages.contribute_max)]
    c = st["contributions"]
    paid_now = set(c.loc[c["year"] == y, "idn"])
    p = p[~p["idn"].isin(paid_now | set(deaths.index) | ent_active | groups.special(y))]
    c = c[c["idn"].isin(set(p["idn"]))]
    years = {k: {int(v) for v in g} for k, g in c.groupby("idn")["year"]}
    rows = []
    for k, enrol in zip(p["idn"], p["enrol_date"]):
        paid = years.get(k, set())
        enrol_year = enrol.year if pd.notna(enrol) else None
        last = max(paid) if paid else None
        start = last + 1 if last is not None else (enrol_year or y)
        missed_prev = (y - 1) not in paid and (enrol_year is None or enrol_year <= y - 1)
        rows.append(_row("lapsed_payers", k, "lapsed" if missed_prev else "unpaid_this_year",
                         last_paid_year=last, years_missed=y - start + 1))
    return rows


def _month_index(ts) -> int:
    return ts.year * 12 + ts.month - 1


def _merge(periods: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Enterprise periods as disjoint month ranges (a month counts once)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(periods):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def enterprise(st, policy, as_of: dt.date) -> list[dict]:
    p = st["participants"].set_index("idn")
    e = st["enterprise_pension"]
    e = e[e["ledger_id"].notna()]
    c = st["contributions"]
    c = c[c["idn"].isin(set(e["ledger_id"]))]
    by_id = dict(tuple(c.groupby("idn")))
    rows = []
    asof_i = as_of.year * 12 + as_of.month - 1
    for k, ek in e.groupby("ledger_id"):
        led = p.loc[k]
        if ((ek["status"] == "参保缴费").any()) and led["enrol_status"] == "正常参保":
            rows.append(_row("enterprise_scheme", k, "seal"))
        periods = _merge([(_month_index(s), _month_index(t) if pd.notna(t) else asof_i)
                          for s, t in zip(ek["start_month"], ek["end_month"]) if pd.notna(s)])
        mine = by_id.get(k, c.iloc[:0])
        overlap, refund = 0, 0.0
        for yr, personal in zip(mine["year"], mine["personal_amount"]):
            jan, dec = int(yr) * 12, int(yr) * 12 + 11
            n = sum(max(0, min(b, dec) - max(a, jan) + 1) for a, b in periods)
            overlap += n
            refund += personal * n / 12
        if overlap:
            rows.append(_row("enterprise_scheme", k, "refund_overlap", overlap_months=overlap,
                             refund_amount=f"{round(refund) / 100:.2f}"))
        if ek["pension_start_month"].notna().any() and led["benefit_status"] == "正常发放":
            rows.append(_row("enterprise_scheme", k, "terminate_dual_pension"))
    with_ent = set(e["ledger_id"])
    m = st["enrollment"]
    m = m[(m["insurance_type"] == "职工基本医疗保险") & (m["status"] == "参保缴费") & m["ledger_id"].notna()]
    page = age_at(p["birth_date"], as_of)
    ent_keys = set(st["enterprise_pension"]["key"].dropna())
    for k in sorted(set(m["ledger_id"])):
        if p.at[k, "enrol_status"] != "终止参保" and page[k] < policy.ages.pension_age \
                and k not in with_ent and k not in ent_keys:
            rows.append(_row("enterprise_scheme", k, "candidate"))
    return rows


def unenrolled(st, deaths, ent_covered: set, policy, as_of: dt.date) -> list[dict]:
    ages = policy.ages
    r = st["household_registry"]
    r = r[(r["hukou_status"] == "正常") & r["key"].notna()].copy()
    birth = r["birth_date"].where(r["birth_date"].notna(), id_birth(r["key"]))
    r["age"] = age_at(birth, as_of)
    r = r[(r["age"] >= ages.contribute_min) & (r["age"] <= ages.contribute_max)]
    p = st["participants"]
    open_ = set(p.loc[p["enrol_status"] != "终止参保", "idn"])
    r = r[~r["key"].isin(set(deaths.index) | open_ | ent_covered)]
    r = r.drop_duplicates("key")
    return [_row("unenrolled_residents", k, "unenrolled", age=int(a))
            for k, a in zip(r["key"], r["age"])]
