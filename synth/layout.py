"""Which record goes to which file, in which format; duplicates and bad rows.

Every file is a ``FileSpec``; ``plan`` sets ``_file`` and ``_row`` on every
record (rows of one file in order), adds the deliberate duplicate and bad
rows, and lists the corrupt and unknown files. ``write`` renders the files.
"""
from __future__ import annotations

import dataclasses
import logging
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from synth import writers
from synth.cases_people import LEGACY
from synth.world import World, objectify

log = logging.getLogger(__name__)
XLS_ROWS = 60000


@dataclasses.dataclass
class FileSpec:
    path: str                      # relative to the inbox
    table: str | None
    fmt: str                       # csv, xlsx, xls, parquet, corrupt, unknown
    encoding: str = "utf-8"
    dates: str = "iso"             # iso, slash, compact, chinese, excel (xlsx date cells)
    months: str = "iso"            # iso, compact, chinese
    money: str = "plain"           # plain, fixed, thousands
    aliases: bool = False          # use the first configured alias instead of the header
    titles: int = 0                # title rows above the header (xlsx/xls)
    drop: tuple = ()               # configured columns the file lacks
    crlf: bool = False
    reason: str | None = None      # whole-file quarantine reason
    rows: int = 0


def _specs(world: World) -> list[FileSpec]:
    y, ymd = world.year, world.as_of.strftime("%Y%m%d")
    f = FileSpec
    return [
        f(f"pension/participants_{ymd}.csv", "participants", "csv", "utf-8-sig"),
        f(f"pension/contributions_{y - 4}.csv", "contributions", "csv", "gb18030", dates="compact"),
        f(f"pension/contributions_{y - 3}.csv", "contributions", "csv", aliases=True, money="fixed"),
        f(f"pension/contributions_{y - 2}.csv", "contributions", "csv", "gbk", dates="slash",
          crlf=True),
        f(f"pension/contributions_{y - 1}.parquet", "contributions", "parquet"),
        f(f"pension/contributions_{y}.csv", "contributions", "csv", "utf-8-sig", money="thousands"),
        f(f"pension/contributions_{y}_税务大厅.xlsx", "contributions", "xlsx", titles=2,
          dates="chinese"),
        f(f"pension/benefit_payments_{y - 1}.parquet", "benefit_payments", "parquet"),
        f(f"pension/benefit_payments_{y}.parquet", "benefit_payments", "parquet",
          months="compact", drop=("basic_pension",)),
        f("pension/funeral_grants.xlsx", "funeral_grants", "xlsx", titles=1, dates="excel"),
        f("pension/funeral_grants_补发.xlsx", "funeral_grants", "corrupt", reason="corrupt_file"),
        f(f"public_security/household_registry_{ymd}.parquet", "household_registry", "parquet",
          dates="compact"),
        f("public_security/household_registry_城关派出所.csv", "household_registry", "csv",
          "gb18030", aliases=True, dates="chinese"),
        f(f"civil_affairs/cremations_{y}.xlsx", "cremations", "xlsx", titles=3, dates="excel"),
        f("civil_affairs/cremations_历年.xlsx", "cremations", "xlsx", titles=1),
        f("civil_affairs/assistance_特困残疾.xlsx", "assistance", "xlsx", titles=2, aliases=True,
          months="chinese"),
        f("civil_affairs/assistance_低保.csv", "assistance", "csv", "utf-8-sig", months="compact"),
        f("health/death_certificates.csv", "death_certificates", "csv", "gbk", dates="slash"),
        f(f"health/death_certificates_{y}.xlsx", "death_certificates", "xlsx", titles=1),
        f("health/family_planning.xls", "family_planning", "xls", titles=1),
        f("health/family_planning_续表.csv", "family_planning", "csv", "gbk"),
        f(f"health/vaccination_{y}.csv", None, "unknown", reason="unknown_table"),
        f("medical_insurance/enrollment_居民.csv", "enrollment", "csv", dates="compact"),
        f("medical_insurance/enrollment_职工.xlsx", "enrollment", "xlsx", titles=2,
          dates="excel"),
        f("hr/enterprise_pension.csv", "enterprise_pension", "csv", "gb18030"),
        f(f"hr/enterprise_pension_{y}新增.xlsx", "enterprise_pension", "xlsx", titles=2,
          months="compact"),
        f("rural_revitalization/poverty_monitoring.csv", "poverty_monitoring", "csv", "gb18030"),
        f(f"reference/township_targets_{y}.csv", "township_targets", "csv", "utf-8-sig"),
        f("reference/填报说明.txt", None, "unknown", reason="unknown_kind"),
    ]


def _where(cond, a: str, b: str) -> np.ndarray:
    """``np.where`` for two file names, as an object array of the two strings."""
    return np.array([b, a], dtype=object)[np.asarray(cond, dtype=bool).astype(np.intp)]


