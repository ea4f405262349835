"""Dates, months, money, years and townships as the contract writes them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.normalise.values import (
    BadValue,
    normalise_township,
    parse_date,
    parse_int,
    parse_money,
    parse_month,
    parse_year,
)

SEP20 = dt.date(2022, 9, 20)


@pytest.mark.parametrize("raw", ["2022-09-20", "2022/9/20", "20220920", "2022年9月20日",
                                 "2022-9-20", "2022-09-20 00:00:00", " 2022-09-20 ",
                                 "２０２２－０９－２０"])
def test_every_contract_date_form(raw):
    assert parse_date(raw) == SEP20


def test_excel_serial_only_where_allowed():
    assert parse_date("44824", serial_ok=True) == SEP20     # 1899-12-30 + 44824 days
    with pytest.raises(BadValue):
        parse_date("44824")


@pytest.mark.parametrize("raw", ["2022-02-30", "2022-13-01", "20220230", "2022年2月30日",
                                 "20/09/2022", "yesterday", "2022-9"])
def test_a_date_that_is_no_date_is_never_guessed(raw):
    with pytest.raises(BadValue):
        parse_date(raw)


@pytest.mark.parametrize("raw", ["", None, "  ", "NULL", "nan"])
def test_empty_dates_are_none(raw):
    assert parse_date(raw) is None and parse_month(raw) is None


@pytest.mark.parametrize("raw", ["2022-09", "202209", "2022年9月", "2022/9", "2022-09-20"])
def test_every_contract_month_form(raw):
    assert parse_month(raw) == dt.date(2022, 9, 1)


@pytest.mark.parametrize("raw", ["2022-13", "202213", "2022年0月"])
def test_no_such_month(raw):
    with pytest.raises(BadValue):
        parse_month(raw)


@pytest.mark.parametrize("raw, expect", [
    ("1,234.50", "1234.50"), ("1234.5", "1234.50"), ("300", "300.00"), ("12,345,678.9", "12345678.90"),
    ("￥300.00", "300.00"), ("300元", "300.00"), ("300.0000001", "300.00"), ("", None),
])
def test_money(raw, expect):
    assert parse_money(raw) == (None if expect is None else Decimal(expect))


@pytest.mark.parametrize("raw", ["1,234.567", "12,34", "三百", "1.2.3"])
def test_bad_money(raw):
    with pytest.raises(BadValue):
        parse_money(raw)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_money_with_thousands_separators_property(yuan, fen):
    text = f"{yuan:,}.{fen:02d}"
    assert parse_money(text) == Decimal(yuan) + Decimal(fen) / 100


def test_years_and_whole_numbers():
    assert parse_year("2022") == 2022 and parse_year("2022年") == 2022
    assert parse_year("2022年度") == 2022
    assert parse_year("2022.0") == 2022
    assert parse_int("1,200") == 1200
    for bad in ("22", "二〇二二"):
        with pytest.raises(BadValue):
            parse_year(bad)
    with pytest.raises(BadValue):
        parse_int("12.5")


@pytest.mark.parametrize("raw, expect", [
    ("城关镇", "乌兰镇"), ("平堡乡", "平堡镇"), ("北湾镇", "北湾镇"), (" 北湾镇 ", "北湾镇"),
    ("靖远县乌兰镇", "乌兰镇"), ("乌兰镇人民政府", "乌兰镇"), ("靖远县城关镇", "乌兰镇"),
    ("火星乡", "未知乡镇"), ("", "未知乡镇"), (None, "未知乡镇"),
])
def test_townships_through_aliases(config, raw, expect):
    county = config.county
    assert normalise_township(raw, county.township_names, county.aliases,
                              county.unknown_township) == expect


def test_every_configured_township_maps_to_itself(config):
    county = config.county
    for name in county.township_names:
        assert normalise_township(name, county.township_names, county.aliases) == name


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_date_form_reads_back_the_same_date(day):
    forms = [day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day:%Y%m%d}",
             f"{day.year}年{day.month}月{day.day}日", f"{day.year}-{day.month}-{day.day}"]
    assert {parse_date(f) for f in forms} == {day}
    serial = (day - dt.date(1899, 12, 30)).days
    if serial >= 10_000:   # the serials ingest reads as dates (1927 on)
        assert parse_date(str(serial), serial_ok=True) == day
        assert parse_date(f"{serial}.0", serial_ok=True) == day
    first = day.replace(day=1)
    months = [f"{day:%Y-%m}", f"{day:%Y%m}", f"{day.year}年{day.month}月", day.isoformat()]
    assert {parse_month(m) for m in months} == {first}
