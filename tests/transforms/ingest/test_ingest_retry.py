"""Transient read failures are retried with backoff before a file is quarantined."""
import os
import time

import pytest

from transforms.ingest.retry import with_retry


def test_a_read_that_fails_twice_then_works_is_retried_with_doubling_waits(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("x")
    os.utime(path, (time.time() - 60, time.time() - 60))  # not being written
    failures, waits = [OSError(5, "EIO"), OSError(11, "EAGAIN")], []

    def read(p):
        if failures:
            raise failures.pop(0)
        return p.read_text()

    assert with_retry(read, path, path, attempts=4, backoff_seconds=0.5,
                      sleep=waits.append) == "x"
    assert waits == [0.5, 1.0]


def test_after_the_last_attempt_the_error_goes_to_the_caller(tmp_path):
    waits = []

    def read():
        raise OSError(5, "EIO")

    with pytest.raises(OSError):
        with_retry(read, tmp_path / "gone.csv", attempts=3, backoff_seconds=1,
                   sleep=waits.append)
    assert waits == [1, 2]


def test_a_corrupt_file_is_not_read_again(tmp_path):
    calls = []

    def read():
        calls.append(1)
        raise ValueError("not a zip")

    with pytest.raises(ValueError):
        with_retry(read, tmp_path / "x.xlsx", attempts=4, sleep=lambda s: None)
    assert calls == [1]


def test_a_file_still_being_copied_in_is_waited_for(tmp_path):
    path = tmp_path / "growing.csv"
    path.write_text("a")  # modified just now: settle checks it stops changing
    start = time.monotonic()
    assert with_retry(lambda: path.read_text(), path, settle_seconds=0.2) == "a"
    assert time.monotonic() - start >= 0.2


def _flaky_reads(monkeypatch, fail_times: int):
    """Path.read_bytes of the inbox CSV fails ``fail_times`` times (a share hiccup)."""
    from pathlib import Path

    from transforms.ingest import retry

    real, calls = Path.read_bytes, []

    def flaky(self):
        if self.suffix == ".csv" and len(calls) < fail_times:
            calls.append(self.name)
            raise OSError(5, "Input/output error")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", flaky)
    monkeypatch.setattr(retry.time, "sleep", lambda s: None)
    return calls


def test_ingest_retries_a_share_hiccup_and_reads_the_file(config, inbox, run, monkeypatch):
    import datetime as dt

    from tests.transforms.ingest.conftest import headers, make_id, participant, write_csv

    path = write_csv(inbox / "pension" / "participants.csv", headers(config, "participants"),
                     [participant(make_id(dt.date(1970, 5, 20)))])
    os.utime(path, (time.time() - 60, time.time() - 60))
    calls = _flaky_reads(monkeypatch, 2)
    r = run(inbox)
    assert calls == ["participants.csv"] * 2
    assert r.file("pension/participants.csv")["accepted"] == 1


def test_a_file_that_never_reads_is_quarantined_whole_and_the_run_goes_on(
        config, inbox, run, monkeypatch):
    import datetime as dt

    from tests.transforms.ingest.conftest import headers, make_id, participant, write_csv

    path = write_csv(inbox / "pension" / "participants.csv", headers(config, "participants"),
                     [participant(make_id(dt.date(1970, 5, 20)))])
    os.utime(path, (time.time() - 60, time.time() - 60))
    _flaky_reads(monkeypatch, 99)
    r = run(inbox)
    entry = r.file("pension/participants.csv")
    assert (entry["status"], entry["reason"]) == ("quarantined", "corrupt_file")
    [whole] = r.quarantine("pension/participants.csv")
    assert "read failed" in whole["raw"]["detail"]
