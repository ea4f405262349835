"""A hand-made county for the interplay of matching (RULES §2) with every rule (§3-7),
as of 2025-06-30. The expected rows are in test_acceptance_interplay.py.

Keys name people: A deaths known only through damaged records (双龙镇), B deaths that
must stay off the death lists (大芦镇), G signs of life (五合镇), S special groups
(东湾镇), E enterprise scheme (三滩镇), U registry residents (北湾镇).
"""
from __future__ import annotations

from pathlib import Path

from tests.acceptance.conftest import HEADERS, pid, rows_of, write_csv, write_xlsx
from transforms.normalise.id import check_char

P: dict[str, dict] = {}


def person(key: str, name: str, birth: str, seq: int, id_number: str | None = None) -> str:
    idn = id_number or pid(birth, seq)
    P[key] = {"id": idn, "name": name, "birth": birth, "sex": "男" if int(idn[16]) % 2 else "女"}
    return idn


def _id(key: str) -> str:
    return P[key]["id"]


def typo(idn: str, position: int, digit: str) -> str:
    """``idn`` with the digit at 1-based ``position`` replaced; the check digit must fail."""
    out = idn[:position - 1] + digit + idn[position:]
    assert out != idn and check_char(out[:17]) != out[17], out
    return out


def zeroed(idn: str) -> str:
    """The ID as Excel leaves it in text: 15 digits kept, then 000 (check digit fails)."""
    out = idn[:15] + "000"
    assert check_char(out[:17]) != out[17], out
    return out


def fifteen(idn: str) -> str:
    """The legacy 15-digit form of an 18-digit ID born in the 1900s."""
    assert idn[6:8] == "19"
    return idn[:6] + idn[8:17]


# --- A: deaths known only through damaged records (双龙镇 一村) -------------------------
person("A1", "王建国", "1945-03-03", 11)    # registry 注销/死亡 with a 15-digit ID
person("A2", "李桂花", "1948-06-06", 22)    # cremation, one mistyped digit
person("A3", "张永红", "1950-09-09", 31)    # death certificate, no ID
person("A4", "赵淑珍", "1952-11-11", 42)    # cremation xlsx, ID stored as a number
person("A5", "陈国华", "1949-01-01", 51)    # death certificate in traditional 陳國華
person("A6", "刘玉兰", "1946-02-02", 62)    # three sources, three methods
A2_TYPO = typo(_id("A2"), 15, "3")
# --- B: deaths that must not land on a death list (大芦镇 二村) --------------------------
person("B1", "孙丽", "1951-04-04", 72)      # certificate 孙莉 (homophone), no ID
person("B2", "周大勇", "1953-05-05", 81)    # cremation with B2's ID, name 吴秀英
person("B3A", "马兰", "1954-07-07", 92)     # two 马兰 born the same day ...
person("B3B", "马兰", "1954-07-07", 94)     # ... and a certificate without ID
person("B4A", "杨帆", "1982-08-08", 131)
_B4B17 = "62042119820808151"
person("B4B", "杨帆", "1982-08-08", 0, id_number=_B4B17 + check_char(_B4B17))
# B4B's first 17 digits with B4A's check digit: one substitution from each, names agree.
B4_DAMAGED = _B4B17 + _id("B4A")[17]
assert check_char(B4_DAMAGED[:17]) != B4_DAMAGED[17]
# --- G: signs of life (五合镇 一村) ------------------------------------------------------
person("G1", "钱文华", "1947-10-10", 101)   # certificate by id; claim on an id_repaired row
person("G2", "钱文秀", "1944-12-12", 112)   # cremation id_repaired; claim by id
G1_TYPO = typo(_id("G1"), 16, "7")
G2_TYPO = typo(_id("G2"), 15, "5")
# --- S: special groups (东湾镇 甲村) ---------------------------------------------------
person("S1", "白雪", "1985-01-15", 122)     # 低保 record with an Excel-zeroed ID: name_dob
person("S2", "白云", "1990-02-20", 131)     # 计生 record with a 15-digit ID: id15
person("S3", "白露", "1988-03-03", 142)     # 返贫致贫 record with one mistyped digit
person("S4", "白霜", "1995-05-05", 151)     # 特困, valid ID, not in the ledger
person("S5", "白冰", "1987-07-07", 161)     # 低保 record 白兵 (homophone): review
S3_TYPO = typo(_id("S3"), 17, "7")
# --- E: enterprise scheme (三滩镇 甲村) ------------------------------------------------
person("E1", "江海", "1980-10-10", 171)     # enterprise row with a 15-digit ID
person("E2", "江河", "1978-08-08", 181)     # enterprise row with one mistyped digit
person("E3", "江湖", "1985-05-15", 192)     # enterprise row: E3's ID, name 王强
person("E4", "江波", "1984-04-14", 201)     # enterprise row 姜波, zeroed ID: review
person("E5", "江山", "1983-03-03", 211)     # employee insurance with a zeroed ID
E2_TYPO = typo(_id("E2"), 12, "9")
# --- U: registry residents (北湾镇 一村) ------------------------------------------------
person("U1", "范明", "1990-01-01", 221)     # ledger 终止参保
person("U2", "范亮", "1991-02-02", 231)     # ledger 暂停缴费
person("U3", "范强", "1986-03-03", 241)     # enterprise 参保缴费 only
person("U4", "范刚", "1968-04-04", 251)     # enterprise pension (终止, 待遇开始年月 set)
person("U5", "范小", "2009-06-30", 262)     # 16 on the as-of date
person("U6", "范中", "1965-07-01", 271)     # 59 (60 tomorrow)
person("U7", "范老", "1965-06-30", 281)     # 60 on the as-of date
person("U8", "范走", "1992-08-08", 291)     # 注销 for 迁出
person("U9", "范升", "1975-09-09", 301)     # registry 15-digit ID, open ledger account
person("U10", "范新", "1985-10-10", 311)    # registry 15-digit ID, not in the ledger


