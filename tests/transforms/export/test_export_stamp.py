"""The workbook stamp: a township workbook is trusted only through its HMAC token."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from transforms.export.stamp import StampError, stamp_rows, verify_stamp, warehouse_secret

DAY = dt.date(2026, 11, 28)


def test_a_stamp_verifies_and_names_its_township():
    con = duckdb.connect()
    secret = warehouse_secret(con)
    assert warehouse_secret(con) == secret  # made once, then kept
    values = dict(stamp_rows(secret, "乌兰镇", "620421103", DAY))
    assert verify_stamp(secret, values) == ("乌兰镇", "620421103", DAY)


@pytest.mark.parametrize("edit, code", [
    ({"township": "北湾镇"}, "forged_stamp"),
    ({"as_of": "2026-11-29"}, "forged_stamp"),
    ({"product": "other"}, "not_a_recon_workbook"),
    ({"format": "9"}, "unknown_format"),
    ({"as_of": "2026-02-30"}, "bad_stamp"),
])
def test_an_edited_stamp_is_rejected(edit, code):
    secret = bytes(32)
    values = {**dict(stamp_rows(secret, "乌兰镇", "620421103", DAY)), **edit}
    with pytest.raises(StampError) as err:
        verify_stamp(secret, values)
    assert err.value.code == code


def test_another_warehouse_secret_does_not_verify():
    values = dict(stamp_rows(bytes(32), "乌兰镇", "620421103", DAY))
    with pytest.raises(StampError):
        verify_stamp(b"\x01" * 32, values)


def test_no_stamp_is_no_workbook_of_ours():
    with pytest.raises(StampError) as err:
        verify_stamp(bytes(32), None)
    assert err.value.code == "not_a_recon_workbook"
