"""Which rows are accepted (CONTRACT §1 "Bad input") and what quarantine says of the rest."""
from __future__ import annotations

import datetime as dt

from tests.transforms.ingest.conftest import headers, make_id, participant, write_csv

ID1 = make_id(dt.date(1970, 5, 20), 1)
ID2 = make_id(dt.date(1965, 1, 2), 2)
LEGACY = "620421650102002"            # ID2 before 1999: 15 digits, no "19", no check
DAMAGED = ID2[:17] + ("0" if ID2[17] != "0" else "1")   # failing check, digits 7-14 intact


def _reasons(r, file):
    return [(q["row"], q["reason"]) for q in r.quarantine(file)]


def test_ledger_rows_need_a_usable_id(config, inbox, run):
    f = "pension/participants.csv"
    write_csv(inbox / f, headers(config, "participants"), [
        participant(ID1), participant(LEGACY, "李四"), participant("", "王五"),
        participant(DAMAGED, "赵六"), participant("6.20421E+17", "钱七")])
    r = run(inbox)
    assert [(x["id_number"], x["id_status"]) for x in r.stg("participants")] == [
        (ID1, "valid"), (ID2, "converted_15")]
    assert _reasons(r, f) == [(3, "missing_id"), (4, "invalid_id"), (5, "invalid_id")]


def test_department_rows_need_an_id_or_a_name_and_a_birth_date(inbox, run):
    f = "civil_affairs/cremations.csv"
    write_csv(inbox / f, ["逝者身份证号", "逝者姓名", "性别", "死亡日期", "火化日期", "殡仪馆"], [
        [ID1, "张三", "男", "2026-10-01", "2026-10-03", "县殡仪馆"],
        [DAMAGED, "李四", "女", "2026-10-01", "", ""],      # birth date from the damaged ID
        ["", "王五", "男", "2026-10-01", "", ""],           # no ID, no birth-date column
        ["6204211965", "赵六", "男", "2026-10-01", "", ""],  # 14 digits did not survive
    ])
    r = run(inbox)
    assert [(x["name"], x["id_status"], x["id_birth_date"]) for x in r.stg("cremations")] == [
        ("张三", "valid", dt.date(1970, 5, 20)),
        ("李四", "invalid_checksum", dt.date(1965, 1, 2))]
    assert _reasons(r, f) == [(3, "no_id_no_birth_date"), (4, "no_id_no_birth_date")]


def test_a_department_row_with_its_own_birth_date(inbox, run):
    f = "health/death_certificates.csv"
    write_csv(inbox / f, ["身份证件号码", "姓名", "出生日期", "死亡日期"], [
        ["", "王五", "1944-04-04", "2026-10-01"], ["", "赵六", "", "2026-10-01"]])
    r = run(inbox)
    assert [(x["name"], x["id_status"], x["birth_date"]) for x in r.stg("death_certificates")] \
        == [("王五", "missing", dt.date(1944, 4, 4))]
    assert _reasons(r, f) == [(2, "no_id_no_birth_date")]


def test_death_records_need_their_date(inbox, run):
    reg = "public_security/household_registry.csv"
    write_csv(inbox / reg, ["公民身份号码", "姓名", "户口状态", "注销原因", "注销日期"], [
        [ID1, "张三", "注销", "死亡", "2026-10-01"],
        [ID2, "李四", "注销", "死亡", ""],       # a death without a date is unusable
        [make_id(dt.date(1980, 1, 1), 3), "王五", "注销", "迁出", ""],   # not a death
        [make_id(dt.date(1981, 1, 1), 4), "赵六", "正常", "", ""],
    ])
    med = "medical_insurance/enrollment.csv"
    write_csv(inbox / med, ["公民身份号码", "姓名", "险种", "参保状态", "终止原因", "终止日期"], [
        [ID1, "张三", "城乡居民基本医疗保险", "终止参保", "死亡", ""],
        [ID2, "李四", "城乡居民基本医疗保险", "终止参保", "转出", ""]])
    r = run(inbox)
    assert [x["name"] for x in r.stg("household_registry")] == ["张三", "王五", "赵六"]
    assert _reasons(r, reg) == [(2, "missing_death_date")]
    assert _reasons(r, med) == [(1, "missing_death_date")]


def test_unreadable_values_are_quarantined_never_guessed(config, inbox, run):
    f = "pension/participants.csv"
    write_csv(inbox / f, headers(config, "participants"), [
        participant(ID1, 参保日期="2022-02-30"),
        participant(ID1, 待遇开始年月="2022-13"),
        participant(ID1, 个人账户余额="一千"),
        participant(ID1, 参保状态=""),
        participant(ID1, name=""),
    ])
    c = "pension/contributions.csv"
    write_csv(inbox / c, ["公民身份号码", "缴费年度", "缴费档次", "个人缴费"],
              [[ID1, "22年", "300", "300"], [ID1, "2026", "", "300"]])
    t = "reference/township_targets.csv"
    write_csv(inbox / t, ["乡镇", "年度", "参保任务数"],
              [["乌兰镇", "2026", "一万"], ["", "2026", "100"]])
    r = run(inbox)
    assert r.stg("participants") == []
    assert _reasons(r, f) == [(1, "bad_date"), (2, "bad_month"), (3, "bad_money"),
                              (4, "missing_enrol_status"), (5, "missing_name")]
    assert _reasons(r, c) == [(1, "bad_year"), (2, "missing_tier")]
    assert _reasons(r, t) == [(1, "bad_number"), (2, "missing_township")]


def test_quarantine_keeps_the_raw_values_under_the_original_headers(inbox, run):
    f = "pension/contributions.csv"
    write_csv(inbox / f, ["身份证号码", "姓名", "年度", "档次", "个人缴费金额", "备注"],
              [["", "张三", "2026", "300", "300", "补缴"]])
    [q] = run(inbox).quarantine(f)
    assert (q["source"], q["table"], q["row"], q["reason"]) == (
        "pension", "contributions", 1, "missing_id")
    assert q["raw"] == {"身份证号码": "", "姓名": "张三", "年度": "2026", "档次": "300",
                        "个人缴费金额": "300", "备注": "补缴"}


def test_header_aliases_and_missing_optional_columns(inbox, run):
    write_csv(inbox / "pension" / "participants.csv",
              ["身份证号码", " 姓 名 ", "乡镇(街道)", "村（社区）", "参保状态", "待遇状态", "联系电话"],
              [[ID1, "张三", "平堡乡", "一村", "正常参保", "正常发放", "13800000000"]])
    [row] = run(inbox).stg("participants")
    assert (row["id_number"], row["name"], row["township"], row["township_raw"],
            row["benefit_status"]) == (ID1, "张三", "平堡镇", "平堡乡", "正常发放")
    assert row["birth_date"] is None and row["account_balance"] is None and row["sex"] is None


def test_names_ids_and_enums_are_normalised(config, inbox, run):
    raw_id = " ６２０４２１" + ID1[6:].lower() + "\t"
    write_csv(inbox / "pension" / "participants.csv", headers(config, "participants"),
              [participant(raw_id, "張　三", 参保状态=" 正常 参保 ", 性别="女性")])
    [row] = run(inbox).stg("participants")
    assert (row["id_number"], row["id_raw"], row["name"], row["name_raw"], row["name_pinyin"],
            row["enrol_status"], row["sex"]) == (
        ID1, raw_id, "张三", "張　三", "zhangsan", "正常参保", "女")
