"""Quarantine reason codes read in Chinese, columns included."""
from transforms.reasons import label


def test_every_form_of_reason_code_has_a_reading():
    assert label("corrupt_file") == "文件已损坏，无法读取"
    assert label("bad_date") == "日期无效"
    assert label("missing_name") == "缺少必填项：name"
    assert label("expect_column_values_to_be_in_set:enrol_status") == "取值不在允许范围内：enrol_status"
    assert label("something_new") is None
