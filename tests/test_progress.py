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
