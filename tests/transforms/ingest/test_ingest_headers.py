"""Header cells map to configured columns through the header, its aliases, and their
bare forms (required-field marks and bracketed notes removed)."""
from __future__ import annotations

from transforms.ingest.headers import bare_header, header_lookup, map_headers, normalise_header


def test_bare_header_drops_marks_and_notes():
    assert bare_header(normalise_header("*公民身份号码")) == "公民身份号码"
    assert bare_header(normalise_header("个人缴费（元）")) == "个人缴费"
    assert bare_header(normalise_header("姓名★")) == "姓名"


def test_marked_and_annotated_headers_map_to_their_columns(config):
    lookup = header_lookup(config.sources.tables["contributions"])
    mapping, unmapped = map_headers(
        ["*公民身份号码", "姓名★", "缴费年度", "缴费档次（元）", "个人缴费(元)", "备注(选填)"], lookup)
    assert mapping == {"id_number": 0, "name": 1, "year": 2, "tier": 3, "personal_amount": 4}
    assert unmapped == ["备注(选填)"]


def test_an_exact_alias_with_brackets_wins_over_a_bare_form(config):
    lookup = header_lookup(config.sources.tables["participants"])
    mapping, unmapped = map_headers(["公民身份号码", "乡镇(街道)", "村（社区）", "乡镇"], lookup)
    assert mapping == {"id_number": 0, "township": 1, "village": 2}
    assert unmapped == ["乡镇"]  # a second township column is not read twice
