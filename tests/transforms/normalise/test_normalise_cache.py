"""The run-wide value cache: every key gets its own result, colliding hashes or not."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from transforms.normalise import cache as cache_module
from transforms.normalise.cache import ValueCache


def _upper(keys: pa.Array, flags: pa.Array) -> list[pa.Array]:
    calls.append(keys.to_pylist())
    return [pa.array([k.upper() + ("!" if f else "") for k, f in
                      zip(keys.to_pylist(), flags.to_pylist())], pa.string())]


calls: list[list[str]] = []


@pytest.mark.parametrize("collide", [False, True])
def test_each_key_is_computed_once_and_gets_its_own_result(monkeypatch, collide):
    if collide:  # every key the same hash: the key comparison and the dict must decide
        monkeypatch.setattr(cache_module, "key_hashes",
                            lambda keys, flags: np.zeros(len(keys), np.uint64))
    calls.clear()
    cache = ValueCache([pa.string()])
    first = cache.lookup(pa.array(["a", "b", "c"]), None, _upper)
    assert first[0].to_pylist() == ["A", "B", "C"]
    second = cache.lookup(pa.array(["c", "d", "a", "b"]),
                          pa.array([False, False, True, False]), _upper)
    assert second[0].to_pylist() == ["C", "D", "A!", "B"]  # (a, number) is another key
    third = cache.lookup(pa.array(["a", "d", "a"]), pa.array([True, False, False]), _upper)
    assert third[0].to_pylist() == ["A!", "D", "A"]
    assert calls == [["a", "b", "c"], ["d", "a"]] and len(cache) == 5


def test_many_chunks_and_a_growing_index_keep_positions():
    cache = ValueCache([pa.int64()])
    square = lambda keys, flags: [pa.array([int(k) ** 2 for k in keys.to_pylist()])]
    for start in range(0, 4000, 100):  # 40 additions: chunks joined, the index merged
        keys = pa.array([str(i) for i in range(start, start + 150)])  # 50 seen before
        got = cache.lookup(keys, None, square)[0].to_pylist()
        assert got == [i * i for i in range(start, start + 150)]
    assert len(cache) == 4050


@pytest.mark.parametrize("collide", [False, True])
def test_rows_are_looked_up_one_by_one_with_the_same_answer(monkeypatch, collide):
    if collide:
        monkeypatch.setattr(cache_module, "key_hashes",
                            lambda keys, flags: np.full(len(keys), 7, np.uint64))
    calls.clear()
    cache = ValueCache([pa.string()])
    cache.lookup(pa.array(["a"]), pa.array([True]), _upper)  # (a, number) is not (a, text)
    rows = cache.row_positions(pa.array(["b", "a", "b", "c", "a"]), _upper)
    assert cache.take(rows)[0].to_pylist() == ["B", "A", "B", "C", "A"]
    rows = cache.row_positions(pa.array(["c", "b", "d"]), _upper)
    assert cache.take(rows)[0].to_pylist() == ["C", "B", "D"]
    assert calls == [["a"], ["b", "a", "c"], ["d"]] and len(cache) == 5
