"""A hand-made county for the rule acceptance tests (as of 2025-06-30).

Every person is here for one rule of RULES.md; the expected list rows are in
test_acceptance_rules.py with the arithmetic. Keys (D1, C3, ...) name people:
D deaths, C contributions, S special groups, L lapsed payers, E enterprise
scheme, R / U / V registry residents (coverage).

The files use every format CONTRACT §1 allows, with today's headers: a BOM
CSV, a GBK CSV, a GB18030 CSV, an xlsx with merged title rows and date cells,
a legacy xls, and a parquet file without the optional 其中基础养老金 column.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.acceptance.conftest import (
    HEADERS,
    pid,
    rows_of,
    write_csv,
    write_parquet,
    write_xls,
    write_xlsx,
)
from transforms.normalise.id import check_char, convert15

P: dict[str, dict] = {}  # key -> {"id", "name", "birth"}


def person(key: str, name: str, birth: str, seq: int, id_number: str | None = None) -> str:
    idn = id_number or pid(birth, seq)
    P[key] = {"id": idn, "name": name, "birth": birth, "sex": "男" if int(idn[16]) % 2 else "女"}
    return idn


# --- people -------------------------------------------------------------------------------
# Deaths (乌兰镇 written as its legacy name 城关镇, 北滩镇, 平堡镇 as 平堡乡, 五合镇, 双龙镇, 大芦镇)
person("D1", "王大山", "1950-03-15", 11)
person("D2", "李秀英", "1948-07-01", 22)
person("D3", "赵四海", "1962-05-05", 33)
person("D4", "钱五", "1960-01-20", 45)
person("D5", "孙六", "1945-02-02", 52)
person("D6", "周七", "1935-05-05", 61)
person("D7", "吴桂兰", "1930-01-01", 72)
person("D8", "马·阿不都", "1950-10-10", 81)
D9_15 = "620421400808123"  # a legacy 15-digit ID: 19400808, sequence 123 (odd: 男)
person("D9", "吴八", "1940-08-08", 0, id_number=convert15(D9_15))
person("D10", "郑九", "1955-12-12", 102)
# D10's ID as the crematorium typed it: digit 16 '0' -> '5', check digit kept (fails).
D10_DAMAGED = P["D10"]["id"][:15] + "5" + P["D10"]["id"][16:]
person("D11", "陈立", "1952-02-02", 111)
person("D12", "林小红", "1970-03-03", 122)
# D13A / D13B: two 张伟 born the same day whose IDs differ in digit 16 (3 / 5) and so in
# the check digit. The damaged ID has B's first 17 digits and A's check digit: one
# substitution from A (digit 16) and one from B (digit 18), names agree with both.
person("D13A", "张伟", "1980-08-08", 131)
_B17 = "62042119800808151"
person("D13B", "张伟", "1980-08-08", 0, id_number=_B17 + check_char(_B17))
D13_DAMAGED = _B17 + P["D13A"]["id"][17]
# Contributions (刘川镇)
for _i, (_name, _birth, _seq) in enumerate([
        ("何一", "1985-01-01", 201), ("何二", "1986-02-02", 212), ("何三", "1987-03-03", 223),
        ("何四", "1988-04-04", 234), ("何五", "1989-05-05", 245), ("何六", "1990-06-06", 256),
        ("何七", "1991-07-07", 267), ("何八", "1992-08-08", 278), ("何九", "1993-09-09", 289)],
        start=1):
    person(f"C{_i}", _name, _birth, _seq)
# Special groups (东湾镇)
person("S1", "白一", "1995-01-01", 302)
person("S2", "白二", "1980-02-02", 311)
person("S3", "白三", "1975-03-03", 322)
person("S4", "白四", "1990-04-04", 331)
person("S5", "白五", "1960-05-05", 342)
person("S6", "白六", "1970-06-06", 351)
person("S7", "白七", "1985-07-07", 362)
# Lapsed payers (高湾镇)
person("L1", "田一", "1980-01-11", 401)
person("L2", "田二", "1990-02-12", 412)
person("L3", "田三", "2000-03-13", 421)
person("L4", "田四", "1975-04-14", 432)
person("L5", "田五", "1965-06-30", 441)   # 60 on the as-of date
person("L6", "田六", "2009-06-30", 452)   # 16 on the as-of date
person("L7", "田七", "2009-07-01", 461)   # 15
person("L8", "田八", "1985-08-18", 472)
person("L9", "田九", "1978-09-19", 481)
person("L10", "田十", "1965-07-01", 492)  # 59 (60 tomorrow)
# Enterprise scheme (三滩镇)
person("E1", "江一", "1980-10-10", 501)
person("E2", "江二", "1962-11-11", 512)
person("E3", "江三", "1980-12-12", 521)
person("E4", "江四", "1983-01-23", 532)
person("E5", "江五", "1965-06-01", 541)
person("E6", "江六", "1970-02-02", 561)  # the ledger's 出生日期 says 1960: a typo
# Coverage (北湾镇; U1 in an unknown township; V1 in 平堡乡 = 平堡镇)
person("R1", "范一", "1995-05-05", 601)
person("R2", "范二", "2006-01-01", 612)
person("R3", "范三", "2002-07-01", 621)   # 22 on the as-of date
person("R4", "范四", "2002-06-30", 631)   # 23 on the as-of date
person("R5", "范五", "2010-01-01", 652)
person("R6", "范六", "1950-01-01", 661)
person("R7", "范七", "1980-07-07", 672)
person("R8", "范八", "1955-08-08", 681)
person("R9", "范九", "1985-09-09", 692)
person("R10", "范十", "1970-10-10", 701)
person("R11", "范十一", "1966-11-11", 712)
person("R12", "范十二", "1990-12-12", 721)
person("R13", "范十三", "1992-01-13", 732)
person("R15", "范十五", "1982-03-15", 752)
person("U1", "宋一", "1990-01-01", 801)
person("V1", "黄一", "1985-05-05", 812)


def _id(key: str) -> str:
    return P[key]["id"]


def _ledger(key, town, village, enrol="正常参保", benefit="未领取", enrol_date="2012-01-01",
            start="", balance="1,000.00", category="") -> dict:
    p = P[key]
    return {"个人编号": f"P{key}", "公民身份号码": p["id"], "姓名": p["name"], "性别": p["sex"],
            "出生日期": p["birth"], "乡镇（街道）": town, "村（社区）": village, "参保状态": enrol,
            "待遇状态": benefit, "参保日期": enrol_date, "待遇开始年月": start,
            "月养老金": "", "个人账户余额": balance, "代缴类别": category}


PARTICIPANTS = [
    _ledger("D1", "城关镇", "东街村", benefit="正常发放", start="2010-04", balance="5,000.00"),
    _ledger("D2", "乌兰镇", "西街村", benefit="正常发放", start="2008-08", balance="800.00"),
    _ledger("D3", "北滩镇", "一村"),
    _ledger("D4", "北滩镇", "二村", enrol_date="2011-05-01", balance="3,200.00"),
    _ledger("D5", "北滩镇", "三村", benefit="正常发放", start="2010-03", balance="100.00"),
    _ledger("D6", "平堡乡", "河村", benefit="正常发放", start="2009-10", balance="0.00"),
    _ledger("D7", "平堡乡", "河村", enrol="终止参保", benefit="终止发放", start="2009-10"),
    _ledger("D8", "五合镇", "清真村", benefit="暂停发放", start="2010-11", balance="2,000.00"),
    _ledger("D9", "双龙镇", "新村", benefit="正常发放", start="2009-10", balance="1,500.00"),
    _ledger("D10", "双龙镇", "新村", benefit="正常发放", start="2015-12", balance="900.00"),
    _ledger("D11", "大芦镇", "一村", benefit="正常发放", start="2012-03"),
    _ledger("D12", "大芦镇", "二村", enrol_date="2015-01-01"),
    _ledger("D13A", "大芦镇", "三村"),
    _ledger("D13B", "大芦镇", "三村"),
    *[_ledger(f"C{i}", "刘川镇", "南村", enrol_date="2014-01-01") for i in range(1, 10)],
    _ledger("S2", "东湾镇", "乙村", category="低保对象"),
    _ledger("S3", "东湾镇", "乙村"),
    _ledger("S4", "东湾镇", "乙村", category="重度残疾人"),
    _ledger("S5", "东湾镇", "乙村"),
    _ledger("L1", "高湾镇", "上村", enrol_date="2018-03-01"),
    _ledger("L2", "高湾镇", "上村", enrol_date="2024-05-01"),
    _ledger("L3", "高湾镇", "上村", enrol_date="2025-02-01"),
    _ledger("L4", "高湾镇", "下村", enrol="暂停缴费", enrol_date="2010-01-01"),
    _ledger("L5", "高湾镇", "下村", enrol_date="2010-01-01"),
    _ledger("L6", "高湾镇", "下村", enrol_date="2025-06-01"),
    _ledger("L7", "高湾镇", "下村", enrol_date="2025-06-01"),
    _ledger("L8", "高湾镇", "中村", enrol_date="2015-01-01"),
    _ledger("L9", "高湾镇", "中村", enrol_date=""),
    _ledger("L10", "高湾镇", "中村", enrol_date="2009-10-01"),
    _ledger("E1", "三滩镇", "甲村", enrol_date="2010-01-01"),
    _ledger("E2", "三滩镇", "甲村", benefit="正常发放", start="2022-12", balance="6,000.00"),
    _ledger("E3", "三滩镇", "乙村"),
    _ledger("E4", "三滩镇", "乙村"),
    _ledger("E5", "三滩镇", "丙村"),
    {**_ledger("E6", "三滩镇", "丙村"), "出生日期": "1960-02-02"},
    _ledger("R7", "北湾镇", "一村"),
    _ledger("R8", "北湾镇", "一村", benefit="正常发放", start="2015-09"),
    _ledger("R9", "北湾镇", "二村", enrol="终止参保"),
    _ledger("R15", "北湾镇", "二村"),
]


def _c(key, year, tier, personal, prov, county, gov="0", pay_date=None, channel="农商银行"):
    return {"公民身份号码": _id(key), "姓名": P[key]["name"], "缴费年度": str(year),
            "缴费档次": tier, "个人缴费": personal, "省级补贴": prov, "县级补贴": county,
            "政府代缴": gov, "缴费日期": pay_date or f"{year}-03-15", "缴费渠道": channel}


CONTRIBUTIONS = [
    _c("D3", 2025, "300", "300", "30", "10", pay_date="2025-03-01"),
    _c("D4", 2025, "300", "300", "30", "10", pay_date="2025-02-10"),
    _c("D12", 2025, "500", "500", "60", "15"),
    _c("D13A", 2025, "300", "300", "30", "10"),
    _c("D13B", 2025, "300", "300", "30", "10"),
    _c("C1", 2024, "350", "350", "30", "10"),
    _c("C1", 2025, "400", "400", "60", "10"),
    _c("C2", 2024, "1000", "1,000.00", "60", "15"),
    _c("C2", 2025, "500", "450", "60", "15"),
    _c("C3", 2024, "2000", "2000", "30", "25"),
    _c("C3", 2025, "1500", "1500", "60", "15"),
    _c("C4", 2020, "700", "700", "60", "15"),
    _c("C4", 2021, "900", "900", "60", "15"),
    _c("C4", 2022, "800", "800", "60", "15"),
    _c("C4", 2023, "600", "600", "60", "15"),
    _c("C4", 2024, "3000", "3,000.00", "90", "25"),
    _c("C4", 2025, "2500", "2,500.00", "90", "30"),
    _c("C5", 2025, "100", "100", "30", "10"),
    _c("C6", 2025, "100", "100", "30", "10"),
    _c("C7", 2025, "100", "0", "30", "10", gov="100"),
    _c("C8", 2025, "100", "0", "30", "10", gov="100"),
    _c("C9", 2025, "100", "100", "30", "10"),
    _c("S2", 2023, "100", "0", "30", "10", gov="100"),
    _c("S2", 2025, "100", "0", "30", "10", gov="100"),
    _c("S3", 2025, "300", "300", "30", "10"),
    _c("S4", 2024, "100", "0", "30", "10", gov="100"),
    _c("L1", 2020, "300", "300", "30", "10"),
    _c("L1", 2021, "300", "300", "30", "10"),
    _c("L1", 2022, "300", "300", "30", "10"),
    _c("L4", 2024, "300", "300", "30", "10"),
    _c("L5", 2020, "300", "300", "30", "10"),
    _c("L8", 2023, "300", "300", "30", "10"),
    _c("L10", 2024, "300", "300", "30", "10"),
    _c("E1", 2024, "400", "400", "30", "10"),
    _c("E1", 2025, "500", "500", "60", "15"),
    _c("E3", 2025, "300", "300", "30", "10"),
    _c("E4", 2023, "300", "300", "30", "10"),
    _c("E4", 2024, "300", "300", "30", "10"),
    _c("E4", 2025, "300", "300", "30", "10"),
    _c("E6", 2025, "300", "300", "30", "10"),
    _c("R7", 2025, "300", "300", "30", "10"),
    _c("R15", 2025, "300", "300", "30", "10"),
]


def _pay(key, month, amount, basic=""):
    return {"公民身份号码": _id(key), "姓名": P[key]["name"], "发放年月": month,
            "发放金额": amount, "其中基础养老金": basic}


# With 其中基础养老金 (a CSV) ...
PAYMENTS_WITH_BASIC = [
    *[_pay("D1", f"2025-0{m}", "300.00", "143.00") for m in range(1, 6)],
    _pay("D2", "2024-12", "250.00", "123.00"),
    *[_pay("D2", f"2025-0{m}", "250.00", "143.00") for m in range(1, 5)],
    _pay("D7", "2014-06", "55.00", "55.00"),
    _pay("E2", "2024-11", "400.00", "123.00"),
    _pay("E2", "2024-12", "400.00", "123.00"),
    _pay("E2", "2025-01", "430.00", "150.00"),  # the county paid more than the policy's 143
    _pay("E2", "2025-05", "430.00", ""),        # the column is there, this cell is empty
]
# ... and without it (a parquet file): the policy's basic pension of the year applies.
PAYMENTS_NO_BASIC = [
    _pay("D6", "2025-01", "200.00"),
    _pay("D6", "2025-02", "200.00"),
    *[_pay("E2", f"2025-0{m}", "420.00") for m in (2, 3, 4)],
]
FUNERAL_GRANTS = [{"公民身份号码": _id("D2"), "姓名": "李秀英", "发放日期": "2025-01-20",
                   "发放金额": "1,000.00"}]


def _reg(key, town, village, status="正常", reason="", date="", id_number=None):
    p = P[key]
    return {"公民身份号码": id_number or p["id"], "姓名": p["name"], "性别": p["sex"],
            "出生日期": p["birth"], "民族": "汉族", "乡镇（街道）": town, "村（社区）": village,
            "户口状态": status, "注销原因": reason, "注销日期": date}


REGISTRY = [
    _reg("D1", "城关镇", "东街村", "注销", "死亡", "2025-02-10"),
    _reg("D4", "北滩镇", "二村", "注销", "死亡", "2025-01-15"),
    _reg("D6", "平堡乡", "河村", "注销", "死亡", "2014-06-30"),
    _reg("D7", "平堡乡", "河村", "注销", "死亡", "2014-07-01"),
    _reg("D9", "双龙镇", "新村", "注销", "死亡", "2025-03-03", id_number=D9_15),
    _reg("S1", "东湾镇", "甲村"),
    _reg("S6", "东湾镇", "丙村"),
    _reg("S7", "东湾镇", "丙村"),
    *[_reg(k, "北湾镇", "一村") for k in ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8")],
    *[_reg(k, "北湾镇", "二村") for k in ("R9", "R10", "R11", "R12")],
    _reg("R13", "北湾镇", "二村", "注销", "迁出", "2024-01-01"),
    _reg("U1", "红旗乡", "红旗村"),
    _reg("V1", "平堡乡", "河村"),
]


def _cert(key, death, id_number=None, name=None, sex="", birth=None):
    p = P[key]
    return {"身份证件号码": p["id"] if id_number is None else id_number,
            "姓名": name or p["name"], "性别": sex, "出生日期": birth or "",
            "死亡日期": death, "死亡地点": "家中", "签发机构": "靖远县人民医院"}


DEATH_CERTIFICATES = [
    _cert("D2", "2025-01-05"),
    _cert("D5", "2024-12-01"),
    _cert("D8", "2025-04-20", id_number="", name="马•阿不都", sex="男", birth="1950-10-10"),
    _cert("D11", "2025-02-02", id_number="", name="陈丽", birth="1952-02-02"),
    _cert("D13A", "2025-03-10", id_number=D13_DAMAGED),
    _cert("S6", "2025-01-01"),
    _cert("R12", "2025-05-01"),
]


def _crem(key, death, id_number=None, name=None):
    p = P[key]
    return {"逝者身份证号": id_number or p["id"], "逝者姓名": name or p["name"], "性别": p["sex"],
            "死亡日期": dt.date.fromisoformat(death),
            "火化日期": dt.date.fromisoformat(death) + dt.timedelta(days=3),
            "殡仪馆": "靖远县殡仪馆"}


CREMATIONS = [
    _crem("D2", "2025-03-01"),
    _crem("D3", "2025-01-10"),
    _crem("D4", "2025-02-15"),  # 31 days after the registry's 2025-01-15: no conflict
    _crem("D10", "2025-05-05", id_number=D10_DAMAGED),
    _crem("D12", "2025-01-01", name="黄大明"),
]


def _assist(key, category, start, end="", town="东湾镇"):
    return {"身份证号码": _id(key), "姓名": P[key]["name"], "救助类别": category, "乡镇": town,
            "开始年月": start, "结束年月": end}


ASSISTANCE = [
    _assist("S1", "城乡低保", "2023-01"),
    _assist("S2", "城乡低保", "202001", "202312"),
    _assist("S4", "重度残疾", "2024年1月"),
    _assist("S5", "特困供养", "2019-01"),
    _assist("S6", "城乡低保", "2022-05"),
    _assist("S7", "城乡低保", "2024-02"),
]
FAMILY_PLANNING = [{"身份证号": _id("S3"), "姓名": "白三", "类别": "独生子女父母", "乡镇": "东湾镇"}]
POVERTY = [
    {"身份证号码": _id("C6"), "姓名": "何六", "人口类别": "脱贫人口", "乡镇": "刘川镇"},
    {"身份证号码": _id("C7"), "姓名": "何七", "人口类别": "返贫致贫人口", "乡镇": "刘川镇"},
    {"身份证号码": _id("C8"), "姓名": "何八", "人口类别": "脱贫人口", "乡镇": "刘川镇"},
    {"身份证号码": _id("C9"), "姓名": "何九", "人口类别": "边缘易致贫人口", "乡镇": "刘川镇"},
]


def _enrol(key, kind, status="参保缴费", employer="", claim=""):
    return {"公民身份号码": _id(key), "姓名": P[key]["name"], "险种": kind, "参保状态": status,
            "终止原因": "", "终止日期": "", "单位名称": employer, "最近结算日期": claim}


ENROLLMENT = [
    _enrol("D5", "城乡居民基本医疗保险", claim="2025-03-15"),
    _enrol("E3", "职工基本医疗保险", employer="靖远县某建材有限公司", claim="2025-04-01"),
    _enrol("E5", "职工基本医疗保险", employer="靖远县某运输公司"),
    _enrol("E6", "职工基本医疗保险", employer="靖远县某运输公司"),
]


def _ent(key, identity, status, start, end="", pension="", employer="某公司"):
    return {"公民身份号码": _id(key), "姓名": P[key]["name"], "参保身份": identity,
            "参保状态": status, "缴费起始年月": start, "缴费截止年月": end,
            "待遇开始年月": pension, "单位名称": employer}


ENTERPRISE = [
    _ent("S7", "企业职工", "参保缴费", "2020-01"),
    _ent("L8", "灵活就业人员", "参保缴费", "2024-01"),
    _ent("E1", "企业职工", "参保缴费", "2024-03"),
    _ent("E2", "企业职工", "终止", "2000-01", "2024-12", pension="2025-01"),
    _ent("E4", "灵活就业人员", "终止", "2023-07", "2024-06"),
    _ent("R10", "企业职工", "参保缴费", "2015-01"),
    _ent("R11", "企业职工", "终止", "1990-01", "2023-12", pension="2024-01"),
]
TARGETS = [{"乡镇": "北湾镇", "年度": "2025", "参保任务数": "4"},
           {"乡镇": "北湾镇", "年度": "2024", "参保任务数": "3"},
           {"乡镇": "城关镇", "年度": "2025", "参保任务数": "10"}]


def write_inbox(inbox: Path) -> None:
    """Write the county's inbox, one format per file (see the module docstring)."""
    h = HEADERS
    write_csv(inbox / "pension" / "participants_20250630.csv", h["participants"],
              rows_of("participants", PARTICIPANTS))
    this_year = [c for c in CONTRIBUTIONS if c["缴费年度"] == "2025"]
    write_csv(inbox / "pension" / "contributions_2025.csv", h["contributions"],
              rows_of("contributions", this_year), encoding="utf-8")
    # Earlier years: an xlsx with two merged title rows, numbers as numbers, dates as date cells.
    earlier = []
    for c in CONTRIBUTIONS:
        if c["缴费年度"] == "2025":
            continue
        row = dict(c)
        row["缴费年度"] = int(c["缴费年度"])
        for k in ("缴费档次", "个人缴费", "省级补贴", "县级补贴", "政府代缴"):
            row[k] = float(c[k].replace(",", ""))
        row["缴费日期"] = dt.date.fromisoformat(c["缴费日期"])
        earlier.append(row)
    write_xlsx(inbox / "pension" / "contributions_历年.xlsx", h["contributions"],
               rows_of("contributions", earlier),
               titles=("靖远县城乡居民基本养老保险缴费明细", "单位：元"))
    write_csv(inbox / "pension" / "benefit_payments_明细.csv", h["benefit_payments"],
              rows_of("benefit_payments", PAYMENTS_WITH_BASIC))
    no_basic = [x for x in h["benefit_payments"] if x != "其中基础养老金"]
    write_parquet(inbox / "pension" / "benefit_payments_202506.parquet", no_basic,
                  rows_of("benefit_payments", PAYMENTS_NO_BASIC, no_basic))
    write_xls(inbox / "pension" / "funeral_grants.xls", h["funeral_grants"],
              rows_of("funeral_grants", FUNERAL_GRANTS), titles=("丧葬补助金发放名册",))
    write_csv(inbox / "public_security" / "household_registry.csv", h["household_registry"],
              rows_of("household_registry", REGISTRY), encoding="gbk")
    write_xlsx(inbox / "civil_affairs" / "cremations_2025.xlsx", h["cremations"],
               rows_of("cremations", CREMATIONS),
               titles=("靖远县殡仪馆火化登记", "2025年度", "制表：民政局"))
    write_csv(inbox / "civil_affairs" / "assistance.csv", h["assistance"],
              rows_of("assistance", ASSISTANCE))
    write_csv(inbox / "health" / "death_certificates.csv", h["death_certificates"],
              rows_of("death_certificates", DEATH_CERTIFICATES))
    write_csv(inbox / "health" / "family_planning.csv", h["family_planning"],
              rows_of("family_planning", FAMILY_PLANNING))
    write_csv(inbox / "medical_insurance" / "enrollment.csv", h["enrollment"],
              rows_of("enrollment", ENROLLMENT))
    write_csv(inbox / "hr" / "enterprise_pension.csv", h["enterprise_pension"],
              rows_of("enterprise_pension", ENTERPRISE), encoding="gb18030")
    write_csv(inbox / "rural_revitalization" / "poverty_monitoring.csv",
              h["poverty_monitoring"], rows_of("poverty_monitoring", POVERTY))
    write_csv(inbox / "reference" / "township_targets_2025.csv", h["township_targets"],
              rows_of("township_targets", TARGETS))
