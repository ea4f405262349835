"""A big county as independent blocks (``Params.block_people`` people at most each).

Every block is a county-sized world made by the ordinary generator, seeded per
block, with identity spaces that no other block can reach, so the union of
the blocks' files is a county whose truth is the union of the blocks' truths:

- birth dates: block ``k`` of ``K`` holds only the days ``d`` with
  ``d ≡ k (mod K)`` (days since 1970-01-01). Matching by name and birth date
  (RULES §2 step 4, and the review queue it feeds) only ever compares people
  born on one day, so it never crosses a block; exact IDs differ in digits 7-14.
- area codes (digits 1-6): every code of a block differs in at least four of
  its six digits from every code of every other block. Two IDs of different
  blocks then differ in at least five of their 18 characters, and a repair
  (one substituted character or one adjacent swap, RULES §2 step 3) of an ID
  damaged by one substitution or swap reaches only IDs of its own block.
  Block 0 keeps the county's own table (620421 and its neighbours); the main
  code's share is split over more codes when a code would hold more than
  ``SLOTS`` people of one sex born on one day (digits 15-17 give 500).
- files: block 0 writes the plain names, block ``k`` the same files with
  ``_partNN`` before the extension (CONTRACT §1: several files of a table are
  read as a union). Exact duplicates and the money-table exception stay
  inside a block because every row carries its block's ID or birth date.
  Township targets, the corrupt and the unknown files come once, with block 0.
- townships: every block is the configured county (its 18 townships); person
  numbers (个人编号) are counted on across blocks.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from synth.population import AGE_SHARES, PREFIXES

SLOTS = 200          # people of one sex born on one day per area code, at most (of 500)
MIN_DISTANCE = 4     # digits in which area codes of different blocks differ, at least
MALE_SHARE = 0.51


@dataclasses.dataclass(frozen=True)
class Block:
    index: int
    count: int
    people: int
    first_person: int             # person numbers of this block start here
    prefixes: dict                # area code -> share
    tag: str                      # file-name tag ('' for block 0)


def sizes(people: int, block_people: int) -> list[int]:
    k = max(1, math.ceil(people / block_people))
    return [people // k + (i < people % k) for i in range(k)]


def main_codes(people: int) -> int:
    """How many codes the main share needs so that no code holds more than
    SLOTS people of one sex born on one day (the densest age group)."""
    shares = np.array(AGE_SHARES)
    per_day = people * shares.max() / shares.sum() / (5 * 365.25)
    main = max(PREFIXES.values()) / sum(PREFIXES.values())
    return max(1, math.ceil(per_day * MALE_SHARE * main / SLOTS))


def _distance(codes: np.ndarray, code: np.ndarray) -> np.ndarray:
    return (codes != code).sum(axis=1)


def far_codes(taken: list[str], n: int) -> list[list[str]]:
    """``n`` groups of area codes, in a fixed order (first digit 1-6, counting up
    from the county's code): every code at least MIN_DISTANCE digits from every
    code of ``taken`` and of the other groups."""
    start = int(next(iter(PREFIXES)))
    chosen = np.array([[int(c) for c in code] for code in taken], dtype=np.int8)
    out: list[str] = []
    candidates = np.r_[np.arange(start, 700000), np.arange(100000, start)]
    for lo in range(0, len(candidates), 20000):
        chunk = candidates[lo:lo + 20000]
        digits = np.stack([chunk // 10 ** (5 - i) % 10 for i in range(6)], axis=1).astype(np.int8)
        ok = np.ones(len(chunk), dtype=bool)
        for code in chosen:
            ok &= _distance(digits, code) >= MIN_DISTANCE
        while ok.any() and len(out) < n:
            i = int(np.argmax(ok))
            out.append(f"{chunk[i]:06d}")
            ok &= _distance(digits, digits[i]) >= MIN_DISTANCE
            chosen = np.vstack([chosen, digits[i]])
        if len(out) == n:
            return out
    raise ValueError(f"not enough area codes {MIN_DISTANCE} digits apart for {n} codes")


def plan(people: int, block_people: int) -> list[Block]:
    """The blocks of a county of ``people`` (one block: the ordinary generator)."""
    parts = sizes(people, block_people)
    k = len(parts)
    m = main_codes(people)
    main_code, main_share = next(iter(PREFIXES.items()))
    minor = list(PREFIXES.items())[1:]
    # block 0: the county's table, main share split; others: m main codes + 2 minor
    per_block = m + 2
    fresh = far_codes(list(PREFIXES), (m - 1) + (k - 1) * per_block)
    blocks, first = [], 0
    width = max(2, len(str(k - 1)))
    for i, n in enumerate(parts):
        if i == 0:
            table = {main_code: main_share / m, **{c: main_share / m for c in fresh[:m - 1]},
                     **dict(minor)}
        else:
            own = fresh[m - 1 + (i - 1) * per_block: m - 1 + i * per_block]
            minor_share = sum(s for _, s in minor) / 2
            table = {**{c: main_share / m for c in own[:m]},
                     **{c: minor_share for c in own[m:]}}
        blocks.append(Block(i, k, n, first, table, "" if i == 0 else f"part{i:0{width}d}"))
        first += n
    return blocks
