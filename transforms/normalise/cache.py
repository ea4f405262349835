"""Results of a normaliser for every value seen in one run, as Arrow columns.

The same people recur in every table of a run (and each person's ID once a month in
the payment tables): a value is normalised once per run, not once per table. A
value is looked up in a Python dict (its cost grows with the values looked up, not
with the cache, unlike ``pc.index_in``, which builds a hash set of the whole cache
on every call); the results stay Arrow columns, spread back with ``take``.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import pyarrow as pa


class ValueCache:
    """key -> one row of result columns (``types``), for every key seen so far."""

    def __init__(self, types: Sequence[pa.DataType]) -> None:
        self.types = list(types)
        self._index: dict[Hashable, int] = {}
        self._chunks: list[list[pa.Array]] = [[] for _ in self.types]
        self._columns: list[pa.Array] | None = None

    def __len__(self) -> int:
        return len(self._index)

    def columns(self) -> list[pa.Array]:
        """The cached results, one contiguous array per output, in insertion order."""
        if self._columns is None:
            self._columns = [pa.concat_arrays(c) if c else pa.array([], t)
                             for c, t in zip(self._chunks, self.types)]
            self._chunks = [[c] for c in self._columns]
        return self._columns

    def positions(self, keys: list, compute: Callable[[list], Sequence[pa.Array]]) -> pa.Array:
        """The cache position of every key of ``keys`` (distinct). Keys not seen yet
        go through ``compute`` (keys -> one array per output, in the keys' order)."""
        get = self._index.get
        found = list(map(get, keys))
        if None in found:
            new = [k for k, p in zip(keys, found) if p is None]
            results = compute(new)
            if len(results) != len(self.types) or any(len(r) != len(new) for r in results):
                raise ValueError("compute must give one value per key for every output")
            for chunks, result, type_ in zip(self._chunks, results, self.types):
                chunks.append(result if result.type == type_ else result.cast(type_))
            self._columns = None
            start = len(self._index)
            self._index.update(zip(new, range(start, start + len(new))))
            found = list(map(get, keys))
        return pa.array(found, pa.int64())

    def lookup(self, keys: list, compute: Callable[[list], Sequence[pa.Array]]
               ) -> list[pa.Array]:
        """The results of every key of ``keys`` (distinct), one array per output."""
        positions = self.positions(keys, compute)
        return [column.take(positions) for column in self.columns()]
