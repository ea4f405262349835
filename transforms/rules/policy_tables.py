"""Policy of every year in play as small DuckDB tables the list SQL joins to."""
from __future__ import annotations

import duckdb
import pyarrow as pa

from transforms.config import Policy


def build_policy_tables(con: duckdb.DuckDBPyConnection, policy: Policy,
                        years: range) -> None:
    """policy_tiers(year, tier), policy_bands(year, min_tier, max_tier, provincial,
    county) and policy_year(year, basic_pension_monthly, special_tier)."""
    tiers, bands, per_year = [], [], []
    for year in years:
        p = policy.for_year(year)
        tiers += [{"year": year, "tier": t} for t in p.tiers]
        bands += [{"year": year, "min_tier": b.min_tier, "max_tier": b.max_tier,
                   "provincial": b.provincial, "county": b.county} for b in p.subsidy_bands]
        per_year.append({"year": year, "basic_pension_monthly": p.basic_pension_monthly,
                         "special_tier": p.special_tier})
    money = pa.decimal128(18, 2)
    schemas = {
        "policy_tiers": pa.schema([("year", pa.int32()), ("tier", money)]),
        "policy_bands": pa.schema([("year", pa.int32()), ("min_tier", money),
                                   ("max_tier", money), ("provincial", money),
                                   ("county", money)]),
        "policy_year": pa.schema([("year", pa.int32()), ("basic_pension_monthly", money),
                                  ("special_tier", money)]),
    }
    for name, rows in (("policy_tiers", tiers), ("policy_bands", bands),
                       ("policy_year", per_year)):
        arrow = pa.Table.from_pylist(rows, schema=schemas[name])  # noqa: F841 (scanned by duckdb)
        con.execute(f"create or replace table {name} as select * from arrow")


def years_in_play(con: duckdb.DuckDBPyConnection, as_of_year: int, first: int = 2014) -> range:
    """From 2014 (the unified scheme) or the earliest contribution year, to the as-of year
    or the latest contribution year (next year's, collected in autumn: the defaults of
    policy.yaml apply to every year, RULES §4)."""
    lo_year, hi_year = con.execute("select min(year), max(year) from stg_contributions").fetchone()
    lo = min(first, lo_year) if lo_year else first
    hi = max(as_of_year, hi_year) if hi_year else as_of_year
    return range(lo, hi + 1)
