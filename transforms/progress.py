"""The progress channel: library code reports what it is doing, the caller
chooses how (or whether) to show it (dlt's habit: library code stays silent).

A step calls ``report(step, what, name=..., rows=..., done=..., total=...)``
at points worth showing (a file read, a table staged, a workbook written).
Nothing is shown unless a caller listens::

    with progress.listening(callback):   # callback(Event) -> None
        ingest(con, inbox, config, as_of)

The CLI renders events as rich progress bars or plain lines; the flows use
the same events as named checkpoints for the kill-safety tests
(``flows/faults.py``). A listener must be quick and must not raise.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    step: str             # ingest, match, rules, export, commit, publish, lock, run
    what: str             # file, table, list, workbook, start, done, ...
    name: str | None = None
    rows: int | None = None
    done: int | None = None
    total: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def point(self) -> str:
        """The checkpoint name, ``<step>.<what>``."""
        return f"{self.step}.{self.what}"


Listener = Callable[[Event], None]
log = logging.getLogger(__name__)
_listeners: list[Listener] = []


def report(step: str, what: str, name: str | None = None, *, rows: int | None = None,
           done: int | None = None, total: float | None = None, **extra) -> None:
    """Tell whoever listens; a no-op when nobody does."""
    if not _listeners:
        return
    event = Event(step, what, name, rows, done, total, extra)
    for listener in _listeners:
        try:
            listener(event)
        except Exception:  # a display bug must never stop a run
            log.warning("progress listener failed on %s", event.point, exc_info=True)


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
