"""Exact duplicates (CONTRACT §1): dropped and counted; money tables keep in-file repeats."""
from __future__ import annotations

import datetime as dt

from tests.transforms.ingest.conftest import headers, make_id, participant, write_csv

ID1 = make_id(dt.date(1970, 5, 20), 1)
ID2 = make_id(dt.date(1965, 1, 2), 2)
ID3 = make_id(dt.date(1980, 8, 9), 3)
CONTRIB = ["公民身份号码", "姓名", "缴费年度", "缴费档次", "个人缴费", "缴费日期"]


def _counts(r, file):
    f = r.file(file)
    assert f["read"] == f["accepted"] + f["quarantined"] + f["duplicates"]
    return f["read"], f["accepted"], f["quarantined"], f["duplicates"]


def test_duplicates_within_and_across_files(config, inbox, run):
    head = headers(config, "participants")
    write_csv(inbox / "pension" / "participants_a.csv", head,
              [participant(ID1), participant(ID1), participant(ID2, "李四")])
    # The same person written differently: equal once normalised.
    write_csv(inbox / "pension" / "participants_b.csv", head, [
        participant(" " + ID1, "張三", **{"乡镇（街道）": "乌兰镇", "个人账户余额": "1234.5"}),
        participant(ID3, "王五"), participant("", "赵六")])
    r = run(inbox)
    assert [(x["_file"], x["_row"], x["name"]) for x in r.stg("participants")] == [
        ("pension/participants_a.csv", 1, "张三"), ("pension/participants_a.csv", 3, "李四"),
        ("pension/participants_b.csv", 2, "王五")]
    assert _counts(r, "pension/participants_a.csv") == (3, 2, 0, 1)
    assert _counts(r, "pension/participants_b.csv") == (3, 1, 1, 1)


def test_rows_differing_in_one_value_are_not_duplicates(config, inbox, run):
    write_csv(inbox / "pension" / "participants.csv", headers(config, "participants"),
              [participant(ID1), participant(ID1, 个人编号="P2")])
    assert len(run(inbox).stg("participants")) == 2


def test_money_tables_keep_a_repeat_within_one_file(inbox, run):
    paid = [ID1, "张三", "2026", "300", "300", "2026-03-01"]
    other = [ID2, "李四", "2026", "500", "500", "2026-03-02"]
    write_csv(inbox / "pension" / "contributions_202603.csv", CONTRIB, [paid, paid, other])
    # The next extract repeats March: its copies are dropped, in-file repeats included.
    new = [ID3, "王五", "2026", "300", "300", "2026-04-01"]
    write_csv(inbox / "pension" / "contributions_202604.csv", CONTRIB, [paid, paid, other, new])
    r = run(inbox)
    rows = r.stg("contributions")
    assert [(x["_file"][-10:], x["_row"]) for x in rows] == [
        ("202603.csv", 1), ("202603.csv", 2), ("202603.csv", 3), ("202604.csv", 4)]
    assert _counts(r, "pension/contributions_202603.csv") == (3, 3, 0, 0)
    assert _counts(r, "pension/contributions_202604.csv") == (4, 1, 0, 3)


def test_a_double_payment_survives_a_copy_in_an_earlier_file(inbox, run):
    # CONTRACT §1: b repeats the row within one file (a double payment): kept; a's
    # copy of it is a copy across files: dropped. Two payments stand, whatever the
    # file names' order.
    row = [ID1, "张三", "2026", "300", "300", "2026-03-01"]
    write_csv(inbox / "pension" / "contributions_a.csv", CONTRIB, [row])
    write_csv(inbox / "pension" / "contributions_b.csv", CONTRIB, [row, row])
    r = run(inbox)
    assert _counts(r, "pension/contributions_a.csv") == (1, 0, 0, 1)
    assert _counts(r, "pension/contributions_b.csv") == (2, 2, 0, 0)


def test_accounting_adds_up_for_every_file(config, inbox, run):
    head = headers(config, "participants")
    write_csv(inbox / "pension" / "participants.csv", head, [
        participant(ID1), participant(ID1), participant("", "李四"), participant(ID2)[:3],
        participant(ID3, 待遇状态="不详")])       # fails the contract (GX)
    write_csv(inbox / "pension" / "contributions.csv", CONTRIB,
              [[ID1, "张三", "2026", "300", "300", "2026-02-30"]])
    (inbox / "pension" / "funeral_grants.xlsx").write_bytes(b"broken")
    r = run(inbox)
    assert _counts(r, "pension/participants.csv") == (5, 1, 3, 1)
    assert _counts(r, "pension/contributions.csv") == (1, 0, 1, 0)
    assert _counts(r, "pension/funeral_grants.xlsx") == (0, 0, 0, 0)
    for f in r.result.files:
        assert f.read == f.accepted + f.quarantined + f.duplicates
    per_file = r.rows('select file, count(*) as n from quarantine where "row" is not null '
                      "group by file order by file")
    assert per_file == [{"file": "pension/contributions.csv", "n": 1},
                        {"file": "pension/participants.csv", "n": 3}]
