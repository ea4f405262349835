"""CSV in every contract encoding, quoting, field counts and whole-file failures."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.transforms.ingest.conftest import headers, make_id, participant, write_csv

ID1 = make_id(dt.date(1970, 5, 20), 1)
ID2 = make_id(dt.date(1965, 1, 2), 2)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_contract_encoding(config, inbox, run, encoding):
    write_csv(inbox / "pension" / "participants.csv", headers(config, "participants"),
              [participant(ID1, "张三"), participant(ID2, "李四", **{"乡镇（街道）": "平堡乡"})],
              encoding=encoding)
    r = run(inbox)
    rows = r.stg("participants")
    assert [(x["id_number"], x["name"], x["township"]) for x in rows] == [
        (ID1, "张三", "乌兰镇"), (ID2, "李四", "平堡镇")]
    assert rows[0]["account_balance"] == Decimal("1234.50")
    assert r.file("pension/participants.csv")["read"] == 2


def test_gb18030_characters_outside_gbk(config, inbox, run):
    rare = "䶮"  # CJK extension A: in GB18030, not in GBK
    with pytest.raises(UnicodeEncodeError):
        rare.encode("gbk")
    write_csv(inbox / "pension" / "participants.csv", headers(config, "participants"),
              [participant(ID1, "刘" + rare)], encoding="gb18030")
    assert run(inbox).stg("participants")[0]["name"] == "刘" + rare


def test_undecodable_csv_is_quarantined_whole(config, inbox, run):
    path = inbox / "pension" / "participants.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(",".join(headers(config, "participants")).encode("utf-8") + b"\n\xff\xfe\xff,1\n")
    r = run(inbox)
    entry = r.file("pension/participants.csv")
    assert (entry["status"], entry["reason"], entry["read"]) == ("quarantined", "bad_encoding", 0)
    [q] = r.quarantine()
    assert (q["reason"], q["row"]) == ("bad_encoding", None)
    assert r.rows("select present from table_status where \"table\" = 'participants'") == [
        {"present": False}]


def test_quoted_fields_with_commas_and_newlines(config, inbox, run):
    write_csv(inbox / "pension" / "participants.csv", headers(config, "participants"),
              [participant(ID1, **{"村（社区）": "东街村,一组\n二组", "个人账户余额": "12,345.00"})])
    [row] = run(inbox).stg("participants")
    assert row["village"] == "东街村,一组\n二组"
    assert row["account_balance"] == Decimal("12345.00")


def test_a_row_with_the_wrong_field_count_is_quarantined_and_the_run_goes_on(config, inbox, run):
    path = write_csv(inbox / "pension" / "participants.csv", headers(config, "participants"),
                     [participant(ID1), participant(ID2)[:5], participant(ID2) + ["extra"]])
    r = run(inbox)
    assert [x["id_number"] for x in r.stg("participants")] == [ID1]
    short, long_ = r.quarantine("pension/participants.csv")
    assert (short["row"], short["reason"]) == (2, "field_count_mismatch")
    assert short["raw"] == {"个人编号": "P1", "公民身份号码": ID2, "姓名": "张三", "性别": "男",
                            "出生日期": "1970-05-20"}
    assert (long_["row"], long_["reason"]) == (3, "field_count_mismatch")
    assert long_["raw"]["列15"] == "extra"
    entry = r.file("pension/participants.csv")
    assert (entry["read"], entry["accepted"], entry["quarantined"]) == (3, 1, 2)
    assert path.exists()


def test_blank_records_are_no_data_rows_but_keep_row_numbers(config, inbox, run):
    # data row 2 is an empty line, row 3 a record of empty fields
    write_csv(inbox / "pension" / "participants.csv", headers(config, "participants"),
              [participant(ID1), [], [""] * 14, participant(ID2, "王五")])
    r = run(inbox)
    assert [(x["_row"], x["name"]) for x in r.stg("participants")] == [(1, "张三"), (4, "王五")]
    assert r.file("pension/participants.csv")["read"] == 2


def test_a_csv_without_the_required_headers_has_no_header(config, inbox, run):
    write_csv(inbox / "pension" / "participants.csv", ["编号", "备注"], [["1", "x"]])
    entry = run(inbox).file("pension/participants.csv")
    assert (entry["status"], entry["reason"]) == ("quarantined", "no_header")


def test_an_empty_file_has_no_header(inbox, run):
    (inbox / "pension").mkdir(parents=True)
    (inbox / "pension" / "contributions.csv").write_bytes(b"")
    assert run(inbox).file("pension/contributions.csv")["reason"] == "no_header"


def test_a_csv_with_a_title_line_above_the_header(config, inbox, run):
    write_csv(inbox / "pension" / "participants.csv", ["靖远县城乡居民养老保险参保人员名单"],
              [headers(config, "participants"), participant(ID1)])
    r = run(inbox)
    assert [(x["_row"], x["id_number"]) for x in r.stg("participants")] == [(1, ID1)]
    assert r.quarantine() == []


def test_a_tab_separated_export_saved_as_csv_is_read_by_columns(config, inbox, run):
    from transforms.ingest.readers import csv_delimiter

    path = inbox / "pension" / "participants.csv"
    path.parent.mkdir(parents=True)
    lines = [headers(config, "participants"), participant(ID1, "张三")]
    path.write_text("\n".join("\t".join(line) for line in lines) + "\n", encoding="utf-8")
    r = run(inbox)
    assert [(x["id_number"], x["name"]) for x in r.stg("participants")] == [(ID1, "张三")]
    assert r.file("pension/participants.csv")["accepted"] == 1

    assert csv_delimiter("公民身份号码\t姓名\t性别\n620421197005204004\t张三\t男\n") == "\t"
    # an ID typed with a tab inside a comma-separated file stays comma-separated
    assert csv_delimiter("公民身份号码,姓名,性别\n620421\t197005204004,张三,男\n") == ","


@pytest.fixture(autouse=True, params=["python", "duckdb"])
def csv_reader(request, monkeypatch):
    """Every case of this module through both CSV paths: DuckDB's reader (with its
    fallback to the Python reader) must give what the Python reader gives."""
    from transforms.ingest import csv_fast

    if request.param == "duckdb":
        monkeypatch.setattr(csv_fast, "FAST_MIN_BYTES", 0)
    return request.param


@pytest.mark.parametrize("quoted_newline", [False, True])
def test_duckdb_reader_quarantines_field_counts_as_the_python_reader(config, tmp_path,
                                                                     quoted_newline):
    """Rows with another field count come out of DuckDB's rejects with the row numbers the
    Python reader gives; a record over two lines sends the file to the Python reader."""
    from transforms.ingest.csv_fast import NotFast, read_csv_fast
    from transforms.ingest.frame import from_grid
    from transforms.ingest.readers import read_csv_grid

    village = "一组\n二组" if quoted_newline else "一组"
    rows = [participant(ID1, **{"村（社区）": village}), participant(ID2)[:5],
            participant(ID2) + ["备注"], participant(ID2)]
    path = write_csv(tmp_path / "participants.csv", headers(config, "participants"), rows)
    table = config.sources.tables["participants"]
    expected = from_grid(read_csv_grid(path)[0], table, typed=False, check_width=True)
    if quoted_newline:
        with pytest.raises(NotFast):
            read_csv_fast(path, table)
        return
    got = read_csv_fast(path, table)
    assert got.row_numbers.to_pylist() == expected.row_numbers.to_pylist() == [1, 4]
    assert got.mismatched == expected.mismatched
    assert [n for n, _ in got.mismatched] == [2, 3]
    assert got.columns.equals(expected.columns) and got.read == expected.read == 4


# The fast path's byte checks are exact twins of the plain ones they replace.
_LINE_BYTES = st.lists(st.sampled_from([b"\n", b"\r", b" ", b"\t", b"a", b",", b"\r\n"]),
                       max_size=40).map(b"".join)


@given(_LINE_BYTES)
@settings(max_examples=300, deadline=None)
def test_blank_line_check_is_the_regex(data):
    from transforms.ingest.csv_fast import _BLANK_LINE, _has_blank_line

    assert _has_blank_line(data) == bool(_BLANK_LINE.search(data))


@given(st.binary(max_size=64) | st.text(max_size=32).map(lambda t: t.encode("utf-8", "surrogatepass")))
@settings(max_examples=300, deadline=None)
def test_utf8_check_is_a_strict_decode(data):
    from transforms.ingest.csv_fast import _is_utf8

    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    assert _is_utf8(data) == valid