def _ledger(key, town, village, enrol="正常参保", benefit="未领取", start="",
            balance="1,000.00", category="") -> dict:
    p = P[key]
    return {"个人编号": f"P{key}", "公民身份号码": p["id"], "姓名": p["name"], "性别": p["sex"],
            "出生日期": p["birth"], "乡镇（街道）": town, "村（社区）": village, "参保状态": enrol,
            "待遇状态": benefit, "参保日期": "2012-01-01", "待遇开始年月": start,
            "月养老金": "", "个人账户余额": balance, "代缴类别": category}


def _drawing(key, town, village):
    return _ledger(key, town, village, benefit="正常发放", start="2010-01")


PARTICIPANTS = [
    *[_drawing(k, "双龙镇", "一村") for k in ("A1", "A2", "A3", "A4", "A5", "A6")],
    *[_drawing(k, "大芦镇", "二村") for k in ("B1", "B2", "B3A", "B3B")],
    _ledger("B4A", "大芦镇", "二村"),
    _ledger("B4B", "大芦镇", "二村"),
    *[_drawing(k, "五合镇", "一村") for k in ("G1", "G2")],
    _ledger("S1", "东湾镇", "甲村", category="低保对象"),
    _ledger("S2", "东湾镇", "甲村", category="计生两证户"),
    _ledger("S3", "东湾镇", "甲村", category="返贫致贫人口"),
    _ledger("S5", "东湾镇", "甲村", category="低保对象"),
    *[_ledger(k, "三滩镇", "甲村") for k in ("E1", "E2", "E3", "E4", "E5")],
    _ledger("U1", "北湾镇", "一村", enrol="终止参保"),
    _ledger("U2", "北湾镇", "一村", enrol="暂停缴费"),
    _ledger("U9", "北湾镇", "一村"),
]


def _c(key, year, tier, personal, prov, county, gov="0"):
    return {"公民身份号码": _id(key), "姓名": P[key]["name"], "缴费年度": str(year),
            "缴费档次": tier, "个人缴费": personal, "省级补贴": prov, "县级补贴": county,
            "政府代缴": gov, "缴费日期": f"{year}-02-01", "缴费渠道": "农商银行"}


