"""Render typed records as the departments' files: CSV in several encodings,
xlsx with title rows, legacy xls, parquet; and the corrupt and unknown files.

Values are rendered per distinct value (dates, money and months repeat a lot),
so half a million rows render in a fraction of a second. Output is byte-for-
byte deterministic: fixed document properties, fixed zip timestamps.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter
import xlwt

TITLES = {"participants": "城乡居民基本养老保险参保人员信息", "contributions": "城乡居民养老保险缴费明细",
          "benefit_payments": "城乡居民养老保险待遇发放明细", "funeral_grants": "丧葬补助金发放明细",
          "household_registry": "户籍人口信息", "cremations": "火化信息登记表",
          "assistance": "社会救助对象花名册", "death_certificates": "居民死亡医学证明信息",
          "family_planning": "计划生育家庭奖励扶助对象名册", "enrollment": "医疗保险参保信息",
          "enterprise_pension": "企业职工基本养老保险参保缴费信息",
          "poverty_monitoring": "防止返贫监测对象信息", "township_targets": "参保任务分解表"}
DATE_FMT = {"iso": "{y:04d}-{m:02d}-{d:02d}", "slash": "{y}/{m}/{d}", "compact": "{y:04d}{m:02d}{d:02d}",
            "chinese": "{y}年{m}月{d}日", "excel": "{y:04d}-{m:02d}-{d:02d}"}
MONTH_FMT = {"iso": "{y:04d}-{m:02d}", "compact": "{y:04d}{m:02d}", "chinese": "{y}年{m}月"}


def _by_unique(values: pd.Series, fmt) -> np.ndarray:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    rendered = np.array([fmt(u) for u in uniques] + [""], dtype=object)
    return rendered[codes]  # code -1 picks the trailing ""


def _date(style: str, month: bool = False):
    pattern = (MONTH_FMT if month else DATE_FMT)[style if not month or style in MONTH_FMT else "iso"]
    return lambda v: pattern.format(y=v.year, m=v.month, d=v.day)


def _money(style: str):
    def fmt(fen):
        fen = int(fen)
        if style == "thousands":
            return f"{fen / 100:,.2f}"
        if style == "fixed" or fen % 100:
            return f"{fen / 100:.2f}"
        return str(fen // 100)
    return fmt


def columns(world, spec, df: pd.DataFrame) -> tuple[list[str], dict[str, np.ndarray], list]:
    """Header names, rendered text per column, and the keys of the columns."""
    cfg = world.cfg.sources.tables[spec.table]
    keys = [k for k in cfg.columns if k not in spec.drop]
    headers, text = [], {}
    for k in keys:
        col = cfg.columns[k]
        headers.append(col.aliases[0] if spec.aliases and col.aliases else col.header)
        v = df[k]
        if col.type == "date":
            text[k] = _by_unique(v, _date(spec.dates))
        elif col.type == "month":
            text[k] = _by_unique(v, _date(spec.months, month=True))
        elif col.type == "money":
            text[k] = _by_unique(v.astype("Int64"), _money(spec.money))
        elif col.type in ("year", "int"):
            text[k] = _by_unique(v, lambda x: str(int(x)))
        else:
            text[k] = _text(v)
    bad = df["_bad"].fillna("").to_numpy()
    for r in np.flatnonzero(pd.Series(bad).str.startswith("bad_date:").to_numpy()):
        col = bad[r].split(":", 1)[1]
        year = df[col].iloc[r].year if pd.notna(df[col].iloc[r]) else world.year - 1
        text[col] = text[col].copy()
        text[col][r] = f"{year}-02-30"
    for r in np.flatnonzero(bad == "invalid_id"):
        text["id_number"] = text["id_number"].copy()
        text["id_number"][r] = text["id_number"][r][:17]
    return headers, text, keys


def _text(values: pd.Series) -> np.ndarray:
    """``fillna("").astype(str)`` as an object array, without a Python call per
    value when every value is text already."""
    arr = values.to_numpy(dtype=object, na_value="")
    if pd.api.types.infer_dtype(arr, skipna=False) != "string":
        arr = values.fillna("").astype(str).to_numpy(dtype=object)
    return arr


def _strings(values: np.ndarray) -> pa.Array:
    """Text as an Arrow string array, empty text as null."""
    arr = pa.array(values, type=pa.string())
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def write_file(world, spec, df: pd.DataFrame | None, target: Path) -> None:
    if spec.fmt == "corrupt":
        good = target.parent / "funeral_grants.xlsx"
        data = good.read_bytes()
        target.write_bytes(data[: len(data) * 3 // 5])
        return
    if spec.fmt == "unknown":
        _unknown(world, spec, target)
        return
    if spec.fmt != "xlsx" and df["_id_num"].any():
        raise ValueError(f"{spec.path}: an ID stored as a number needs an xlsx file")
    headers, text, keys = columns(world, spec, df)
    if spec.fmt == "csv":
        _csv(spec, df, headers, text, keys, target)
    elif spec.fmt == "parquet":
        arrays = [_strings(text[k]) for k in keys]
        pq.write_table(pa.table(arrays, names=headers), target, compression="snappy")
    elif spec.fmt == "xlsx":
        _xlsx(world, spec, df, headers, text, keys, target)
    elif spec.fmt == "xls":
        _xls(world, spec, headers, text, keys, target)


def _csv(spec, df, headers, text, keys, target: Path) -> None:
    bad = (df["_bad"] == "bad_fields").to_numpy()
    eol = "\r\n" if spec.crlf else "\n"
    table = pa.table([_strings(text[k][~bad]) for k in keys], names=headers)
    buf = io.BytesIO()
    try:  # like most exports: quotes only where a value needs them
        pacsv.write_csv(table, buf, pacsv.WriteOptions(quoting_style="none", eol=eol))
    except pa.ArrowInvalid:
        buf = io.BytesIO()
        pacsv.write_csv(table, buf, pacsv.WriteOptions(quoting_style="needed", eol=eol))
    tail = io.StringIO()
    w = csv.writer(tail, lineterminator=eol)
    for r in np.flatnonzero(bad):  # a row with one field too many, after the data
        w.writerow([text[k][r] for k in keys] + ["备注"])
    content = buf.getvalue().decode("utf-8") + tail.getvalue()
    try:
        data = content.encode(spec.encoding)
    except UnicodeEncodeError:  # a name GBK cannot hold: the export used GB18030
        spec.encoding = "gb18030"
        data = content.encode(spec.encoding)
    target.write_bytes(data)


def _title(world, spec) -> list[str]:
    county = world.cfg.county.name
    return [f"{county}{TITLES[spec.table]}",
            f"制表单位：{county}相关部门    导出日期：{world.as_of:%Y-%m-%d}", "单位：元、人"]


def _xlsx(world, spec, df, headers, text, keys, target: Path) -> None:
    cfg = world.cfg.sources.tables[spec.table]
    wb = xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_numbers": False, "strings_to_urls": False})
    stamp = dt.datetime.combine(world.as_of, dt.time())
    wb.set_properties({"created": stamp, "author": "", "company": ""})
    ws = wb.add_worksheet("Sheet1")
    bold = wb.add_format({"bold": True})
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    titles = _title(world, spec)[: spec.titles]
    for i, t in enumerate(titles):
        if i != 1 and len(headers) > 1:
            ws.merge_range(i, 0, i, len(headers) - 1, t, bold)
        else:
            ws.write_string(i, 0, t)
    ws.write_row(len(titles), 0, headers, bold)
    numeric_id = df["_id_num"].to_numpy(dtype=bool)
    kinds = [cfg.columns[k].type for k in keys]
    raw = {k: df[k].to_numpy() for k in keys if cfg.columns[k].type in ("money", "date")}
    base = len(titles) + 1
    for r in range(len(df)):
        row = base + r
        for c, (k, kind) in enumerate(zip(keys, kinds)):
            t = text[k][r]
            if t == "":
                continue
            if kind == "id" and numeric_id[r]:
                ws.write_number(row, c, float(df["id_number"].iat[r]))
            elif kind == "money":
                ws.write_number(row, c, int(raw[k][r]) / 100)
            elif kind == "date" and spec.dates == "excel" and not t.endswith("-02-30"):
                ws.write_datetime(row, c, pd.Timestamp(raw[k][r]).to_pydatetime(), datef)
            else:
                ws.write_string(row, c, t)
    wb.close()


def _xls(world, spec, headers, text, keys, target: Path) -> None:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    titles = _title(world, spec)[: spec.titles]
    for i, t in enumerate(titles):
        ws.write_merge(i, i, 0, len(headers) - 1, t)
    for c, h in enumerate(headers):
        ws.write(len(titles), c, h)
    for r in range(len(text[keys[0]])):
        for c, k in enumerate(keys):
            if text[k][r]:
                ws.write(len(titles) + 1 + r, c, text[k][r])
    wb.save(str(target))


def _unknown(world, spec, target: Path) -> None:
    if spec.path.endswith(".txt"):
        target.write_text("各乡镇参保任务数据报送说明：请于每月5日前报送。\n", encoding="utf-8")
        return
    p = world.people.head(20)
    lines = ["身份证号,姓名,疫苗名称,接种日期"] + [
        f"{i},{n},新冠疫苗,{world.year}-03-0{k % 9 + 1}" for k, (i, n) in enumerate(zip(p["id"], p["name"]))]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
