"""``recon feedback import``: record the townships' answers (CONTRACT §4, RULES §8).

For each file: limits and stamp first (a file that is no workbook of this warehouse,
too big, a zip bomb or unreadable is rejected whole); then each answered row is a
decision or a rejection with its file, sheet, row and reason:

- ``unknown_case`` — the 案件编号 is none of this warehouse's (or its check digit fails);
- ``other_township`` — the case went to another township's workbook on that date (a
  township decides only its own cases; the workbook's township is the stamp's);
- ``not_on_workbook`` — the case was on no workbook of that date;
- ``wrong_sheet`` — the case belongs to another list than the sheet it was found on;
- ``bad_answer`` — the answer is not one of the sheet's values.

A decision records case_id, answer, 核查说明 (text, never evaluated), the stamp's
township, file name, sha256, sheet, row, decision date (the stamp's as-of), import time
and OS user. Rows already recorded from a file with the same sha256 are not recorded
again (importing the same file twice changes nothing). All decisions of one file
commit together.
"""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from transforms.cases.case_id import normalise_case_id
from transforms.cases.registry import ensure_registry
from transforms.export import labels
from transforms.export.stamp import StampError, verify_stamp, warehouse_secret
from transforms.feedback.reader import AnswerRow, FileRejected, read_workbook

log = logging.getLogger(__name__)

REASONS = {
    "unknown_case": "案件编号不存在",
    "other_township": "不是本乡镇的案件",
    "not_on_workbook": "该案件不在本核查表中",
    "wrong_sheet": "案件编号与所在工作表的清单不符",
    "bad_answer": "核查结果不是本表的选项",
}
_SHEET_LIST = {title: name for name, title in labels.LIST_TITLE.items()}


@dataclass
class FileResult:
    file: str
    sha256: str | None = None
    township: str | None = None
    as_of: dt.date | None = None
    rejected_whole: tuple[str, str] | None = None  # (code, message)
    decided: list[dict] = field(default_factory=list)
    already: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)

    def as_audit(self) -> dict:
        return {"file": self.file, "sha256": self.sha256, "township": self.township,
                "as_of": self.as_of, "rejected_whole": self.rejected_whole,
                "decided": len(self.decided), "already_imported": len(self.already),
                "rejected": len(self.rejected)}


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def sha256_file(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def import_file(con: duckdb.DuckDBPyConnection, path: Path, *, max_file_bytes: int,
                max_unzipped_bytes: int, now: dt.datetime | None = None,
                user: str | None = None) -> FileResult:
    """Import one returned workbook into ``case_decisions``; what happened to each row."""
    path = Path(path)
    result = FileResult(file=str(path))
    try:
        result.sha256 = sha256_file(path)
        book = read_workbook(path, max_file_bytes, max_unzipped_bytes)
        ensure_registry(con)
        township, _code, as_of = verify_stamp(warehouse_secret(con), book.stamp)
    except (FileRejected, StampError) as exc:
        result.rejected_whole = (exc.code, str(exc))
        return result
    except OSError as exc:
        result.rejected_whole = ("unreadable", f"文件无法读取（{exc.strerror or exc}）")
        return result
    result.township, result.as_of = township, as_of
    now = now or dt.datetime.now().replace(microsecond=0)
    user = user or os_user()
    con.execute("begin")
    try:
        for row in book.rows:
            _one_row(con, result, path, row, now, user)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    log.info("feedback %s: %d decided, %d already imported, %d rejected", path.name,
             len(result.decided), len(result.already), len(result.rejected))
    return result


def _one_row(con, result: FileResult, path: Path, row: AnswerRow, now, user) -> None:
    where = {"sheet": row.sheet, "row": row.row, "case_id": row.case_id, "answer": row.answer}
    case_id = normalise_case_id(row.case_id)
    case = None
    if case_id:
        case = con.execute("select list from cases where case_id = $c",
                           {"c": case_id}).fetchone()
    if case is None:
        result.rejected.append({**where, "reason": "unknown_case"})
        return
    (list_name,) = case
    listing = con.execute(
        "select township from case_listings where case_id = $c and as_of = $d and listed",
        {"c": case_id, "d": result.as_of}).fetchone()
    if listing is None or listing[0] != result.township:
        other = con.execute("select count(*) from case_listings where case_id = $c "
                            "and township <> $t", {"c": case_id, "t": result.township}
                            ).fetchone()[0]
        reason = "other_township" if (listing is not None or other) else "not_on_workbook"
        result.rejected.append({**where, "case_id": case_id, "reason": reason})
        return
    sheet_list = _SHEET_LIST.get(row.sheet)
    if sheet_list is not None and sheet_list != list_name:
        result.rejected.append({**where, "case_id": case_id, "reason": "wrong_sheet"})
        return
    if row.answer not in labels.check_choices(list_name):
        result.rejected.append({**where, "case_id": case_id, "reason": "bad_answer"})
        return
    decision = {**where, "case_id": case_id, "list": list_name}
    seen = con.execute(
        "select count(*) from case_decisions where case_id = $c and file_sha256 = $h "
        "and sheet = $s and \"row\" = $r",
        {"c": case_id, "h": result.sha256, "s": row.sheet, "r": row.row}).fetchone()[0]
    if seen:
        result.already.append(decision)
        return
    con.execute("""insert into case_decisions
        select coalesce(max(decision_id), 0) + 1, $case_id, $list, $answer, $note, $township,
               $file_name, $sha, $sheet, $row, $as_of, $now, $user
        from case_decisions""",
                {"case_id": case_id, "list": list_name, "answer": row.answer, "note": row.note,
                 "township": result.township, "file_name": path.name, "sha": result.sha256,
                 "sheet": row.sheet, "row": row.row, "as_of": result.as_of, "now": now,
                 "user": user})
    result.decided.append({**decision, "note": row.note})


def summary_lines(results: list[FileResult]) -> list[str]:
    """What the command prints: per township, decided and rejected with the reasons."""
    lines = []
    for r in results:
        name = Path(r.file).name
        if r.rejected_whole:
            lines.append(f"{name}：整个文件未导入——{r.rejected_whole[1]}")
            continue
        lines.append(f"{r.township}（核查表日期{r.as_of.isoformat()}，文件{name}）："
                     f"导入{len(r.decided)}条，此前已导入{len(r.already)}条，"
                     f"拒绝{len(r.rejected)}条")
        counts: dict[str, int] = {}
        for d in r.decided:
            counts[d["answer"]] = counts.get(d["answer"], 0) + 1
        if counts:
            lines.append("  核查结果：" + "，".join(f"{k}{v}条" for k, v in sorted(counts.items())))
        for rej in r.rejected:
            lines.append(f"  拒绝：工作表“{rej['sheet']}”第{rej['row']}行，案件编号"
                         f"{rej['case_id'] or '（空）'}，核查结果“{rej['answer']}”："
                         f"{REASONS[rej['reason']]}")
    return lines