def _route(world: World, table: str, df: pd.DataFrame) -> np.ndarray:
    """The file of each record."""
    y = world.year
    town = world.people["town"].to_numpy()
    pid = df["_pid"].to_numpy()
    if table == "contributions":
        codes, years = pd.factorize(df["year"])
        name = np.array([f"pension/contributions_{v}.csv" for v in years], dtype=object)[codes]
        name[df["year"].to_numpy() == y - 1] = f"pension/contributions_{y - 1}.parquet"
        hall = (df["year"].to_numpy() == y) & (df["channel"].to_numpy() == "税务大厅")
        name[hall] = f"pension/contributions_{y}_税务大厅.xlsx"
        return name
    if table == "benefit_payments":
        yr = df["pay_month"].dt.year.to_numpy()
        return _where(yr >= y, f"pension/benefit_payments_{y}.parquet",
                        f"pension/benefit_payments_{y - 1}.parquet")
    if table == "household_registry":
        seat = np.isin(town[pid], ("乌兰镇", "平堡镇"))
        return _where(seat, "public_security/household_registry_城关派出所.csv",
                        f"public_security/household_registry_{world.as_of:%Y%m%d}.parquet")
    if table in ("cremations", "death_certificates"):
        this = df["death_date"].dt.year.to_numpy() >= y
        if table == "cremations":
            return _where(this, f"civil_affairs/cremations_{y}.xlsx", "civil_affairs/cremations_历年.xlsx")
        return _where(this, f"health/death_certificates_{y}.xlsx", "health/death_certificates.csv")
    if table == "enrollment":  # employees of a current employer; the rest (and retirees) in CSV
        emp = df["employer"].notna().to_numpy() | df["_id_num"].to_numpy(dtype=bool)
        return _where(emp, "medical_insurance/enrollment_职工.xlsx",
                        "medical_insurance/enrollment_居民.csv")
    if table == "family_planning":  # a legacy .xls holds 65,536 rows at most
        return _where(np.arange(len(df)) < XLS_ROWS, "health/family_planning.xls",
                        "health/family_planning_续表.csv")
    if table == "assistance":
        low = df["category"].to_numpy() == "城乡低保"
        return _where(low, "civil_affairs/assistance_低保.csv", "civil_affairs/assistance_特困残疾.xlsx")
    if table == "enterprise_pension":
        new = df["start_month"].dt.year.to_numpy() >= y - 1
        return _where(new, f"hr/enterprise_pension_{y}新增.xlsx", "hr/enterprise_pension.csv")
    spec = [s for s in world.files if s.table == table and s.fmt not in ("corrupt", "unknown")]
    return np.full(len(df), spec[0].path, dtype=object)


