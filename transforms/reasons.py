"""Quarantine reason codes in Chinese: the one table ingest writes into a whole-file
quarantine row and the report shows beside each code."""
from __future__ import annotations

# Files quarantined whole (transforms/ingest/discover.py, readers.py, headers).
WHOLE_FILE = {
    "unsupported_format": "不支持的文件格式（只接收 csv、xlsx、xls、parquet）",
    "unknown_source": "文件不在已配置的来源目录中",
    "unknown_table": "文件名不对应任何已配置的表",
    "wrong_source": "该表不属于此来源目录",
    "bad_encoding": "文件编码无法识别（只接收 UTF-8、GBK、GB18030）",
    "corrupt_file": "文件已损坏，无法读取",
    "no_header": "未找到表头（缺少必需的列）",
}

# Rows quarantined by ingest (transforms/ingest/columns.py, frame.py).
ROW = {
    "field_count_mismatch": "字段数与表头不一致",
    "invalid_id": "身份证号码无效",
    "missing_id": "缺少身份证号码",
    "no_id_no_birth_date": "无有效身份证号码且无出生日期",
    "missing_death_date": "死亡记录缺少死亡日期",
    "bad_date": "日期无效",
    "bad_month": "年月无效",
    "bad_money": "金额无效",
    "bad_year": "年度无效",
    "bad_number": "数值无效",
}

# Rows failing a data-contract expectation, quarantined as ``<expectation>:<columns>``.
EXPECTATION_FAILED = {
    "expect_column_values_to_be_in_set": "取值不在允许范围内",
    "expect_column_values_to_not_be_in_set": "取值属于排除范围",
    "expect_column_values_to_match_regex": "格式不正确",
    "expect_column_values_to_be_between": "数值或日期超出合理区间",
    "expect_column_pair_values_a_to_be_greater_than_b": "日期先后顺序不合理",
    "expect_column_values_to_not_be_null": "必填项为空",
}


def label(code: str) -> str | None:
    """The Chinese reading of a reason code, with its column where the code names one
    (``missing_name``, ``expect_column_values_to_be_in_set:enrol_status``); None if unknown."""
    if code in WHOLE_FILE or code in ROW:
        return WHOLE_FILE.get(code) or ROW[code]
    expectation, _, columns = code.partition(":")
    if expectation in EXPECTATION_FAILED:
        return EXPECTATION_FAILED[expectation] + (f"：{columns}" if columns else "")
    if code.startswith("missing_"):
        return f"缺少必填项：{code.removeprefix('missing_')}"
    return None
