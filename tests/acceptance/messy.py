"""A small inbox with every kind of messy input CONTRACT §1 names, as of 2025-06-30.

People (keys M1..M15) are few; each carries one kind of damage, and the test module
(test_acceptance_inputs.py) says what ingest, matching and the lists must make of it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from tests.acceptance.conftest import (
    HEADERS,
    pid,
    write_csv,
    write_parquet,
    write_xls,
    write_xlsx,
)
from transforms.normalise.id import convert15

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")

M1_15 = "620421550301111"             # 1955-03-01, sequence 111 (男)
M13_15 = "620421480606151"            # 1948-06-06, sequence 151 (男): a 15-digit ledger ID
ID = {
    "M1": convert15(M1_15),
    # M2's ID ends in X (written below as a lower-case x): the first sequence giving one.
    "M2": next(p for p in (pid("19800202", s) for s in range(2, 999, 2)) if p.endswith("X")),
    "M3": pid("19850303", 31),
    "M4": pid("19700520", 123),
    "M5": pid("19600101", 51),
    "M6": pid("19750606", 61),
    "M7": pid("19770707", 71),
    "M8": pid("19780808", 81),
    "M9": pid("19600101", 92),
    "M10": pid("19550505", 101),
    "M11": pid("19900909", 112),
    "M12": pid("19620202", 121),
    "M13": convert15(M13_15),
    "M14": pid("19580808", 141),
    "M15": pid("19400404", 151),
}

# How the ID cells are written (the staging table must normalise all of them).
ID_TEXT = {
    "M1": ID["M1"].translate(FULL_WIDTH),                     # full-width digits
    "M2": ID["M2"][:-1] + "x",                                # lower-case x
    "M3": f" {ID['M3'][:6]} {ID['M3'][6:14]}\t{ID['M3'][14:]} ",  # spaces and a tab
    "M4": "'" + ID["M4"],                                     # Excel's text marker
    "M5": ID["M5"],
    "M6": "6.20421E+17",                                      # Excel damage: scientific
    "M7": ID["M7"][:15] + "000",                              # last digits zeroed
    "M8": ID["M8"],
    "M9": ID["M9"],
    "M10": ID["M10"],
    "M11": ID["M11"],
    "M12": ID["M12"],
    "M13": M13_15,                                            # 15 digits in the ledger
    "M14": ID["M14"],
    "M15": ID["M15"],
}

# participants: columns in another order, aliases, an unknown column (备注), two optional
# columns (个人编号, 月养老金) missing.
PARTICIPANT_HEADER = ["姓名", "身份证号码", "备注", "乡镇", "村(社区)", "参保状态", "待遇状态",
                      "出生日期", "个人账户累计储存额", "参保日期", "待遇享受年月", "性别",
                      "代缴人员类别"]


def _p(key, name, town, village, birth, enrol="正常参保", benefit="未领取", enrol_date="2015-01-01",
       start="", balance="", sex=""):
    return [name, ID_TEXT[key], "无", town, village, enrol, benefit, birth, balance, enrol_date,
            start, sex, ""]


PARTICIPANTS = [
    _p("M1", "張三豐", "城关镇", "东街村", "1955/3/1", benefit="正常发放", start="201504",
       balance="1,234.50"),                                               # traditional 張/豐
    _p("M2", "=1+1", "北湾镇", "一村", "19800202"),                        # a formula
    _p("M3", "-张三", "北湾镇", "一村", "1985年3月3日"),                    # a formula too
    _p("M4", "王五", "北湾镇", "二村", "1970-05-20", benefit="正常发放", start="2015-06",
       balance="800"),
    _p("M5", "刘　洋", "平堡乡", "河村", "1960-01-01", benefit="正常发放", start="2020-02"),
    _p("M6", "赵六", "北湾镇", "二村", "1975-06-06"),                       # 6.20421E+17
    _p("M7", "钱七", "北湾镇", "二村", "1977-07-07"),                       # ...000
    _p("M8", "孙八", "北湾镇", "二村", "1978-08-08", enrol_date="2022-02-30"),  # no such date
    _p("M9", "阿依古丽．买买提", "平堡乡", "河村", "1960-01-01", benefit="正常发放",
       start="2020-02", balance="300.00"),
    _p("M10", "李䶮华", "北湾镇", "二村", "1955-05-05", benefit="正常发放", start="2015-06"),
    _p("M11", "周 九", "北湾镇", "二村", "1990-09-09"),
    _p("M12", "孙七", "北湾镇", "二村", "1962-02-02", benefit="正常发放", start="2022-03"),
    _p("M13", "冯十三", "北湾镇", "三村", "", benefit="正常发放", start="2008-07"),
    _p("M14", "买买提.吐尔逊", "北湾镇", "三村", "1958-08-08", benefit="正常发放", start="2018-09"),
    _p("M15", "钟十五", "北湾镇", "三村", "1940-04-04", benefit="正常发放", start="2008-07"),
]

CONTRIBUTION_ALIASES = ["身份证号码", "姓名", "年度", "档次", "个人缴费金额", "省补贴", "县补贴",
                        "代缴金额", "到账日期", "缴费方式"]


def write_inbox(inbox: Path) -> None:
    write_csv(inbox / "pension" / "participants_20250630.csv", PARTICIPANT_HEADER, PARTICIPANTS)
    # Contributions: an xlsx with 3 merged title rows and alias headers; money as numbers,
    # pay dates as a date cell, an Excel serial and text; an ID held as a number.
    contributions = [
        [ID["M11"], "周九", 2025, 300, 300, 30, 10, 0, dt.datetime(2025, 3, 1), "微信"],
        [ID["M5"], "刘洋", 2024, 300, 300, 30, 10, 0, 45366, "农商银行"],       # 2024-03-15
        [ID["M5"], "刘洋", 2024, 300, 300, 30, 10, 0, 45366, "农商银行"],       # paid twice
        [ID["M5"], "刘洋", 2025, 1500, 1500, 60, 20, 0, "2025年4月1日", "支付宝"],
        [float(ID["M8"]), "孙八", 2025, 300, 300, 30, 10, 0, "2025-03-01", "微信"],
    ]
    write_xlsx(inbox / "pension" / "contributions_2025.xlsx", CONTRIBUTION_ALIASES,
               contributions, titles=("靖远县城乡居民基本养老保险", "缴费明细", "单位：元"))
    # The same 2024 row again in another file: an exact duplicate across files.
    write_csv(inbox / "pension" / "contributions_2024.csv", HEADERS["contributions"],
              [[ID["M5"], "刘洋", "2024", "300.00", "300.00", "30.00", "10.00", "0.00",
                "2024/3/15", "农商银行"]])
    # Benefit payments without 其中基础养老金, as parquet: the ID an exact int64 column
    # (no float on the way), months in three forms, money as text with a separator.
    payments = [[int(ID["M9"]), "阿依古丽·买买提", m, "1,150.00"]
                for m in ("2025-03", "202504", "2025年5月")]
    payments += [[int(M13_15), "冯十三", m, "200.00"] for m in ("2025-04", "2025-05")]
    write_parquet(inbox / "pension" / "benefit_payments_202506.parquet",
                  ["公民身份号码", "姓名", "发放年月", "发放金额"], payments,
                  types={"公民身份号码": pa.int64()})
    write_csv(inbox / "pension" / "funeral_grants.csv", HEADERS["funeral_grants"], [])  # header only
    # Registry: GBK, alias headers, a 15-digit ID, bad rows.
    registry_header = ["身份证号码", "姓名", "性别", "出生日期", "民族", "乡镇", "村", "户口状态",
                       "注销原因", "注销日期"]
    registry = [
        [M1_15, "张三丰", "男", "", "汉族", "城关镇", "东街村", "注销", "死亡", "2025年3月1日"],
        [ID["M5"], "刘洋", "男", "1960-01-01", "汉族", "平堡乡", "河村", "正常", "", ""],
        [ID["M5"], "刘洋", "男", "1960-01-01", "汉族", "平堡乡", "河村", "正常", "", ""],  # copy
        ["", "无名氏", "男", "", "汉族", "北湾镇", "一村", "正常", "", ""],     # no ID, no birth
        [ID["M11"], "周九", "女", "1990-09-09", "汉族", "北湾镇", "二村", "注销", "死亡", ""],
        [ID["M3"], "张三", "男", "1985-03-03", "汉族", "北湾镇", "一村", "正常", ""],  # 9 fields
        # M3 again, the last digits zeroed with a failing check: precision_lost, birth
        # date 19850303 survives
        [ID["M3"][:15] + "000", "-张三", "男", "", "汉族", "北湾镇", "一村", "正常", "", ""],
    ]
    write_csv(inbox / "public_security" / "household_registry_城关派出所.csv", registry_header,
              registry, encoding="gbk")
    # Cremations: an xlsx whose ID cell holds a number (Excel kept 15 digits).
    write_xlsx(inbox / "civil_affairs" / "cremations_2025.xlsx", HEADERS["cremations"],
               [[float(ID["M4"]), "王 五", "男", dt.datetime(2025, 4, 10), 45760, "靖远县殡仪馆"],
                [ID["M13"], "冯十三", "男", "2025-04-15", "", "靖远县殡仪馆"],
                # died the day before the as-of date, cremated two days later: the
                # cremation date is read by no rule and costs nothing
                [ID["M15"], "钟十五", "男", "2025-06-29", "2025-07-01", "靖远县殡仪馆"]],
               titles=("火化登记表",))
    # Death certificates: GB18030, separators, a ? for a rare character, a text ID in
    # scientific notation beside a birth date.
    write_csv(inbox / "health" / "death_certificates_20250601.csv", HEADERS["death_certificates"], [
        ["", "阿依古丽・买买提", "女", "1960年1月1日", "2025-02-15", "家中", "县医院"],
        ["", "李?华", "男", "1955-05-05", "2025-04-01", "家中", "县医院"],
        ["6.20421E+17", "孙七", "男", "1962-02-02", "2025-05-20", "家中", "县医院"],
        ["", "买买提•吐尔逊", "男", "19580808", "2025-05-01", "家中", "县医院"],
    ], encoding="gb18030")
    (inbox / "health" / "readme.txt").write_text("填报说明", encoding="utf-8")
    write_xls(inbox / "health" / "family_planning.xls", HEADERS["family_planning"],
              [[pid("19700101", 2), "某某", "二女户", "北湾镇"]], titles=("计生两证户名册",))
    (inbox / "civil_affairs" / "assistance_低保.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (inbox / "medical_insurance").mkdir(parents=True, exist_ok=True)
    (inbox / "medical_insurance" / "enrollment.csv").write_bytes(b"")
    write_csv(inbox / "reference" / "township_targets_2025.csv", HEADERS["township_targets"],
              [["城关镇", "2025", "1,200"], ["红旗乡", "2025", "5"]])
    write_csv(inbox / "pension" / "vaccination.csv", ["a"], [["1"]])
    (inbox / "说明.csv").write_text("a\n1\n", encoding="utf-8")
