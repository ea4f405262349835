"""Every list of CONTRACT §3 for the hand-made county (tests/acceptance/county.py),
as of 2025-06-30, through the real flow. Expected rows come from RULES.md by hand.

Policy defaults used below (data/config/policy.yaml): basic pension 143.00 a month in
2025 (123.00 in 2024), funeral grant 1000.00 from 2014-07-01, windows of 31 days,
ages 16-59, students up to 22, target rate 0.98.
"""
from __future__ import annotations

from tests.acceptance.conftest import project
from tests.acceptance.county import D13_DAMAGED, P


def _id(key: str) -> str:
    return P[key]["id"]


def _sorted_by_contract(rows: list[dict]) -> bool:
    keys = [(r["township"], r["village"], r["id_number"]) for r in rows]
    return keys == sorted(keys)


DECEASED_COLUMNS = ("id_number", "name", "township", "village", "reason", "death_date",
                    "death_sources", "match_method", "benefit_status", "last_paid_month",
                    "months_overpaid", "overpaid_amount", "account_balance", "date_conflict")


def test_deceased_accounts(county_run):
    rows = county_run.list("deceased_accounts")
    expected = {
        # D1: registry 注销/死亡 2025-02-10; paid 2025-01..05 at 300.00: months after the
        # death month (2025-02) are 03, 04, 05 -> 3 months, 3 x 300 = 900.00.
        ("D1", "王大山", "乌兰镇", "东街村", "2025-02-10", "public_security", "id", "正常发放",
         "2025-05", "3", "900.00", "5000.00", "false"),
        # D2: health 2025-01-05, civil 2025-03-01: 26 + 28 + 1 = 55 days > 31 -> conflict;
        # the date is health's (public_security, health, civil_affairs, medical_insurance).
        # Paid 2024-12..2025-04 at 250.00: 02, 03, 04 after 2025-01 -> 3, 750.00.
        ("D2", "李秀英", "乌兰镇", "西街村", "2025-01-05", "civil_affairs|health", "id", "正常发放",
         "2025-04", "3", "750.00", "800.00", "true"),
        # D4: registry 2025-01-15 (first in priority), cremation 2025-02-15: 16 + 15 = 31
        # days apart, not more than 31 -> no conflict. Paid 2025-02-10: 26 days after the
        # death date, not a sign of life. 未领取.
        ("D4", "钱五", "北滩镇", "二村", "2025-01-15", "civil_affairs|public_security", "id",
         "未领取", "", "0", "0.00", "3200.00", "false"),
        # D6: died 2014-06-30, still paid 2025-01, 2025-02 at 200.00 -> 2, 400.00.
        ("D6", "周七", "平堡镇", "河村", "2014-06-30", "public_security", "id", "正常发放",
         "2025-02", "2", "400.00", "0.00", "false"),
        # D8: death certificate without ID, 马•阿不都 born 1950-10-10, 男 -> name_dob.
        ("D8", "马·阿不都", "五合镇", "清真村", "2025-04-20", "health", "name_dob", "暂停发放",
         "", "0", "0.00", "2000.00", "false"),
        # D9: registry with the 15-digit ID 620421400808123 -> id15.
        ("D9", "吴八", "双龙镇", "新村", "2025-03-03", "public_security", "id15", "正常发放",
         "", "0", "0.00", "1500.00", "false"),
        # D10: cremation ID with digit 16 mistyped (check digit fails), one ledger ID one
        # substitution away with the same name -> id_repaired.
        ("D10", "郑九", "双龙镇", "新村", "2025-05-05", "civil_affairs", "id_repaired", "正常发放",
         "", "0", "0.00", "900.00", "false"),
    }
    want = {(_id(k), *rest[:3], "deceased", *rest[3:]) for k, *rest in expected}
    assert set(project(rows, DECEASED_COLUMNS)) == want
    assert len(rows) == len(want)
    # Not here: D3 / D5 (signs of life), D7 (account closed), D11 / D12 / D13 (review).
    assert _sorted_by_contract(rows)
    by_id = {r["id_number"]: r for r in rows}
    # 5000.00 - 900.00 = 4100.00 inheritable; 400.00 - 0.00 still to recover from heirs.
    assert "900.00" in by_id[_id("D1")]["evidence"]
    assert "4,100.00" in by_id[_id("D1")]["evidence"]
    assert "400.00" in by_id[_id("D6")]["evidence"] and "追回" in by_id[_id("D6")]["evidence"]
    assert "31" in by_id[_id("D2")]["evidence"]


