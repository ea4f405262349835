"""RULES §2 given/expect: each method, the guard, review and unmatched, on hand-made rows."""
from __future__ import annotations

from transforms.match import match_all
from transforms.normalise.id import check_char, convert15, normalise_id

DOB = "1950-03-02"
BIRTH = "19500302"


def test_valid_id_with_traditional_name_links_by_id(con, config, staging, make_id):
    led = staging.ledger(make_id(BIRTH), "张伟", sex="男", birth=DOB)
    src = staging.add("cremations", make_id(BIRTH), "張偉", sex="男")
    counts = match_all(con, config)
    assert staging.links() == [("cremations", src, led, "id", 1.0, "身份证号一致，姓名一致")]
    assert staging.review() == []
    assert counts["cremations"] == {
        "records": 1, "links": {"id": 1, "id15": 0, "id_repaired": 0, "name_dob": 0},
        "review": {"fuzzy_match": 0, "id_name_mismatch": 0, "id_repaired": 0}, "unmatched": 0}


def test_homophone_beside_the_right_id_still_links(con, config, staging, make_id):
    led = staging.ledger(make_id(BIRTH), "张伟", birth=DOB)
    src = staging.add("assistance", make_id(BIRTH), "张玮")
    match_all(con, config)
    # score = 1.0 (id) x 0.95 (equal pinyin, discounted)
    assert staging.links() == [("assistance", src, led, "id", 0.95, "身份证号一致，姓名同音（张玮/张伟）")]


def test_placeholder_beside_the_right_id_links(con, config, staging, make_id):
    staging.ledger(make_id(BIRTH), "王晓燕", birth=DOB)
    staging.add("family_planning", make_id(BIRTH), "王?燕")
    match_all(con, config)
    [(_, _, _, method, score, evidence)] = staging.links()
    assert method == "id"
    assert 0 < score < 1
    assert evidence == "身份证号一致，姓名含生僻字占位符（王?燕/王晓燕）"


def test_same_id_with_another_persons_name_goes_to_review(con, config, staging, make_id):
    led = staging.ledger(make_id(BIRTH), "张伟", birth=DOB)
    src = staging.add("enrollment", make_id(BIRTH), "刘洋")
    counts = match_all(con, config)
    assert staging.links() == []
    [row] = con.execute("select src_table, src_rid, source, source_id_number, source_name, "
                        "ledger_rid, ledger_id_number, reason, evidence from match_review"
                        ).fetchall()
    assert row == ("enrollment", src, "medical_insurance", make_id(BIRTH), "刘洋", led,
                   make_id(BIRTH), "id_name_mismatch", "身份证号一致，姓名不同（刘洋/张伟）")
    assert counts["enrollment"]["review"]["id_name_mismatch"] == 1


def test_fifteen_digit_id_links_by_id15(con, config, staging, make_id):
    old = "620421500302001"
    led = staging.ledger(convert15(old), "张伟", birth=DOB)
    src = staging.add("household_registry", old, "张伟", sex="男")
    match_all(con, config)
    assert staging.links() == [("household_registry", src, led, "id15", 0.99,
                           "15位身份证号转换后一致，姓名一致")]


def _typo(id_number: str, position: int, digit: str) -> str:
    out = id_number[:position - 1] + digit + id_number[position:]
    assert normalise_id(out).status == "invalid_checksum"
    return out


def test_one_digit_typo_links_by_id_repaired(con, config, staging, make_id):
    right = make_id(BIRTH, "12")
    led = staging.ledger(right, "张伟", birth=DOB)
    wrong = _typo(right, 15, "7" if right[14] != "7" else "8")
    src = staging.add("death_certificates", wrong, "张伟", sex="男", birth=DOB)
    match_all(con, config)
    assert staging.links() == [("death_certificates", src, led, "id_repaired", 0.95,
                           "身份证号一位之差（第15位），姓名一致")]
    assert staging.review() == []  # decided by id_repaired: name_dob never sees it


def test_adjacent_swap_links_by_id_repaired(con, config, staging, make_id):
    right = make_id(BIRTH, "35")  # digits 16, 17 = 5, 1
    led = staging.ledger(right, "张伟", birth=DOB)
    swapped = right[:15] + right[16] + right[15] + right[17]
    assert normalise_id(swapped).status == "invalid_checksum"
    src = staging.add("cremations", swapped, "张伟")
    match_all(con, config)
    assert staging.links() == [("cremations", src, led, "id_repaired", 0.95,
                           "身份证号相邻两位颠倒（第16、17位），姓名一致")]


def test_two_repairs_with_agreeing_names_go_to_review(con, config, staging, make_id):
    first17 = "62042119500302123"
    other17 = first17[:14] + "9" + first17[15:]  # differs at position 15
    id_a, id_b = first17 + check_char(first17), other17 + check_char(other17)
    received = first17 + check_char(other17)  # one from id_a (pos 18), one from id_b (pos 15)
    assert normalise_id(received).status == "invalid_checksum"
    led_a = staging.ledger(id_a, "王芳", birth=DOB)
    led_b = staging.ledger(id_b, "王芳", birth=DOB)
    src = staging.add("cremations", received, "王芳")
    match_all(con, config)
    assert staging.links() == []
    assert staging.review() == [
        ("cremations", src, led_a, "id_repaired", 0.475,
         "身份证号一位之差（第18位），姓名一致；符合条件的台账人员共2人，需人工确认"),
        ("cremations", src, led_b, "id_repaired", 0.475,
         "身份证号一位之差（第15位），姓名一致；符合条件的台账人员共2人，需人工确认")]


