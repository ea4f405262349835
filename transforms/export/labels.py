"""Chinese names of every output column, list, code and source (workbooks, report).

The CSVs keep the snake_case names and codes of CONTRACT §3; the people who
read the workbooks and the report see these. A code missing here is shown as
itself, so a new code never breaks an export.
"""
from __future__ import annotations

from transforms import reasons

COLUMN = {
    "case_id": "案件编号",
    "case_status": "本次状态",
    "id_number": "公民身份号码",
    "name": "姓名",
    "township": "乡镇（街道）",
    "village": "村（社区）",
    "reason": "原因",
    "evidence": "核查依据",
    "death_date": "死亡日期",
    "death_sources": "死亡信息来源",
    "match_method": "比对方式",
    "benefit_status": "待遇状态",
    "last_paid_month": "最后发放年月",
    "months_overpaid": "多发月数",
    "overpaid_amount": "多发金额（元）",
    "account_balance": "个人账户余额（元）",
    "date_conflict": "死亡日期是否冲突",
    "grant_amount": "丧葬补助金（元）",
    "age": "年龄",
    "last_paid_year": "最后缴费年度",
    "years_missed": "未缴费年数",
    "action": "处理方式",
    "enterprise_identity": "企业职工养老保险参保身份",
    "enterprise_start": "企业参保起始年月",
    "enterprise_end": "企业参保截止年月",
    "overlap_months": "重复参保月数",
    "refund_amount": "应退个人缴费（元）",
    "recover_amount": "应追回基础养老金（元）",
    "category": "人员类别",
    "year": "年度",
    "tier": "缴费档次（元）",
    "issue": "问题类型",
    "expected": "应为（元）",
    "recorded": "实际（元）",
    "source": "信息来源",
    "source_id_number": "来源记录身份证号码",
    "source_name": "来源记录姓名",
    "score": "相似度",
    # progress.csv
    "target": "参保任务数",
    "completed": "本年度已缴费人数",
    "completed_this_week": "本周新增缴费人数",
    "completion_rate": "任务完成率",
    "eligible": "应参保人数",
    "insured": "已参保人数",
    "participation_rate": "参保率",
    "gap_to_target": "距目标尚差人数",
    # quarantine.csv / manifest inputs
    "table": "数据表",
    "file": "文件",
    "row": "行号",
    "raw": "原始内容",
}

# Sheet names: at most 31 characters, none of []:*?/\ (Excel).
LIST_TITLE = {
    "deceased_accounts": "死亡未销户",
    "funeral_grants": "应发丧葬补助金",
    "lapsed_payers": "断缴人员",
    "enterprise_scheme": "城乡居民与企业职工重复参保",
    "special_groups": "代缴对象核查",
    "contribution_issues": "缴费记录异常",
    "unenrolled_residents": "未参保人员",
    "review_queue": "待人工确认",
}

LIST_HELP = {
    "deceased_accounts": "已有死亡记录但养老保险账户未终止的参保人，核实后办理注销并追回多发待遇",
    "funeral_grants": "领取待遇期间死亡、尚未发放丧葬补助金的人员",
    "lapsed_payers": "应缴费而本年度未缴费的参保人",
    "enterprise_scheme": "同时参加企业职工基本养老保险的人员（封存、清退、终止或疑似应参加企业养老保险）",
    "special_groups": "政府代缴对象的参保和代缴情况",
    "contribution_issues": "缴费档次、金额或补贴与政策不符的缴费记录",
    "unenrolled_residents": "户籍在本乡镇、应参保而未参加任何养老保险的居民",
    "review_queue": "身份信息不完全一致，需要人工确认是否为同一人",
}

REASON = {
    "deceased": "已死亡未销户",
    "funeral_grant_owed": "应发丧葬补助金",
    "lapsed": "断缴",
    "unpaid_this_year": "本年度未缴费",
    "seal": "企业养老保险在缴，应封存城乡居民养老保险关系",
    "refund_overlap": "重复缴费期间应清退个人缴费",
    "terminate_dual_pension": "重复领取，应终止城乡居民养老保险",
    "candidate": "疑似应参加企业职工养老保险",
    "not_enrolled": "代缴对象未参保",
    "not_paid_by_county": "代缴对象本年度未代缴",
    "county_paid_not_eligible": "非代缴对象享受政府代缴",
    "ledger_category_unsupported": "代缴类别无部门名单支持",
    "invalid_tier": "缴费档次不在政策档次内",
    "tier_100_not_eligible": "不符合100元档次条件",
    "amount_mismatch": "缴费金额与档次不符",
    "provincial_subsidy_mismatch": "省级补贴与标准不符",
    "county_subsidy_mismatch": "县级补贴与标准不符",
    "unenrolled": "未参保",
    "fuzzy_match": "姓名相近，待确认是否同一人",
    "id_name_mismatch": "身份证号码相同但姓名不同",
    "alive_signal_after_death": "死亡后仍有缴费或就医记录",
    "id_repaired": "身份证号码疑似录入错误，存在多个可能",
}

