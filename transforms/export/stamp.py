"""The stamp that makes a township workbook ours (CONTRACT.md §4).

Every township workbook carries a very hidden sheet ``_recon`` of key/value rows:
product, format, township, township code, the as-of date of the run that wrote it
and a token, HMAC-SHA256 over those values with a secret kept in the warehouse
(table ``recon_secret``, made on first use). ``recon feedback import`` trusts the
township of a returned workbook only through this stamp — never its file name — so
a township cannot forge a workbook of another township, and a file that is no
workbook of this product is rejected whole. Excel, WPS and LibreOffice keep the
sheet and its values when they re-save a workbook.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import duckdb

STAMP_SHEET = "_recon"
PRODUCT = "pension-recon"
FORMAT = "1"
KEYS = ("product", "format", "township", "township_code", "as_of", "token")


class StampError(ValueError):
    """A workbook is not a township workbook of this warehouse; ``code`` says why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def warehouse_secret(con: duckdb.DuckDBPyConnection) -> bytes:
    """The warehouse's stamp key, created on first use."""
    con.execute("create table if not exists recon_secret (secret varchar not null)")
    rows = con.execute("select secret from recon_secret").fetchall()
    if not rows:
        value = secrets.token_hex(32)
        con.execute("insert into recon_secret values ($s)", {"s": value})
        return bytes.fromhex(value)
    return bytes.fromhex(rows[0][0])


def _token(secret: bytes, township: str, township_code: str, as_of: str) -> str:
    message = f"{PRODUCT}|{FORMAT}|{township}|{township_code}|{as_of}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def stamp_rows(secret: bytes, township: str, township_code: str,
               as_of: dt.date) -> list[tuple[str, str]]:
    """The (key, value) rows of the ``_recon`` sheet, in KEYS order."""
    day = as_of.isoformat()
    return [("product", PRODUCT), ("format", FORMAT), ("township", township),
            ("township_code", township_code), ("as_of", day),
            ("token", _token(secret, township, township_code, day))]


def verify_stamp(secret: bytes, values: dict[str, str] | None) -> tuple[str, str, dt.date]:
    """(township, township_code, as_of) of a stamp read back, or StampError."""
    if not values or values.get("product") != PRODUCT:
        raise StampError("not_a_recon_workbook", "不是本系统生成的乡镇核查表（缺少系统标记）")
    if values.get("format") != FORMAT:
        raise StampError("unknown_format", f"核查表格式版本 {values.get('format')!r} 无法识别")
    township, code, day = (str(values.get(k) or "") for k in ("township", "township_code", "as_of"))
    try:
        as_of = dt.date.fromisoformat(day)
    except ValueError:
        raise StampError("bad_stamp", "核查表系统标记中的日期无效") from None
    if not hmac.compare_digest(_token(secret, township, code, day), str(values.get("token") or "")):
        raise StampError("forged_stamp",
                         "核查表系统标记校验失败：文件不是本库生成的，或标记被修改")
    return township, code, as_of