def test_funeral_grants(county_run):
    rows = county_run.list("funeral_grants")
    got = set(project(rows, ("id_number", "reason", "death_date", "death_sources",
                             "grant_amount")))
    assert got == {
        (_id("D1"), "funeral_grant_owed", "2025-02-10", "public_security", "1000.00"),
        # D7: account closed (终止参保/终止发放) but paid 2014-06, the month before the
        # death month 2014-07, and died on the start date 2014-07-01 itself.
        (_id("D7"), "funeral_grant_owed", "2014-07-01", "public_security", "1000.00"),
        (_id("D8"), "funeral_grant_owed", "2025-04-20", "health", "1000.00"),  # 暂停发放
        (_id("D9"), "funeral_grant_owed", "2025-03-03", "public_security", "1000.00"),
        (_id("D10"), "funeral_grant_owed", "2025-05-05", "civil_affairs", "1000.00"),
    }
    # Not here: D2 (grant paid 2025-01-20), D4 (未领取, no payment), D6 (died 2014-06-30,
    # before the start date), D3 / D5 (signs of life).
    assert len(rows) == 5
    assert _sorted_by_contract(rows)


def test_review_queue(county_run):
    rows = county_run.list("review_queue")
    got = {(r["id_number"], r["reason"], r["source"], r["source_id_number"], r["source_name"],
            r["score"]) for r in rows}
    mismatch = [r for r in rows if r["reason"] == "id_name_mismatch"]
    assert len(mismatch) == 1 and 0 <= float(mismatch[0]["score"]) < 0.95
    assert got == {
        # D3: cremated 2025-01-10, contribution paid 2025-03-01: 21 + 28 + 1 = 50 days > 31.
        (_id("D3"), "alive_signal_after_death", "pension", _id("D3"), "赵四海", ""),
        # D5: death certificate 2024-12-01, medical claim 2025-03-15: 30+31+28+15 = 104 days.
        (_id("D5"), "alive_signal_after_death", "medical_insurance", _id("D5"), "孙六", ""),
        # D11: no ID, 陈丽 born 1952-02-02: the only candidate 陈立 is a homophone (chenli)
        # -> fuzzy_match, score 0.9 x max(jaro-winkler 0.70, 0.95 x pinyin 1.0) = 0.8550.
        (_id("D11"), "fuzzy_match", "health", "", "陈丽", "0.8550"),
        # D12: the cremation carries D12's valid ID but the name 黄大明 -> id_name_mismatch.
        (_id("D12"), "id_name_mismatch", "civil_affairs", _id("D12"), "黄大明",
         mismatch[0]["score"]),
        # D13: the damaged ID is one substitution from both 张伟 -> one row per candidate,
        # score 0.95 / 2 = 0.4750.
        (_id("D13A"), "id_repaired", "health", D13_DAMAGED, "张伟", "0.4750"),
        (_id("D13B"), "id_repaired", "health", D13_DAMAGED, "张伟", "0.4750"),
    }
    assert len(rows) == 6
    assert _sorted_by_contract(rows)
    by_reason = {r["reason"]: r for r in rows}
    assert by_reason["fuzzy_match"]["township"] == "大芦镇"  # the candidate's township


def test_review_cases_are_on_no_death_list(county_run):
    on_death_lists = {r["id_number"] for name in ("deceased_accounts", "funeral_grants")
                      for r in county_run.list(name)}
    for key in ("D3", "D5", "D11", "D12", "D13A", "D13B"):
        assert _id(key) not in on_death_lists, key