def plan(world: World) -> None:
    world.files = _specs(world)
    rng = world.rng("layout")
    plain = ~world.used  # people of no case: their copies change no list
    recs = world.records
    if world.block is not None and world.block.index > 0:
        # one county: the targets and the odd files come once, with block 0
        recs.pop("township_targets", None)
        world.files = [s for s in world.files
                       if s.fmt not in ("corrupt", "unknown") and s.table != "township_targets"]
    for table, df in recs.items():
        df["_file"] = _route(world, table, df)
    y = world.year
    k = max(2, world.n // 20000)

    def pick(df, mask, n):
        rows = np.flatnonzero(mask)
        return np.sort(rng.choice(rows, min(n, len(rows)), replace=False))

    def clean_rows(df):
        return (df["_pid"].to_numpy() >= 0) & plain[df["_pid"].to_numpy()] & df["_bad"].isna().to_numpy()

    extra = {t: [] for t in recs}
    reg = recs["household_registry"]
    csv_reg = "public_security/household_registry_城关派出所.csv"
    in_csv = reg["_file"].to_numpy() == csv_reg
    for r in pick(reg, in_csv & clean_rows(reg), k):           # across files
        extra["household_registry"].append(reg.loc[[r]].assign(
            _file=f"public_security/household_registry_{world.as_of:%Y%m%d}.parquet"))
    for r in pick(reg, in_csv & clean_rows(reg), k):           # within the file
        extra["household_registry"].append(reg.loc[[r]])
    for bad in ("bad_date:birth_date", "bad_fields"):
        for r in pick(reg, in_csv & clean_rows(reg), 1):
            extra["household_registry"].append(reg.loc[[r]].assign(_bad=bad))
    con = recs["contributions"]
    hall = con["_file"].to_numpy() == f"pension/contributions_{y}_税务大厅.xlsx"
    for r in pick(con, hall & clean_rows(con), k):             # across files: dropped
        extra["contributions"].append(con.loc[[r]].assign(_file=f"pension/contributions_{y}.csv"))
    prev = con["_file"].to_numpy() == f"pension/contributions_{y - 1}.parquet"
    for r in pick(con, prev & clean_rows(con), k):             # within a file: kept
        extra["contributions"].append(con.loc[[r]])
    now = con["_file"].to_numpy() == f"pension/contributions_{y}.csv"
    for bad in ("invalid_id", "bad_fields"):
        for r in pick(con, now & clean_rows(con), 1):
            extra["contributions"].append(con.loc[[r]].assign(_bad=bad))
    pay = recs["benefit_payments"]
    for r in pick(pay, clean_rows(pay), k):
        extra["benefit_payments"].append(pay.loc[[r]])
    dc = recs["death_certificates"]
    csv_dc = dc["_file"].to_numpy() == "health/death_certificates.csv"
    for r in pick(dc, csv_dc & (dc["_pid"].to_numpy() >= 0), 1):
        extra["death_certificates"].append(dc.loc[[r]].assign(_bad="bad_date:death_date"))
    enr = recs["enrollment"]
    for r in pick(enr, (enr["_file"].to_numpy() == "medical_insurance/enrollment_居民.csv")
                  & clean_rows(enr), k):
        extra["enrollment"].append(enr.loc[[r]])
    for table, parts in extra.items():
        if parts:
            recs[table] = objectify(pd.concat([recs[table], *parts], ignore_index=True))
    for table, df in list(recs.items()):
        # Rows in file order: records by their natural order, copies and bad rows last
        # (a bad CSV row is appended after the data).
        codes = pd.factorize(df["_file"])[0]
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        starts = np.r_[0, np.flatnonzero(np.diff(sorted_codes)) + 1]
        first = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        recs[table] = df = df.iloc[order].reset_index(drop=True)
        df["_row"] = np.arange(len(df)) - first + 1
    if world.block is not None:
        _rename(world)
    sizes = {}
    for df in recs.values():
        sizes.update(df["_file"].value_counts().to_dict())
    for s in world.files:
        s.rows = int(sizes.get(s.path, 0))
    # an overflow file with nothing to hold is not written
    world.files = [s for s in world.files if s.rows or s.fmt in ("corrupt", "unknown")]
    world.case_file("duplicate_rows", f"{k} 行跨文件重复, {k} 行文件内重复")
    for table, df in recs.items():
        for f, r, b in df.loc[df["_bad"].notna(), ["_file", "_row", "_bad"]].itertuples(index=False):
            world.case_file(f"bad_row_{b.split(':')[0]}", f"{f} 第{r}行: {b}")
    for spec in world.files:
        if spec.reason:
            world.case_file(f"file_{spec.reason}", spec.path)
        if spec.aliases:
            world.case_file("header_aliases", spec.path)
        if spec.titles:
            world.case_file("title_rows", f"{spec.path}: {spec.titles}")
    legacy = recs["household_registry"]["township"].isin(list(LEGACY.values())).sum()
    world.case_file("legacy_township", f"户籍 {legacy} 行使用旧乡镇名")


def _rename(world: World) -> None:
    """A block's files carry its tag (``<table>_<suffix>_partNN``): blocks of one
    county share the inbox, each file named once. Block 0 keeps the plain names."""
    tag = world.block.tag
    if not tag:
        return

    def rename(path: str) -> str:
        stem, dot, ext = path.rpartition(".")
        return f"{stem}_{tag}{dot}{ext}"
    for spec in world.files:
        spec.path = rename(spec.path)
    for df in world.records.values():
        df["_file"] = df["_file"].map({f: rename(f) for f in df["_file"].unique()})


def source_folders(world: World) -> list[str]:
    return sorted({s.path.split("/")[0] for s in _specs(world)})


def clear(out: Path, folders) -> None:
    """Source folders left from an earlier run are replaced (an inbox holds one
    extract per table, not yesterday's beside today's)."""
    for folder in folders:
        if (out / folder).is_dir():
            log.info("replacing %s", out / folder)
            shutil.rmtree(out / folder)


def write(world: World, out: Path, replace: bool = True) -> list[FileSpec]:
    """Write every file; with ``replace`` the source folders are cleared first."""
    out.mkdir(parents=True, exist_ok=True)
    if replace:
        clear(out, sorted({s.path.split("/")[0] for s in world.files}))
    parts = {}
    for df in world.records.values():
        for path, idx in df.groupby("_file", sort=False).indices.items():
            parts[path] = df.iloc[idx]
    for spec in world.files:
        target = out / spec.path
        target.parent.mkdir(parents=True, exist_ok=True)
        df = parts.get(spec.path)
        if spec.table and spec.fmt not in ("corrupt", "unknown") and df is None:
            df = world.records[spec.table].iloc[:0]
        writers.write_file(world, spec, df, target)
    return world.files
