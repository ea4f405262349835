"""The progress channel: silent unless a caller listens."""
from transforms import progress


def test_nobody_listening_means_nothing_happens(capsys):
    progress.report("ingest", "file", "a.csv", rows=3)
    assert capsys.readouterr() == ("", "")


def test_a_listener_gets_named_events_until_it_stops_listening():
    seen = []
    with progress.listening(seen.append):
        progress.report("ingest", "file", "pension/a.csv", rows=3)
        progress.report("export", "workbook", "乌兰镇.xlsx", rows=15)
    progress.report("ingest", "file", "b.csv", rows=1)
    assert [(e.point, e.name, e.rows) for e in seen] == [
        ("ingest.file", "pension/a.csv", 3), ("export.workbook", "乌兰镇.xlsx", 15)]


def test_a_failing_listener_never_stops_the_step(caplog, monkeypatch):
    import logging

    # an earlier test's logging set-up (Prefect's dictConfig) may have disabled the logger
    monkeypatch.setattr(logging.getLogger("transforms.progress"), "disabled", False)
    caplog.set_level(logging.WARNING, logger="transforms.progress")

    def broken(event):
        raise TypeError("display bug")

    with progress.listening(broken):
        progress.report("lock", "stale", "run of pid 1")  # returns normally
    assert "lock.stale" in caplog.text


def test_the_run_view_renders_every_event_kind_without_a_terminal():
    from rich.console import Console

    from flows.console import RunView

    console = Console(record=True, width=200, force_terminal=False)
    view = RunView(console, live=False)
    for event in (progress.Event("lock", "waiting", "run of pid 7", total=60),
                  progress.Event("lock", "stale", "run of pid 8"),
                  progress.Event("ingest", "start"), progress.Event("ingest", "found", total=2),
                  progress.Event("ingest", "file", "pension/a.csv", rows=1200),
                  progress.Event("ingest", "table", "participants", rows=1199),
                  progress.Event("rules", "list", "deceased_accounts", rows=3),
                  progress.Event("export", "workbook", "乌兰镇.xlsx", rows=15),
                  progress.Event("ingest", "done")):
        view(event)
    text = console.export_text()
    for expected in ("等待中（最多 60 秒）：run of pid 7", "接管其遗留的锁：run of pid 8",
                     "pension/a.csv  1,200 行", "乌兰镇.xlsx  15 行", "✓ 读入与清洗 完成"):
        assert expected in text, expected
