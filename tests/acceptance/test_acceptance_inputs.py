"""Messy inputs (CONTRACT §1 "Values", "Bad input") through the real flow, as of 2025-06-30.

The inbox is tests/acceptance/messy.py: alias headers in another order, IDs in every
damaged form, names with traditional and full-width characters and separators, dates
in every form, a GBK CSV, an xlsx with three merged title rows, a legacy xls, parquet,
a corrupt xlsx, a .txt, an empty file, a header-only file, files of no table or source.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal

from tests.acceptance.conftest import project
from tests.acceptance.messy import ID

D = dt.date


def test_ledger_ids_names_and_values_are_normalised(messy_run):
    rows = messy_run.sql(
        "select _row, id_number, id_status, name, township, village, birth_date, enrol_date, "
        "benefit_start_month, account_balance from stg_participants order by _row")
    assert rows == [
        # full-width digits; 張三豐 -> 张三丰; 城关镇 -> 乌兰镇; 1955/3/1; 201504; 1,234.50
        (1, ID["M1"], "valid", "张三丰", "乌兰镇", "东街村", D(1955, 3, 1), D(2015, 1, 1),
         D(2015, 4, 1), Decimal("1234.50")),
        # lower-case x; 19800202
        (2, ID["M2"], "valid", "=1+1", "北湾镇", "一村", D(1980, 2, 2), D(2015, 1, 1), None, None),
        # spaces and a tab inside the ID; 1985年3月3日
        (3, ID["M3"], "valid", "-张三", "北湾镇", "一村", D(1985, 3, 3), D(2015, 1, 1), None, None),
        # a leading apostrophe (Excel's text marker)
        (4, ID["M4"], "valid", "王五", "北湾镇", "二村", D(1970, 5, 20), D(2015, 1, 1),
         D(2015, 6, 1), Decimal("800.00")),
        # 刘　洋 (a full-width space) -> 刘洋; 平堡乡 -> 平堡镇
        (5, ID["M5"], "valid", "刘洋", "平堡镇", "河村", D(1960, 1, 1), D(2015, 1, 1),
         D(2020, 2, 1), None),
        # rows 6-8 are quarantined (below); ．-> ·
        (9, ID["M9"], "valid", "阿依古丽·买买提", "平堡镇", "河村", D(1960, 1, 1), D(2015, 1, 1),
         D(2020, 2, 1), Decimal("300.00")),
        (10, ID["M10"], "valid", "李䶮华", "北湾镇", "二村", D(1955, 5, 5), D(2015, 1, 1),
         D(2015, 6, 1), None),
        (11, ID["M11"], "valid", "周九", "北湾镇", "二村", D(1990, 9, 9), D(2015, 1, 1), None, None),
        (12, ID["M12"], "valid", "孙七", "北湾镇", "二村", D(1962, 2, 2), D(2015, 1, 1),
         D(2022, 3, 1), None),
        # a 15-digit ledger ID, converted (19 inserted, check digit appended) and accepted
        (13, ID["M13"], "converted_15", "冯十三", "北湾镇", "三村", None, D(2015, 1, 1),
         D(2008, 7, 1), None),
        (14, ID["M14"], "valid", "买买提·吐尔逊", "北湾镇", "三村", D(1958, 8, 8), D(2015, 1, 1),
         D(2018, 9, 1), None),
        (15, ID["M15"], "valid", "钟十五", "北湾镇", "三村", D(1940, 4, 4), D(2015, 1, 1),
         D(2008, 7, 1), None),
    ]


def test_bad_rows_are_quarantined_with_their_reason(messy_run):
    rows = {(q["file"], q["row"]): q for q in messy_run.quarantine if q["row"]}
    reasons = {k: q["reason"] for k, q in rows.items()}
    assert reasons == {
        # the ledger needs a valid ID: Excel's 6.20421E+17, last digits zeroed, an ID cell
        # holding a number (precision lost whatever its digits)
        ("pension/participants_20250630.csv", "6"): "invalid_id",
        ("pension/participants_20250630.csv", "7"): "invalid_id",
        ("pension/participants_20250630.csv", "8"): "bad_date",          # 2022-02-30
        ("pension/contributions_2025.xlsx", "5"): "invalid_id",
        ("public_security/household_registry_城关派出所.csv", "4"): "no_id_no_birth_date",
        ("public_security/household_registry_城关派出所.csv", "5"): "missing_death_date",
        ("public_security/household_registry_城关派出所.csv", "6"): "field_count_mismatch",
        ("reference/township_targets_2025.csv", "2"):
            "expect_column_values_to_be_in_set:township",                 # 红旗乡
    }
    raw = json.loads(rows[("pension/participants_20250630.csv", "6")]["raw"])
    assert raw["身份证号码"] == "6.20421E+17" and raw["备注"] == "无"  # original headers
    # Rendered as Excel shows it, 15 significant digits rounded (620421197808080|818 ->
    # ...081), never from the float's binary value (620421197808080768).
    assert json.loads(rows[("pension/contributions_2025.xlsx", "5")]["raw"])["身份证号码"] \
        == "620421197808081000"


def test_whole_files_quarantined_with_their_reason(messy_run):
    whole = {q["file"]: (q["source"], q["table"], q["reason"])
             for q in messy_run.quarantine if not q["row"]}
    assert whole == {
        "说明.csv": ("", "说明", "unknown_source"),
        "civil_affairs/assistance_低保.xlsx": ("civil_affairs", "assistance", "corrupt_file"),
        "health/readme.txt": ("health", "readme", "unsupported_format"),
        "medical_insurance/enrollment.csv": ("medical_insurance", "enrollment", "no_header"),
        "pension/vaccination.csv": ("pension", "vaccination", "unknown_table"),
    }


def test_manifest_accounts_for_every_file(messy_run):
    found = {p.relative_to(messy_run.inbox).as_posix()
             for p in messy_run.inbox.rglob("*") if p.is_file()}
    inputs = {i["file"]: i for i in messy_run.manifest["inputs"]}
    assert set(inputs) == found
    per_file = Counter(q["file"] for q in messy_run.quarantine if q["row"])
    for entry in inputs.values():
        assert entry["read"] == entry["accepted"] + entry["quarantined"] + entry["duplicates"]
        assert entry["quarantined"] == per_file[entry["file"]], entry["file"]
    got = {f: (i["read"], i["accepted"], i["quarantined"], i["duplicates"], i["extract_date"])
           for f, i in inputs.items()}
    assert got == {
        "说明.csv": (0, 0, 0, 0, None),
        "civil_affairs/assistance_低保.xlsx": (0, 0, 0, 0, None),
        "civil_affairs/cremations_2025.xlsx": (3, 3, 0, 0, "2025-01-01"),
        "health/death_certificates_20250601.csv": (4, 4, 0, 0, "2025-06-01"),
        "health/family_planning.xls": (1, 1, 0, 0, None),
        "health/readme.txt": (0, 0, 0, 0, None),
        "medical_insurance/enrollment.csv": (0, 0, 0, 0, None),
        "pension/benefit_payments_202506.parquet": (5, 5, 0, 0, "2025-06-01"),
        # the 2024 row is also in the xlsx, twice (a double payment): this copy is dropped
        "pension/contributions_2024.csv": (1, 0, 0, 1, "2024-01-01"),
        "pension/contributions_2025.xlsx": (5, 4, 1, 0, "2025-01-01"),
        "pension/funeral_grants.csv": (0, 0, 0, 0, None),                 # header only
        "pension/participants_20250630.csv": (15, 12, 3, 0, "2025-06-30"),
        "pension/vaccination.csv": (0, 0, 0, 0, None),
        # rows: M1 (15-digit), M5, M5's copy, no ID nor birth date, no 注销日期, 9 fields,
        # M3 with the last digits zeroed
        "public_security/household_registry_城关派出所.csv": (7, 3, 3, 1, None),
        "reference/township_targets_2025.csv": (2, 1, 1, 0, "2025-01-01"),
    }
    # A year's file is that year's history, never stale (issue #8): 2024 ended 181 days
    # before the as-of date, more than the 45 configured, and the file is still not stale.
    assert inputs["pension/contributions_2024.csv"]["stale"] is False
    assert inputs["pension/participants_20250630.csv"]["stale"] is False


def test_spreadsheet_and_parquet_cells(messy_run):
    contributions = messy_run.sql(
        "select _file, _row, id_number, year, tier, personal_amount, pay_date "
        "from stg_contributions order by _file, _row")
    assert contributions == [
        # a date cell, an Excel serial (45366 = 2024-03-15, twice: a double payment in one
        # file is kept), text 2025年4月1日; numbers as numbers
        ("pension/contributions_2025.xlsx", 1, ID["M11"], 2025, Decimal("300.00"),
         Decimal("300.00"), D(2025, 3, 1)),
        ("pension/contributions_2025.xlsx", 2, ID["M5"], 2024, Decimal("300.00"),
         Decimal("300.00"), D(2024, 3, 15)),
        ("pension/contributions_2025.xlsx", 3, ID["M5"], 2024, Decimal("300.00"),
         Decimal("300.00"), D(2024, 3, 15)),
        ("pension/contributions_2025.xlsx", 4, ID["M5"], 2025, Decimal("1500.00"),
         Decimal("1500.00"), D(2025, 4, 1)),
    ]
    # An ID cell holding a number: Excel's 15 significant digits, precision_lost, the
    # birth date of digits 7-14 kept; 45760 in 火化日期 is 2025-04-13.
    assert messy_run.sql("select id_number, id_status, id_birth_date, name, death_date, "
                         "cremation_date from stg_cremations order by _row") == [
        (ID["M4"][:15] + "000", "precision_lost", D(1970, 5, 20), "王五", D(2025, 4, 10),
         D(2025, 4, 13)),
        (ID["M13"], "valid", D(1948, 6, 6), "冯十三", D(2025, 4, 15), None),
        (ID["M15"], "valid", D(1940, 4, 4), "钟十五", D(2025, 6, 29), D(2025, 7, 1))]
    # A parquet int64 ID column holds the ID exactly: valid (or a 15-digit one converted),
    # never precision_lost.
    assert messy_run.sql("select id_number, id_status, pay_month, amount "
                         "from stg_benefit_payments order by id_number, pay_month") == [
        (ID["M13"], "converted_15", D(2025, 4, 1), Decimal("200.00")),
        (ID["M13"], "converted_15", D(2025, 5, 1), Decimal("200.00")),
        *[(ID["M9"], "valid", D(2025, m, 1), Decimal("1150.00")) for m in (3, 4, 5)]]
    # 6.20421E+17 as text: nothing of the birth date survives, the record's own is used.
    assert messy_run.sql("select id_number, id_status, id_birth_date, name, birth_date "
                         "from stg_death_certificates order by _row") == [
        (None, "missing", None, "阿依古丽·买买提", D(1960, 1, 1)),
        (None, "missing", None, "李?华", D(1955, 5, 5)),
        ("620421000000000000", "precision_lost", None, "孙七", D(1962, 2, 2)),
        (None, "missing", None, "买买提·吐尔逊", D(1958, 8, 8)),          # • -> ·
    ]


def test_damaged_records_find_their_ledger_participant(messy_run):
    links = messy_run.sql("select src_table, ledger_id_number, method from match_links "
                          "order by src_table, src_rid")
    assert links == [
        ("cremations", ID["M4"], "name_dob"),             # numeric ID cell -> 19700520
        ("cremations", ID["M13"], "id"),                  # 18 digits; the ledger has 15
        ("cremations", ID["M15"], "id"),
        ("death_certificates", ID["M9"], "name_dob"),     # ・ / ． are both ·
        ("death_certificates", ID["M12"], "name_dob"),    # 6.20421E+17 beside 1962-02-02
        ("death_certificates", ID["M14"], "name_dob"),    # • / . are both ·
        ("household_registry", ID["M1"], "id15"),         # 620421550301111
        ("household_registry", ID["M5"], "id"),
        ("household_registry", ID["M3"], "name_dob"),     # ...000: 19850303 survives
    ]


def test_lists_of_the_messy_inbox(messy_run):
    deceased = project(messy_run.list("deceased_accounts"),
                       ("id_number", "name", "township", "death_date", "death_sources",
                        "match_method", "last_paid_month", "months_overpaid",
                        "overpaid_amount", "account_balance"))
    assert set(deceased) == {
        (ID["M1"], "张三丰", "乌兰镇", "2025-03-01", "public_security", "id15", "", "0", "0.00",
         "1234.50"),
        (ID["M4"], "王五", "北湾镇", "2025-04-10", "civil_affairs", "name_dob", "", "0", "0.00",
         "800.00"),
        # died 2025-02-15; paid 2025-03, 04, 05 at 1,150.00 -> 3 months, 3450.00
        (ID["M9"], "阿依古丽·买买提", "平堡镇", "2025-02-15", "health", "name_dob", "2025-05",
         "3", "3450.00", "300.00"),
        (ID["M12"], "孙七", "北湾镇", "2025-05-20", "health", "name_dob", "", "0", "0.00", ""),
        # died 2025-04-15; paid 2025-04 (the death month: due) and 2025-05 -> 1, 200.00
        (ID["M13"], "冯十三", "北湾镇", "2025-04-15", "civil_affairs", "id", "2025-05", "1",
         "200.00", ""),
        (ID["M14"], "买买提·吐尔逊", "北湾镇", "2025-05-01", "health", "name_dob", "", "0",
         "0.00", ""),
        # died 2025-06-29, cremated 2025-07-01 (after the as-of date): the death stands
        (ID["M15"], "钟十五", "北湾镇", "2025-06-29", "civil_affairs", "id", "", "0", "0.00", ""),
    }
    # 3450.00 - 300.00 = 3150.00 to recover from the heirs.
    m9 = next(r for r in messy_run.list("deceased_accounts") if r["id_number"] == ID["M9"])
    assert "3,150.00" in m9["evidence"]
    # The grants file came with its header only: nobody has had a grant.
    assert {r["id_number"] for r in messy_run.list("funeral_grants")} == {
        ID["M1"], ID["M4"], ID["M9"], ID["M12"], ID["M13"], ID["M14"], ID["M15"]}
    # 李?华 born 1955-05-05: a ? standing for 䶮 is close, not equal -> review, score
    # 0.9 x jaro-winkler(李?华, 李䶮华) = 0.9 x 0.8 = 0.7200.
    assert project(messy_run.list("review_queue"),
                   ("id_number", "reason", "source", "source_id_number", "source_name",
                    "score")) == [(ID["M10"], "fuzzy_match", "health", "", "李?华", "0.7200")]
    # Enrolled 2015-01-01, never paid: 2015..2025 = 11 years; names are formula-escaped.
    assert project(messy_run.list("lapsed_payers"),
                   ("id_number", "name", "reason", "age", "last_paid_year", "years_missed")) == [
        (ID["M2"], "'=1+1", "lapsed", "45", "", "11"),
        (ID["M3"], "'-张三", "lapsed", "40", "", "11"),
    ]
    fp_person = messy_run.list("special_groups")
    assert project(fp_person, ("township", "village", "reason", "category", "year")) == [
        ("北湾镇", "", "not_enrolled", "计生两证户", "2025")]


def test_progress_of_the_messy_inbox(messy_run):
    progress = {r["township"]: r for r in messy_run.progress}
    # the target "1,200" came for 城关镇; nobody in 乌兰镇 paid 2025
    assert (progress["乌兰镇"]["target"], progress["乌兰镇"]["completion_rate"]) == ("1200", "0.0000")
    # 北湾镇: M11 paid 2025; the registry's only resident there is M3 (linked through the
    # zeroed ID), open in the ledger: 1 of 1, gap ceil(0.98) - 1 = 0
    assert [progress["北湾镇"][c] for c in ("completed", "eligible", "insured",
                                          "participation_rate", "gap_to_target")] \
        == ["1", "1", "1", "1.0000", "0"]
    assert "未知乡镇" not in progress  # the 红旗乡 target was quarantined; nobody counts there


def test_missing_sources_are_named_in_skipped_checks(messy_run):
    skipped = messy_run.skipped()
    # hr/ never came: the enterprise list is not built, lists it would shorten say so.
    assert {"enterprise_scheme", "lapsed_payers.enterprise",
            "unenrolled_residents.enterprise"} <= skipped
    # the assistance file was corrupt and poverty monitoring never came
    assert "contribution_issues.tier_100_not_eligible" in skipped
    assert messy_run.list("enterprise_scheme") == []
    assert messy_run.header("lists/enterprise_scheme.csv")[:8] == [
        "case_id", "case_status", "id_number", "name", "township", "village", "reason",
        "evidence"]


def test_every_header_alias_names_one_column():
    from transforms.config import load_config
    from transforms.ingest.headers import normalise_header

    for name, table in load_config().sources.tables.items():
        owner: dict[str, str] = {}
        for key, column in table.columns.items():
            for text in (column.header, *column.aliases):
                assert owner.setdefault(normalise_header(text), key) == key, (name, text)


def test_common_header_variants_are_read(tmp_path, config):
    """Headers other departments use for the same columns (a config change, not code)."""
    import duckdb

    from tests.acceptance.conftest import pid, write_csv
    from transforms.ingest import ingest

    person = pid("19500505", 11)
    write_csv(tmp_path / "civil_affairs" / "cremations.csv",
              ["死者身份证号码", "死者姓名", "死亡日期"], [[person, "王五", "2025-01-02"]])
    write_csv(tmp_path / "pension" / "participants.csv",
              ["公民身份证号码", "参保人姓名", "乡镇/街道", "村/社区", "参保状态", "待遇享受状态"],
              [[person, "王五", "乌兰镇", "一村", "正常参保", "正常发放"]])
    con = duckdb.connect()
    ingest(con, tmp_path, config, D(2025, 6, 30))
    assert con.execute("select id_number, name, death_date from stg_cremations").fetchall() == [
        (person, "王五", D(2025, 1, 2))]
    assert con.execute("select id_number, name, township, village, benefit_status "
                       "from stg_participants").fetchall() == [
        (person, "王五", "乌兰镇", "一村", "正常发放")]


def test_a_parquet_column_no_table_reads_never_costs_the_file(tmp_path, config):
    """An extra nested column (a list) travels as raw text; the rows are read."""
    import duckdb
    import pyarrow as pa

    from tests.acceptance.conftest import pid, write_parquet
    from transforms.ingest import ingest

    person = pid("19500505", 11)
    write_parquet(tmp_path / "pension" / "benefit_payments.parquet",
                  ["公民身份号码", "发放年月", "发放金额", "明细"],
                  [[person, "2025-01", "143.00", [1, 2]]], types={"明细": pa.list_(pa.int64())})
    con = duckdb.connect()
    ingest(con, tmp_path, config, D(2025, 6, 30))
    assert con.execute("select id_number, pay_month, amount from stg_benefit_payments"
                       ).fetchall() == [(person, D(2025, 1, 1), Decimal("143.00"))]
    assert con.execute("select count(*) from quarantine").fetchone() == (0,)
