"""Results of a normaliser for every value seen in one run, as Arrow columns.

The same people recur in every table of a run (and each person's ID once a month in
the payment tables): a value is normalised once per run, not once per table.

A lookup must cost per value looked up, not per value cached: ``pc.index_in``
builds a hash set of the whole cache on every call, and a Python dict costs
~0.6-0.9 us a key (a ``str`` made for every value, then hashed). Here a key's
64-bit hash is computed by DuckDB (``hash(v, n)``, set-wise) and looked up in a
pandas index of the cached hashes, which keeps its hash table between calls. A hit
is then compared with the cached key itself, so a hash collision can never give
another key's result: a key whose hash is already taken by another key is kept in a
small dict instead.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_HASH_SQL = "select hash(v, n) as h from keys"


def key_hashes(keys: pa.Array, flags: pa.Array) -> np.ndarray:
    """DuckDB's 64-bit hash of every (key, flag), in order."""
    from transforms.normalise.sql import run

    table = run(_HASH_SQL, keys=pa.table({"v": keys, "n": flags}))
    return table.column("h").to_numpy().astype(np.uint64, copy=False)


class _HashIndex:
    """hash -> cache position, for distinct hashes: a large index rebuilt rarely and a
    small one for the recent additions (merged into the large one when it grows)."""

    def __init__(self) -> None:
        import pandas as pd

        self._pd = pd
        self._parts = [(pd.Index(np.array([], np.uint64)), np.array([], np.int64))] * 2

    def find(self, hashes: np.ndarray) -> np.ndarray:
        """The position of each hash, -1 where absent."""
        out = np.full(len(hashes), -1, np.int64)
        for index, positions in self._parts:
            if len(index):
                at = index.get_indexer(hashes)
                hit = at >= 0
                out[hit] = positions[at[hit]]
        return out

    def add(self, hashes: np.ndarray, positions: np.ndarray) -> None:
        """Add hashes not present yet (distinct)."""
        (big, big_at), (small, small_at) = self._parts
        small_hashes = np.concatenate([small.to_numpy(), hashes])
        small_at = np.concatenate([small_at, positions])
        if len(small_hashes) * 4 > len(big):
            big_hashes = np.concatenate([big.to_numpy(), small_hashes])
            self._parts = [(self._pd.Index(big_hashes), np.concatenate([big_at, small_at])),
                           (self._pd.Index(np.array([], np.uint64)), np.array([], np.int64))]
        else:
            self._parts = [(big, big_at), (self._pd.Index(small_hashes), small_at)]


class ValueCache:
    """(key, flag) -> one row of result columns (``types``), for every key seen so far."""

    def __init__(self, types: Sequence[pa.DataType]) -> None:
        self.types = list(types)
        self._keys: list[pa.Array] = []
        self._flags: list[pa.Array] = []
        self._results: list[list[pa.Array]] = [[] for _ in self.types]
        self._index = _HashIndex()
        self._collided: dict[tuple[str, bool], int] = {}
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def _column(self, chunks: list[pa.Array], type_: pa.DataType) -> pa.Array:
        """One contiguous array (a take from chunks costs twice; a concatenation once,
        after each addition)."""
        if not chunks:
            return pa.array([], type_)
        if len(chunks) > 1:
            chunks[:] = [pa.concat_arrays(chunks)]
        return chunks[0]

    def positions(self, keys: pa.Array, flags: pa.Array | None,
                  compute: Callable[[pa.Array, pa.Array], Sequence[pa.Array]]) -> np.ndarray:
        """The cache position of every (key, flag) of ``keys`` (distinct pairs, no NULL
        key; ``flags`` all false when None). Pairs not seen yet go through ``compute``
        (keys, flags -> one array per output, in the keys' order)."""
        keys = keys.cast(pa.string())
        flags = pa.repeat(False, len(keys)) if flags is None else flags
        hashes = key_hashes(keys, flags)
        at = self._index.find(hashes)
        hit = np.flatnonzero(at >= 0)
        if len(hit):  # the hash matched: the key itself must too
            taken = pa.array(at[hit])
            same = pc.and_(
                pc.equal(self._column(self._keys, pa.string()).take(taken), keys.take(hit)),
                pc.equal(self._column(self._flags, pa.bool_()).take(taken), flags.take(hit)))
            wrong = hit[~same.to_numpy(zero_copy_only=False)]
            at[wrong] = -1
        missing = np.flatnonzero(at < 0)
        if len(missing) and self._collided:
            get = self._collided.get
            for i, key, flag in zip(missing, keys.take(missing).to_pylist(),
                                    flags.take(missing).to_pylist()):
                at[i] = get((key, flag), -1)
            missing = np.flatnonzero(at < 0)
        if len(missing):
            self._add(keys.take(missing), flags.take(missing), hashes[missing], compute, at,
                      missing)
        return at

    def _add(self, keys: pa.Array, flags: pa.Array, hashes: np.ndarray, compute: Callable,
             at: np.ndarray, missing: np.ndarray) -> None:
        results = compute(keys, flags)
        if len(results) != len(self.types) or any(len(r) != len(keys) for r in results):
            raise ValueError("compute must give one value per key for every output")
        new = np.arange(self._size, self._size + len(keys), dtype=np.int64)
        at[missing] = new
        self._keys.append(keys)
        self._flags.append(flags)
        for chunks, result, type_ in zip(self._results, results, self.types):
            chunks.append(result if result.type == type_ else result.cast(type_))
        self._size += len(keys)
        # a hash already taken (by another key) or twice among the new: the dict keeps it
        import pandas as pd

        taken = (self._index.find(hashes) >= 0) | pd.Index(hashes).duplicated(keep="first")
        if taken.any():
            for i in np.flatnonzero(taken):
                self._collided[(keys[int(i)].as_py(), flags[int(i)].as_py())] = int(new[i])
        self._index.add(hashes[~taken], new[~taken])

    def row_positions(self, values: pa.Array,
                      compute: Callable[[pa.Array, pa.Array], Sequence[pa.Array]]) -> np.ndarray:
        """The cache position of every row of ``values`` (flag false; values repeat, no
        NULL), without a dictionary of the column: each row's hash is looked up, and only
        the rows not found are made distinct and go through ``positions``."""
        values = values.cast(pa.string())
        n = len(values)
        no_flags = pa.repeat(False, n)
        at = self._index.find(key_hashes(values, no_flags))
        if self._size:
            found = at >= 0
            taken = pa.array(np.where(found, at, 0))
            same = pc.and_(pc.equal(self._column(self._keys, pa.string()).take(taken), values),
                           pc.invert(self._column(self._flags, pa.bool_()).take(taken)))
            at[~(found & same.to_numpy(zero_copy_only=False))] = -1
        missing = np.flatnonzero(at < 0)
        if len(missing):
            encoded = pc.dictionary_encode(values.take(missing))
            distinct = self.positions(encoded.dictionary, None, compute)
            at[missing] = distinct[encoded.indices.to_numpy()]
        return at

    def take(self, positions: np.ndarray) -> list[pa.Array]:
        """The cached results at ``positions``, one array per output."""
        taken = pa.array(positions)
        return [self._column(chunks, type_).take(taken)
                for chunks, type_ in zip(self._results, self.types)]

    def lookup(self, keys: pa.Array, flags: pa.Array | None,
               compute: Callable[[pa.Array, pa.Array], Sequence[pa.Array]]) -> list[pa.Array]:
        """The results of every (key, flag) of ``keys`` (distinct), one array per output."""
        return self.take(self.positions(keys, flags, compute))