CONTRIBUTIONS = [
    _c("B4A", 2025, "300", "300", "30", "10"),
    _c("B4B", 2025, "300", "300", "30", "10"),
    _c("S1", 2025, "100", "0", "30", "10", gov="100"),
    _c("S2", 2024, "100", "0", "30", "10", gov="100"),
    _c("S2", 2025, "100", "0", "30", "10", gov="100"),
    _c("S3", 2025, "100", "0", "30", "10", gov="100"),
    _c("S5", 2025, "100", "0", "30", "10", gov="100"),
    _c("E1", 2024, "400", "400", "30", "10"),
    _c("E1", 2025, "300", "300", "30", "10"),
    _c("E2", 2023, "300", "300", "30", "10"),
    _c("E2", 2025, "300", "300", "30", "10"),
    *[_c(k, 2025, "300", "300", "30", "10") for k in ("E3", "E4", "E5")],
    _c("U2", 2024, "300", "300", "30", "10"),
    _c("U9", 2025, "300", "300", "30", "10"),
]

# Every drawing death person was paid 200.00 for 2025-01..05.
PAYMENTS = [{"公民身份号码": _id(k), "姓名": P[k]["name"], "发放年月": f"2025-0{m}",
             "发放金额": "200.00", "其中基础养老金": "143.00"}
            for k in ("A1", "A2", "A3", "A4", "A5", "A6") for m in range(1, 6)]
FUNERAL_GRANTS = [{"公民身份号码": _id("A5"), "姓名": "陈国华", "发放日期": "2025-03-01",
                   "发放金额": "1000.00"}]


def _reg(key, status="正常", reason="", date="", id_number=None, town="北湾镇", village="一村"):
    p = P[key]
    return {"公民身份号码": id_number or p["id"], "姓名": p["name"], "性别": p["sex"],
            "出生日期": p["birth"], "民族": "汉族", "乡镇（街道）": town, "村（社区）": village,
            "户口状态": status, "注销原因": reason, "注销日期": date}


REGISTRY = [
    _reg("A1", "注销", "死亡", "2025-03-10", id_number=fifteen(_id("A1")), town="双龙镇"),
    _reg("A6", "注销", "死亡", "2025-01-10", id_number=fifteen(_id("A6")), town="双龙镇"),
    _reg("S4", town="东湾镇", village="乙村"),
    *[_reg(k) for k in ("U1", "U2", "U3", "U4", "U5", "U6", "U7")],
    _reg("U8", "注销", "迁出", "2024-05-01"),
    _reg("U9", id_number=fifteen(_id("U9"))),
    _reg("U10", id_number=fifteen(_id("U10"))),
]


def _cert(key, death, id_number=None, name=None, sex="", birth=""):
    p = P[key]
    return {"身份证件号码": p["id"] if id_number is None else id_number,
            "姓名": name or p["name"], "性别": sex, "出生日期": birth,
            "死亡日期": death, "死亡地点": "家中", "签发机构": "靖远县人民医院"}


DEATH_CERTIFICATES = [
    _cert("A3", "2025-02-20", id_number="", sex="男", birth="1950-09-09"),
    _cert("A5", "2025-01-31", name="陳國華"),
    _cert("A6", "2025-01-12", id_number="", birth="1946-02-02"),
    _cert("B1", "2025-03-15", id_number="", name="孙莉", birth="1951-04-04"),
    _cert("B3A", "2025-04-01", id_number="", birth="1954-07-07"),
    _cert("G1", "2025-01-05"),
]


def _crem(key, death, id_number=None, name=None):
    p = P[key]
    return {"逝者身份证号": id_number or p["id"], "逝者姓名": name or p["name"], "性别": p["sex"],
            "死亡日期": death, "火化日期": death, "殡仪馆": "靖远县殡仪馆"}


A4_NUMBER = float(_id("A4"))  # an xlsx number cell: Excel shows 6.2042119521111E+17
CREMATIONS = [
    _crem("A2", "2025-04-15", id_number=A2_TYPO),
    _crem("A4", "2025-05-20", id_number=A4_NUMBER),
    _crem("A6", "2025-01-14"),
    _crem("B2", "2025-02-02", name="吴秀英"),
    _crem("B4A", "2025-03-03", id_number=B4_DAMAGED),
    _crem("G2", "2025-02-01", id_number=G2_TYPO),
]