def test_contribution_issues(county_run):
    rows = county_run.list("contribution_issues")
    got = set(project(rows, ("id_number", "reason", "year", "tier", "issue", "expected",
                             "recorded")))
    row = lambda k, issue, year, tier, exp, rec: (_id(k), issue, year, tier, issue, exp, rec)
    assert got == {
        row("C1", "invalid_tier", "2024", "350.00", "", "350.00"),          # 350 is no tier
        row("C1", "provincial_subsidy_mismatch", "2025", "400.00", "30.00", "60.00"),  # 100-400
        row("C2", "amount_mismatch", "2025", "500.00", "500.00", "450.00"),  # 450 + 0 != 500
        row("C3", "county_subsidy_mismatch", "2025", "1500.00", "20.00", "15.00"),   # 1500: 60/20
        row("C3", "provincial_subsidy_mismatch", "2024", "2000.00", "60.00", "30.00"),  # 60/25
        row("C4", "county_subsidy_mismatch", "2024", "3000.00", "30.00", "25.00"),  # 2500-3000
        row("C5", "tier_100_not_eligible", "2025", "100.00", "", "100.00"),  # in no list
        row("C9", "tier_100_not_eligible", "2025", "100.00", "", "100.00"),  # 边缘易致贫 only
        # S2: 低保 ended 2023-12, so 2025's tier 100 has no special group behind it.
        row("S2", "tier_100_not_eligible", "2025", "100.00", "", "100.00"),
    }
    # Not here: C4's 2500 (90/30), 600, 700, 800, 900 (60/15); C2's 1,000.00 (60/15);
    # C6 / C8 (脱贫人口 may use 100); C7 (返贫致贫人口); S2 2023 and S4 2024 (低保, 残疾).
    assert len(rows) == 9
    assert _sorted_by_contract(rows)


def test_special_groups(county_run):
    rows = county_run.list("special_groups")
    got = set(project(rows, ("id_number", "township", "village", "reason", "category", "year")))
    assert got == {
        # S1: 城乡低保 since 2023-01, aged 30, not in the ledger; the registry's place.
        (_id("S1"), "东湾镇", "甲村", "not_enrolled", "低保对象", "2025"),
        # S2: county paid 100 in 2025 but 低保 ended 2023-12; the ledger still says 低保对象.
        (_id("S2"), "东湾镇", "乙村", "county_paid_not_eligible", "低保对象", "2025"),
        (_id("S2"), "东湾镇", "乙村", "ledger_category_unsupported", "低保对象", "2025"),
        # S3: 计生两证户 (every year), paid 300 personally, 政府代缴 0 < 100.
        (_id("S3"), "东湾镇", "乙村", "not_paid_by_county", "计生两证户", "2025"),
        # S4: 重度残疾 since 2024-01, no 2025 contribution at all.
        (_id("S4"), "东湾镇", "乙村", "not_paid_by_county", "重度残疾人", "2025"),
        # C8: a 脱贫人口 (not 返贫致贫) with 政府代缴 100; the ledger claims no category.
        (_id("C8"), "刘川镇", "南村", "county_paid_not_eligible", "", "2025"),
    }
    # Not here: S5 (65), S6 (death record), S7 (enterprise 参保缴费), C7 (返贫致贫, county paid).
    assert len(rows) == 6
    assert _sorted_by_contract(rows)