def test_repair_needs_agreeing_names_else_name_dob_decides(con, config, staging, make_id):
    right = make_id(BIRTH, "12")
    led = staging.ledger(right, "张伟", birth=DOB)
    src = staging.add("cremations", _typo(right, 15, "7"), "张玮")
    match_all(con, config)
    assert staging.links() == []
    # id_birth_date of the typo'd ID survives: name_dob finds the homophone -> review
    assert staging.review() == [("cremations", src, led, "fuzzy_match", 0.855,
                            "身份证号校验位不符，出生日期一致（1950-03-02），姓名同音（张玮/张伟）")]


def test_excel_zeroed_id_is_not_repaired_but_matched_by_name_and_birth(con, config, staging, make_id):
    first17 = "62042119600715300"  # digits 16-17 are 0: zeroing changes only the check
    right = first17 + check_char(first17)
    assert right[-1] != "0"
    led = staging.ledger(right, "赵敏", sex="女")
    zeroed = staging.add("household_registry", first17 + "0", "赵敏", sex="女")
    sci = staging.add("household_registry", "6.20421196007153E+17", "赵敏", sex="女")
    counts = match_all(con, config)
    evidence = "身份证号被Excel截断，出生日期一致（1960-07-15），姓名一致"
    assert staging.links() == [("household_registry", zeroed, led, "name_dob", 0.9, evidence),
                          ("household_registry", sci, led, "name_dob", 0.9, evidence)]
    assert counts["household_registry"]["links"] == {
        "id": 0, "id15": 0, "id_repaired": 0, "name_dob": 2}


def test_missing_id_minority_name_with_other_separator_links_by_name_dob(con, config, staging, make_id):
    led = staging.ledger(make_id(BIRTH, "20", "女"), "阿依古丽·买买提", birth=DOB)
    src = staging.add("death_certificates", None, "阿依古丽•买买提", sex="女", birth=DOB)
    match_all(con, config)
    assert staging.links() == [("death_certificates", src, led, "name_dob", 0.9,
                           "身份证号缺失，出生日期一致（1950-03-02），姓名一致")]


def test_two_people_with_same_name_and_birthday_go_to_review(con, config, staging, make_id):
    led_a = staging.ledger(make_id(BIRTH, "10", "女"), "李娜", birth=DOB)
    led_b = staging.ledger(make_id(BIRTH, "11", "女"), "李娜", birth=DOB)
    src = staging.add("death_certificates", None, "李娜", sex="女", birth=DOB)
    counts = match_all(con, config)
    assert staging.links() == []
    evidence = "身份证号缺失，出生日期一致（1950-03-02），姓名一致；同出生日期候选2人"
    assert staging.review() == [("death_certificates", src, led_a, "fuzzy_match", 0.45, evidence),
                           ("death_certificates", src, led_b, "fuzzy_match", 0.45, evidence)]
    assert counts["death_certificates"]["review"]["fuzzy_match"] == 1  # one record


def test_close_names_by_birth_date_go_to_review(con, config, staging, make_id):
    led = staging.ledger(make_id(BIRTH), "王小明", birth=DOB)
    src = staging.add("death_certificates", None, "王大明", birth=DOB)
    match_all(con, config)
    [(table, rid, ledger_rid, reason, score, evidence)] = staging.review()
    assert (table, rid, ledger_rid, reason) == ("death_certificates", src, led, "fuzzy_match")
    assert 0 < score < 0.9
    assert evidence.endswith("姓名一字之差（王大明/王小明）")


def test_differing_names_with_same_birthday_stay_unmatched(con, config, staging, make_id):
    staging.ledger(make_id(BIRTH), "张伟", birth=DOB)
    staging.add("death_certificates", None, "王强", birth=DOB)
    staging.add("death_certificates", None, "张亮", birth=DOB)  # one of two characters
    counts = match_all(con, config)
    assert staging.links() == [] and staging.review() == []
    assert counts["death_certificates"]["unmatched"] == 2


def test_sex_blocks_when_both_known(con, config, staging, make_id):
    staging.ledger(make_id(BIRTH, "00", "男"), "张华", birth=DOB)  # sex from digit 17
    staging.add("death_certificates", None, "张华", sex="女", birth=DOB)
    unknown = staging.add("death_certificates", None, "张华", birth=DOB)
    match_all(con, config)
    assert [(r[1], r[3]) for r in staging.links()] == [(unknown, "name_dob")]


def test_valid_id_not_in_ledger_is_not_matched_by_name(con, config, staging, make_id):
    staging.ledger(make_id(BIRTH, "00"), "张伟", birth=DOB)
    staging.add("death_certificates", make_id(BIRTH, "55"), "张伟", sex="男", birth=DOB)
    counts = match_all(con, config)
    assert staging.links() == [] and staging.review() == []
    assert counts["death_certificates"]["unmatched"] == 1
