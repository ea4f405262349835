"""One 200,000-row township sheet written two ways: xlsxwriter (constant_memory) and
rustpy-xlsxwriter, with what our workbooks need (frozen header, filter, a drop-down
validation, sheet protection with the answer columns unlocked, print setup).

    python -m benchmarks.bench_xlsx [--rows 200000]

Each writer runs in a fresh process (its own peak RSS). Prints the figures and
writes benchmarks/results/xlsx.json. rustpy-xlsxwriter is not a dependency: the
benchmark records it as missing when it is not installed.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
HEADERS = ["案件编号", "本次状态", "公民身份号码", "姓名", "村（社区）", "死亡日期", "多发金额",
           "核查结果"]


def rows(n: int):
    for i in range(n):
        yield [f"SW-{i:06d}", "新增", f"620421********{i % 10000:04d}", "张三丰" if i % 2 else "李四",
               f"东街村{i % 40}组", "2026-03-15", round(1234.5 + i % 100, 2), ""]


def with_xlsxwriter(path: Path, n: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("死亡待核")
    unlocked = book.add_format({"locked": False})
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, n, len(HEADERS) - 1)
    sheet.data_validation(1, 7, n, 7, {"validate": "list", "source": ["属实", "不属实", "已处理"]})
    sheet.set_column(7, 7, 12, unlocked)
    sheet.protect("", {"autofilter": True, "sort": True})
    sheet.set_landscape()
    sheet.repeat_rows(0)
    sheet.fit_to_pages(1, 0)
    sheet.write_row(0, 0, HEADERS)
    for r, row in enumerate(rows(n), start=1):
        for c, value in enumerate(row):
            if c == 7:
                sheet.write_string(r, c, value, unlocked)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    book.close()


def with_rustpy(path: Path, n: int) -> None:
    from rustpy_xlsxwriter import write_worksheet

    records = [dict(zip(HEADERS, row)) for row in rows(n)]
    write_worksheet(records, str(path), sheet_name="死亡待核", freeze_row=1, autofilter=True,
                    password="", float_format="0.00",
                    data_validations={"核查结果": {"type": "list",
                                                  "values": ["属实", "不属实", "已处理"]}},
                    page_setup={"landscape": True, "repeat_rows": (0, 0), "fit_to_pages": (1, 0)})


def child(writer: str, n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sheet.xlsx"
        start = time.perf_counter()
        {"xlsxwriter_constant_memory": with_xlsxwriter, "rustpy_xlsxwriter": with_rustpy}[
            writer](path, n)
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": round(seconds, 2), "bytes": path.stat().st_size,
                          "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF)
                                               .ru_maxrss / 1024)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows)
        return
    figures = {"rows": args.rows, "columns": len(HEADERS), "load_average": os.getloadavg()[0]}
    for writer in ("xlsxwriter_constant_memory", "rustpy_xlsxwriter"):
        proc = subprocess.run([sys.executable, "-m", "benchmarks.bench_xlsx", "--rows",
                               str(args.rows), "--child", writer], check=False,
                              capture_output=True, text=True)
        figures[writer] = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode \
            == 0 else {"error": proc.stderr.strip().splitlines()[-1][:300]}
        print(writer, figures[writer])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "xlsx.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")


if __name__ == "__main__":
    main()
