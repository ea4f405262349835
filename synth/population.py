"""The base population: who lives where, born when, called what.

Age pyramid of a rural Gansu county (shares by five-year group, roughly the
2020 census shape: few young children, a bulge at 45-59, a long tail of old
people), 18 townships with villages, mostly 汉族 with some 回族.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pypinyin import Style, lazy_pinyin

from synth import ids, names
from synth.world import World

AGE_SHARES = (5.5, 6.5, 6.5, 5.5, 4.5, 5.5, 8.0, 6.5, 6.0, 8.0, 8.5, 7.5,
              5.5, 5.5, 4.0, 2.8, 1.8, 0.9, 0.3, 0.08)
ETHNICITIES = {"汉族": 0.9645, "回族": 0.031, "东乡族": 0.002, "维吾尔族": 0.001,
               "蒙古族": 0.001, "藏族": 0.0005}
PREFIXES = {"620421": 0.92, "620402": 0.02, "620403": 0.02, "620422": 0.02,
            "622921": 0.01, "620102": 0.01}
PLACE_A = "东西南北上下前后新中大小红黄青白石沙三五八双永兴"
PLACE_B = ("湾滩坪塬岘峡川河沟台庄寨堡梁泉峰岭营园渠坝口湖源山水")


def _villages(rng: np.random.Generator, township: str) -> list[str]:
    k = int(rng.integers(8, 21))
    out: list[str] = []
    while len(out) < k:
        v = PLACE_A[rng.integers(len(PLACE_A))] + PLACE_B[rng.integers(len(PLACE_B))]
        suffix = "社区" if township == "乌兰镇" and len(out) < 5 else "村"
        if v + suffix not in out:
            out.append(v + suffix)
    return out


def _pick(rng: np.random.Generator, table: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(table))
    p = np.array(list(table.values()))
    return keys[rng.choice(len(keys), n, p=p / p.sum())]


def build_people(world: World) -> pd.DataFrame:
    rng = world.rng("people")
    n = world.n
    shares = np.array(AGE_SHARES)
    group = rng.choice(len(shares), n, p=shares / shares.sum())
    age_days = (group * 5 * 365.25 + rng.random(n) * 5 * 365.25).astype(np.int64)
    birth = world.today - age_days.astype("timedelta64[D]")
    block = world.block
    if block is not None:  # this block's birth dates only: day number = index (mod blocks)
        day = birth.astype(np.int64)
        birth = (day - (day - block.index) % block.count).astype("datetime64[D]")
    male = rng.random(n) < 0.51
    eth = _pick(rng, ETHNICITIES, n)
    if (eth == "维吾尔族").sum() < 5:  # a few names with separators even in a tiny county
        eth[rng.choice(n, min(n, 5), replace=False)] = "维吾尔族"
    prefix = _pick(rng, PREFIXES if block is None else block.prefixes, n)
    townships = [t.name for t in world.cfg.county.townships]
    tw = np.array([3.0 if t == "乌兰镇" else 1.0 for t in townships]) \
        * (0.7 + 0.6 * rng.random(len(townships)))
    town_idx = rng.choice(len(townships), n, p=tw / tw.sum())
    village = np.empty(n, dtype=object)
    for i, t in enumerate(townships):
        vs = np.array(_villages(rng, t), dtype=object)
        sel = town_idx == i
        village[sel] = vs[rng.integers(0, len(vs), int(sel.sum()))]
    people = pd.DataFrame({
        "id": ids.build_ids(rng, prefix, birth, male).astype(object),
        "name": names.draw_names(rng, male, eth),
        "male": male,
        "sex": np.where(male, "男", "女").astype(object),
        "birth": birth.astype("datetime64[s]"),
        "eth": eth.astype(object),
        "town": np.array(townships, dtype=object)[town_idx],
        "village": village,
    })
    _break_collisions(world, people)
    return people


def _break_collisions(world: World, people: pd.DataFrame) -> None:
    """No two people share a name and a birth date (the injected pairs aside), and
    people whose birthday group holds a name close to theirs are flagged: the
    injections that rely on a unique name-and-birth-date match avoid them."""
    rng = world.rng("collisions")
    birth = people["birth"].to_numpy("datetime64[D]").astype(np.int64)
    for _ in range(50):
        dup = pd.DataFrame({"b": birth, "n": people["name"].to_numpy()}).duplicated().to_numpy()
        if not dup.any():
            break
        idx = np.flatnonzero(dup)
        people.loc[idx, "name"] = names.redraw_given(rng, people["name"].to_numpy()[idx],
                                                     people["male"].to_numpy()[idx])
    world.close_groups = _close_pairs(people)


def _close_pairs(people: pd.DataFrame) -> np.ndarray:
    """People who share a birth date with someone whose name is close to
    theirs (RULES §2): the same toneless pinyin (per character, an approximation
    good enough to steer the injections; the oracle decides with the real key),
    or one character apart in names of three or more characters."""
    name = people["name"].astype(str)
    uniq = pd.unique(name)
    py = dict(zip(uniq, (_char_pinyin(u) for u in uniq)))
    birth = people["birth"].to_numpy("datetime64[D]").astype(np.int64)  # sex left out:
    flagged = pd.DataFrame({"b": birth, "k": name.map(py).to_numpy()}  # some tables carry none
                           ).duplicated(keep=False).to_numpy().copy()
    text = name.to_numpy(dtype=object)
    length = name.str.len().to_numpy()
    for k in range(int(length.max())):
        # names of three or more characters with character k blanked (a blanked
        # name only equals another of its own length)
        rows = np.flatnonzero((length > k) & (length >= 3))
        blank = [t[:k] + "_" + t[k + 1:] for t in text[rows]]
        frame = pd.DataFrame({"b": birth[rows], "k": blank})
        flagged[rows[frame.duplicated(keep=False).to_numpy()]] = True
    return flagged


_CHAR_PY: dict[str, str] = {}


def _char_pinyin(name: str) -> str:
    out = []
    for ch in name:
        if ch not in _CHAR_PY:
            _CHAR_PY[ch] = lazy_pinyin(ch, style=Style.NORMAL)[0]
        out.append(_CHAR_PY[ch])
    return "".join(out)