def test_lapsed_payers(county_run):
    rows = county_run.list("lapsed_payers")
    got = set(project(rows, ("id_number", "reason", "age", "last_paid_year", "years_missed")))
    assert got == {
        # L1: last paid 2022 -> 2023, 2024, 2025 missed = 3; 2024 missed too -> lapsed.
        (_id("L1"), "lapsed", "45", "2022", "3"),
        # L2: enrolled 2024-05, never paid -> from the enrolment year: 2024, 2025 = 2.
        (_id("L2"), "lapsed", "35", "", "2"),
        # L3: enrolled 2025-02, never paid -> 2025 only = 1 (2024 was before enrolling).
        (_id("L3"), "unpaid_this_year", "25", "", "1"),
        # L4: 暂停缴费, last paid 2024 -> 1.
        (_id("L4"), "unpaid_this_year", "50", "2024", "1"),
        # L6: 16 on the as-of date (born 2009-06-30) -> in; L7 (15) out.
        (_id("L6"), "unpaid_this_year", "16", "", "1"),
        # L9: no 参保日期, never paid -> the as-of year only.
        (_id("L9"), "unpaid_this_year", "46", "", "1"),
        # L10: 59 (born 1965-07-01, 60 tomorrow) -> in; L5 (60 today) out.
        (_id("L10"), "unpaid_this_year", "59", "2024", "1"),
    }
    # Not here: L8 (enterprise 参保缴费), S4 (special group), R9 (终止参保), D4 (dead).
    assert len(rows) == 7
    assert _sorted_by_contract(rows)


def test_enterprise_scheme(county_run):
    rows = county_run.list("enterprise_scheme")
    got = set(project(rows, ("id_number", "reason", "action", "enterprise_identity",
                             "enterprise_start", "enterprise_end", "overlap_months",
                             "refund_amount", "recover_amount")))
    assert got == {
        # E1: enterprise 参保缴费 since 2024-03 while 正常参保 -> seal. Overlap: 2024-03..12 =
        # 10 months of the 400 paid for 2024, 2025-01..06 (ongoing: to the as-of month) = 6
        # of the 500 for 2025 -> 16 months; 400 x 10/12 + 500 x 6/12 = 333.333 + 250
        # = 583.33.
        (_id("E1"), "seal", "seal", "企业职工", "2024-03", "", "", "", ""),
        (_id("E1"), "refund_overlap", "refund_overlap", "企业职工", "2024-03", "", "16",
         "583.33", ""),
        # E2: enterprise pension from 2025-01, resident 正常发放. Paid from 2025-01: 2025-01
        # with 其中基础养老金 150.00; 2025-02..04 from the file without that column and
        # 2025-05 with the cell empty -> the policy's 143.00 each:
        # 150 + 4 x 143 = 150 + 572 = 722.00. (2024-11, 2024-12 are before the pension.)
        (_id("E2"), "terminate_dual_pension", "terminate_dual_pension", "企业职工", "2000-01",
         "2024-12", "", "", "722.00"),
        # E3: 45, employee medical insurance 参保缴费, no enterprise row -> candidate.
        (_id("E3"), "candidate", "candidate", "", "", "", "", "", ""),
        # E6: 55 by the ID (1970-02-02); the ledger's 出生日期 1960 is a typo. Ages come
        # from the ID, as for every other list -> under 60 -> candidate.
        (_id("E6"), "candidate", "candidate", "", "", "", "", "", ""),
        # E4: period 2023-07..2024-06 (终止): 6 months of 2023 and 6 of 2024, 300 paid each
        # year -> 12 months, 300 x 6/12 + 300 x 6/12 = 300.00.
        (_id("E4"), "refund_overlap", "refund_overlap", "灵活就业人员", "2023-07", "2024-06",
         "12", "300.00", ""),
        # L8: 灵活就业 参保缴费 since 2024-01, paid the resident scheme only for 2023 -> seal.
        (_id("L8"), "seal", "seal", "灵活就业人员", "2024-01", "", "", "", ""),
    }
    # Not here: E5 (60: not under 60), S7 / R10 / R11 (not ledger participants).
    assert len(rows) == 7
    assert _sorted_by_contract(rows)
    evidence = {r["action"]: r["evidence"] for r in rows if r["id_number"] == _id("E1")}
    assert "补贴" in evidence["refund_overlap"]  # subsidies go back to the fund


