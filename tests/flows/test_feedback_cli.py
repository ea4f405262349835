"""`recon feedback import`: the command's exit codes (CONTRACT §2)."""
from __future__ import annotations

import duckdb
from typer.testing import CliRunner

from flows.cli import app
from flows.lock import warehouse_lock


def test_a_busy_warehouse_exits_3_and_a_missing_one_2(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    book = tmp_path / "乌兰镇.xlsx"
    book.write_bytes(b"")
    runner = CliRunner()
    missing = runner.invoke(app, ["feedback", "import", str(book), "--warehouse", str(warehouse)])
    assert missing.exit_code == 2 and "warehouse not found" in missing.output
    duckdb.connect(str(warehouse)).close()
    with warehouse_lock(warehouse):
        busy = runner.invoke(app, ["feedback", "import", str(book), "--warehouse", str(warehouse)])
    assert busy.exit_code == 3 and "not imported" in busy.output
    empty = runner.invoke(app, ["feedback", "import", str(book), "--warehouse", str(warehouse)])
    assert empty.exit_code == 2 and "整个文件未导入" in empty.output