METHOD = {
    "id": "身份证号码一致",
    "id15": "15位身份证号码转换后一致",
    "id_repaired": "身份证号码纠正一位后一致",
    "name_dob": "姓名和出生日期一致",
    "manual": "乡镇人工确认为同一人",
}

# case_status (RULES §8) as the 本次状态 column shows it
STATUS = {
    "new": "新增",
    "persisting": "持续",
    "confirmed": "已核实",
    "reopened": "重新列入",
}

SOURCE = {
    "pension": "城乡居民养老保险",
    "public_security": "公安户籍",
    "civil_affairs": "民政",
    "health": "卫生健康",
    "medical_insurance": "医疗保障",
    "hr": "企业职工养老保险",
    "rural_revitalization": "乡村振兴",
    "reference": "参考数据",
}

TABLE = {
    "participants": "参保人员",
    "contributions": "缴费记录",
    "benefit_payments": "待遇发放记录",
    "funeral_grants": "丧葬补助金发放记录",
    "household_registry": "户籍人口",
    "cremations": "火化记录",
    "assistance": "社会救助对象",
    "death_certificates": "死亡医学证明",
    "family_planning": "计划生育家庭",
    "enrollment": "医疗保险参保",
    "enterprise_pension": "企业职工养老保险参保",
    "poverty_monitoring": "防返贫监测对象",
    "township_targets": "乡镇参保任务",
}

FILE_STATUS = {"ok": "已读入", "quarantined": "整文件隔离"}


# case_status (CONTRACT §3 本次状态): the one table above
CASE_STATUS = STATUS

# What the money columns put at stake, as the summaries and the report name it (元).
MONEY_AT_STAKE = {
    "overpaid_amount": "死亡后多发待遇（应追回）",
    "grant_amount": "应发未发丧葬补助金",
    "refund_amount": "重复参保应清退个人缴费",
    "recover_amount": "重复领取应追回基础养老金",
}

# Steps of the run (manifest timings), for the report.
STEP = {"ingest": "读入与清洗", "data_docs": "数据质量报告", "match": "身份比对",
        "rules": "规则核查", "export": "生成输出文件", "history": "记录案件历史",
        "manifest": "生成运行清单", "cases": "案件登记与核查结果", "publish": "发布输出",
        "total": "合计"}

# progress.xlsx (the notice's 进度表) and its channel sheet (CONTRACT §3).
PROGRESS_SHEET = "进度表"
CHANNEL_SHEET = "缴费渠道"
CHANNELS = ("农商银行", "农业银行", "微信", "支付宝", "税务终端", "税务大厅")
OTHER_CHANNEL = "其他"
COUNTY_TOTAL = "全县合计"

SUMMARY_SHEET = "汇总"
CHECK_RESULT = "核查结果"
CHECK_NOTE = "核查说明"
CHECK_CHOICES = ("属实", "不属实", "已处理")
YES, NO = "是", "否"
REVIEW_CHOICES = (YES, NO)  # the review sheet answers its question: same person / dead?


def check_choices(list_name: str) -> tuple[str, ...]:
    """The 核查结果 drop-down of a list's sheet (CONTRACT §3); the importer accepts these."""
    return REVIEW_CHOICES if list_name == "review_queue" else CHECK_CHOICES


def column(name: str) -> str:
    return COLUMN.get(name, name)


def code(value: str | None, table: dict[str, str]) -> str | None:
    """A code in Chinese; unknown codes as themselves."""
    if value is None:
        return None
    return table.get(value, value)


def sources(value: str | None) -> str | None:
    """``civil_affairs|health`` -> ``民政、卫生健康``."""
    if not value:
        return value
    return "、".join(SOURCE.get(part, part) for part in value.split("|"))


def with_code(value: str, table: dict[str, str]) -> str:
    """``文件已损坏，无法读取（corrupt_file）`` for the report; the code alone when unknown."""
    label = table.get(value)
    return f"{label}（{value}）" if label else value


def reason_with_code(value: str) -> str:
    """A quarantine reason for the report, through the one table in transforms.reasons."""
    label = reasons.label(value)
    return f"{label}（{value}）" if label else value