def test_unenrolled_residents(county_run):
    rows = county_run.list("unenrolled_residents")
    got = set(project(rows, ("id_number", "township", "village", "reason", "age")))
    assert got == {
        (_id("S1"), "东湾镇", "甲村", "unenrolled", "30"),
        (_id("R1"), "北湾镇", "一村", "unenrolled", "30"),
        (_id("R2"), "北湾镇", "一村", "unenrolled", "19"),
        (_id("R3"), "北湾镇", "一村", "unenrolled", "22"),
        (_id("R4"), "北湾镇", "一村", "unenrolled", "23"),
        (_id("R9"), "北湾镇", "二村", "unenrolled", "39"),   # ledger account 终止参保
        (_id("V1"), "平堡镇", "河村", "unenrolled", "40"),   # registered under 平堡乡
        (_id("U1"), "未知乡镇", "红旗村", "unenrolled", "35"),  # 红旗乡 is no township
    }
    # Not here: R5 (15), R6 (75), R7 / R8 (open ledger), R10 (enterprise 参保缴费),
    # R11 (drawing an enterprise pension), R12 / S6 (death record), R13 (迁出), S7.
    assert len(rows) == 8
    assert _sorted_by_contract(rows)
    student = {r["id_number"]: "可能为在校学生" in r["evidence"] for r in rows}
    assert student == {_id(k): k in ("R2", "R3") for k in
                       ("S1", "R1", "R2", "R3", "R4", "R9", "V1", "U1")}


def test_progress(county_run):
    rows = county_run.progress
    got = {r["township"]: tuple(r[c] for c in ("target", "completed", "completion_rate",
                                                "eligible", "insured", "participation_rate",
                                                "gap_to_target")) for r in rows}
    # 北湾镇: target 4 (2025; the 2024 row of 3 is another year). Completed: R7, R15 paid
    # 2025 -> 2, 2/4 = 0.5000. Eligible: R1 R2 R3 R4 R6 R7 R8 R9 R10 R11 = 10 (R5 is 15,
    # R12 has a death record, R13 moved out). Insured: R7, R8 (open), R10 (enterprise
    # 参保缴费), R11 (enterprise pension) = 4 -> 0.4000; gap = ceil(0.98 x 10) - 4 = 10 - 4.
    assert got["北湾镇"] == ("4", "2", "0.5000", "10", "4", "0.4000", "6")
    # 东湾镇: no target; S2, S3 paid 2025 -> 2. Eligible S1, S7 (S6 dead); insured S7;
    # gap = ceil(1.96) - 1 = 1.
    assert got["东湾镇"] == ("", "2", "", "2", "1", "0.5000", "1")
    # 乌兰镇: the target was sent for 城关镇 (legacy name) -> 10; nobody paid 2025.
    assert got["乌兰镇"] == ("10", "0", "0.0000", "0", "0", "", "0")
    assert got["刘川镇"] == ("", "9", "", "0", "0", "", "0")   # C1..C9 all paid 2025
    assert got["北滩镇"] == ("", "2", "", "0", "0", "", "0")   # D3, D4 paid 2025
    assert got["大芦镇"] == ("", "3", "", "0", "0", "", "0")   # D12, D13A, D13B
    assert got["三滩镇"] == ("", "4", "", "0", "0", "", "0")   # E1, E3, E4, E6
    assert got["平堡镇"] == ("", "0", "", "1", "0", "0.0000", "1")  # V1: ceil(0.98) = 1
    assert got["未知乡镇"] == ("", "0", "", "1", "0", "0.0000", "1")  # U1 in 红旗乡
    quiet = ("", "0", "", "0", "0", "", "0")
    for town in ("五合镇", "东升镇", "糜滩镇", "高湾镇", "双龙镇", "兴隆乡", "石门乡", "靖安乡",
                 "永新乡", "若笠乡"):
        assert got[town] == quiet, town
    assert len(rows) == 19  # 18 configured townships + 未知乡镇 (needed for U1)
    assert [r["township"] for r in rows][-1] == "未知乡镇"


def test_nothing_quarantined_and_nothing_skipped(county_run):
    assert county_run.quarantine == []
    assert county_run.manifest["skipped_checks"] == []
