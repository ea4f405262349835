"""KeyHashes: the key hashes of a table's earlier batches, found by binary search."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.ingest.dedupe import KeyHashes, _merge


def _u(values):
    return np.array(values, np.uint64)


def test_earlier_gives_every_row_held_with_a_hash():
    held = KeyHashes()
    held.add(_u([1, 3, 3, 7]), np.array([10, 11, 12, 13]))
    held.add(_u([2, 3]), np.array([20, 21]))          # merged with the first run
    found, rids = held.earlier(_u([3, 5, 7]))
    assert found.tolist() == [3, 7]
    assert sorted(rids.tolist()) == [11, 12, 13, 21]
    assert held.earlier(_u([4, 8]))[0].tolist() == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), max_size=12), max_size=8), st.lists(st.integers(0, 40)))
def test_earlier_is_a_plain_lookup(batches, probe):
    held, plain, rid = KeyHashes(), {}, 0
    for batch in batches:
        hashes = np.sort(_u(batch))
        rids = np.arange(rid, rid + len(batch))
        rid += len(batch)
        held.add(hashes, rids)
        for h, r in zip(hashes.tolist(), rids.tolist()):
            plain.setdefault(h, []).append(r)
    probe = np.unique(_u(probe))
    found, rids = held.earlier(probe)
    assert found.tolist() == sorted(h for h in probe.tolist() if h in plain)
    assert sorted(rids.tolist()) == sorted(r for h in found.tolist() for r in plain[h])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 30), max_size=15), st.lists(st.integers(0, 30), max_size=15))
def test_merge_is_the_stable_sort_of_both_runs(first, second):
    h1, h2 = np.sort(_u(first)), np.sort(_u(second))
    r1, r2 = np.arange(len(h1)), np.arange(100, 100 + len(h2))
    order = np.argsort(np.concatenate([h1, h2]), kind="stable")
    hashes, rids = _merge(h1, r1, h2, r2)
    assert hashes.tolist() == np.concatenate([h1, h2])[order].tolist()
    assert rids.tolist() == np.concatenate([r1, r2])[order].tolist()