ASSISTANCE = [
    {"身份证号码": zeroed(_id("S1")), "姓名": "白雪", "救助类别": "城乡低保", "乡镇": "东湾镇",
     "开始年月": "2024-01", "结束年月": ""},
    # S4's department list names another township: the registry's place wins.
    {"身份证号码": _id("S4"), "姓名": "白霜", "救助类别": "特困供养", "乡镇": "北湾镇",
     "开始年月": "2023-01", "结束年月": ""},
    {"身份证号码": zeroed(_id("S5")), "姓名": "白兵", "救助类别": "城乡低保", "乡镇": "东湾镇",
     "开始年月": "2024-01", "结束年月": ""},
]
FAMILY_PLANNING = [{"身份证号": fifteen(_id("S2")), "姓名": "白云", "类别": "二女户",
                    "乡镇": "东湾镇"}]
POVERTY = [{"身份证号码": S3_TYPO, "姓名": "白露", "人口类别": "返贫致贫人口", "乡镇": "东湾镇"}]


def _enrol(key, kind, id_number=None, claim="", employer=""):
    return {"公民身份号码": id_number or _id(key), "姓名": P[key]["name"], "险种": kind,
            "参保状态": "参保缴费", "终止原因": "", "终止日期": "", "单位名称": employer,
            "最近结算日期": claim}


ENROLLMENT = [
    _enrol("G1", "城乡居民基本医疗保险", id_number=G1_TYPO, claim="2025-03-01"),
    _enrol("G2", "城乡居民基本医疗保险", claim="2025-04-01"),
    _enrol("E3", "职工基本医疗保险", employer="靖远县某煤矿"),
    _enrol("E4", "职工基本医疗保险", employer="靖远县某煤矿"),
    _enrol("E5", "职工基本医疗保险", id_number=zeroed(_id("E5")), employer="靖远县某电厂"),
]


def _ent(key, identity, status, start, end="", pension="", id_number=None, name=None):
    return {"公民身份号码": id_number or _id(key), "姓名": name or P[key]["name"],
            "参保身份": identity, "参保状态": status, "缴费起始年月": start,
            "缴费截止年月": end, "待遇开始年月": pension, "单位名称": "某公司"}


ENTERPRISE = [
    _ent("E1", "企业职工", "参保缴费", "2024-07", id_number=fifteen(_id("E1"))),
    _ent("E2", "灵活就业人员", "终止", "2023-01", "2023-06", id_number=E2_TYPO),
    _ent("E3", "企业职工", "参保缴费", "2020-01", name="王强"),
    _ent("E4", "企业职工", "参保缴费", "2021-01", id_number=zeroed(_id("E4")), name="姜波"),
    _ent("U3", "企业职工", "参保缴费", "2015-01"),
    _ent("U4", "企业职工", "终止", "1990-01", "2024-04", pension="2024-05"),
]
TARGETS = [{"乡镇": "北湾镇", "年度": "2025", "参保任务数": "5"}]


def write_inbox(inbox: Path) -> None:
    h = HEADERS
    for table, folder, rows in (
            ("participants", "pension", PARTICIPANTS),
            ("contributions", "pension", CONTRIBUTIONS),
            ("benefit_payments", "pension", PAYMENTS),
            ("funeral_grants", "pension", FUNERAL_GRANTS),
            ("household_registry", "public_security", REGISTRY),
            ("death_certificates", "health", DEATH_CERTIFICATES),
            ("family_planning", "health", FAMILY_PLANNING),
            ("assistance", "civil_affairs", ASSISTANCE),
            ("enrollment", "medical_insurance", ENROLLMENT),
            ("enterprise_pension", "hr", ENTERPRISE),
            ("poverty_monitoring", "rural_revitalization", POVERTY),
            ("township_targets", "reference", TARGETS)):
        write_csv(inbox / folder / f"{table}.csv", h[table], rows_of(table, rows))
    # cremations as xlsx: A4's ID is a number cell (Excel keeps 15 significant digits)
    write_xlsx(inbox / "civil_affairs" / "cremations.xlsx", h["cremations"],
               rows_of("cremations", CREMATIONS), titles=("火化登记",))
