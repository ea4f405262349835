"""Synthetic names: pools built once, sampled with numpy; and the ways departments
garble them (traditional characters, homophones, placeholders, separators).

Surnames and their weights come from Faker's zh_CN provider; given names are
composed from character pools so that a county of half a million people has
enough distinct names. No real person is named: every name is a random draw.
"""
from __future__ import annotations

import functools

import numpy as np
import opencc
from faker.providers.person.zh_CN import Provider as ZhPerson
from pypinyin import Style, lazy_pinyin

from synth.oracle.identity import normalise_name, pinyin_key

MALE_CHARS = ("伟强磊洋勇军杰涛超明刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国"
              "志文斌海峰亮兵东红新春生福贵荣祥德才忠义礼智信成永庆喜宝山河江川云"
              "天虎彪武振兴旺发财顺利家安全正光耀宗祖")
FEMALE_CHARS = ("芳娜敏静丽艳娟霞秀英兰琴梅玲燕萍红玉桂珍凤花菊莲娥香彩云霞霜雪梦"
                "婷婧瑶琳雯倩欣怡佳悦颖慧淑惠贤巧月翠芬芝莉蓉蕾薇晶晓亚宁小春夏秋冬")
HUI_SURNAMES = ("马", "丁", "杨", "白", "海", "冶", "撒", "沙", "穆", "哈")
HUI_WEIGHTS = (40, 10, 10, 8, 6, 6, 5, 5, 5, 5)
# Transliterated name parts for minority names written with a separator.
MINORITY_PARTS = ("阿依古丽", "买买提", "艾力", "吐尔逊", "热依汗", "阿不都", "努尔",
                  "古丽", "帕提曼", "依明", "沙吾提", "卡德尔", "巴图", "斯琴", "其木格")
SEPARATORS = ("•", "・", ".", "．")


@functools.lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def _surname_pool() -> tuple[np.ndarray, np.ndarray]:
    names = np.array(list(ZhPerson.last_names.keys()))
    weights = np.array(list(ZhPerson.last_names.values()), dtype=float)
    single = np.char.str_len(names) == 1  # compound surnames kept, but rare
    weights = np.where(single, weights, weights * 0.2)
    return names, weights / weights.sum()


def _given(rng: np.random.Generator, chars: str, n: int) -> np.ndarray:
    pool = np.array(list(dict.fromkeys(chars)))
    first = pool[rng.integers(0, len(pool), n)]
    second = pool[rng.integers(0, len(pool), n)]
    two = rng.random(n) < 0.78
    return np.where(two, np.char.add(first, second), first)


def draw_names(rng: np.random.Generator, male: np.ndarray, ethnicity: np.ndarray) -> np.ndarray:
    """One name per person: Han/Hui names, and separator names for a few minorities."""
    n = len(male)
    surnames, weights = _surname_pool()
    surname = surnames[rng.choice(len(surnames), n, p=weights)]
    hui = ethnicity == "回族"
    hw = np.array(HUI_WEIGHTS, dtype=float)
    surname[hui] = np.array(HUI_SURNAMES)[rng.choice(len(HUI_SURNAMES), int(hui.sum()),
                                                      p=hw / hw.sum())]
    given = np.where(male, _given(rng, MALE_CHARS, n), _given(rng, FEMALE_CHARS, n))
    names = np.char.add(surname, given)
    sep = np.isin(ethnicity, ("维吾尔族", "哈萨克族", "蒙古族"))
    parts = np.array(MINORITY_PARTS)
    k = int(sep.sum())
    names[sep] = np.char.add(np.char.add(parts[rng.integers(0, len(parts), k)], "·"),
                             parts[rng.integers(0, len(parts), k)])
    return names.astype(object)


def redraw_given(rng: np.random.Generator, names: np.ndarray, male: np.ndarray) -> np.ndarray:
    """New given names for the same surnames (used to break accidental collisions)."""
    n = len(names)
    given = np.where(male, _given(rng, MALE_CHARS, n), _given(rng, FEMALE_CHARS, n))
    parts = np.array(MINORITY_PARTS)
    out = []
    for name, g in zip(names, given):
        if "·" in name:
            a, b = parts[rng.integers(0, len(parts), 2)]
            out.append(f"{a}·{b}")
        else:
            out.append(name[0] + g)
    return np.array(out, dtype=object)


# --- garbling -------------------------------------------------------------------

def traditional(name: str) -> str | None:
    """The name in traditional characters, when that differs and converts back."""
    t = _s2t().convert(name)
    return t if t != name and normalise_name(t) == name else None


@functools.lru_cache(maxsize=1)
def _homophones() -> dict[str, list[str]]:
    pool = sorted(set(MALE_CHARS + FEMALE_CHARS + "丽力立利莉理李里礼历黎梨励栗"
                      "华花化画话桦骅晔叶业页夜烨冶野伟卫维为未位威薇微玮炜纬"))
    by_sound: dict[str, list[str]] = {}
    for ch in pool:
        by_sound.setdefault(lazy_pinyin(ch, style=Style.NORMAL)[0], []).append(ch)
    return {ch: [c for c in by_sound[lazy_pinyin(ch, style=Style.NORMAL)[0]] if c != ch]
            for ch in pool}


def homophone(rng: np.random.Generator, name: str) -> str | None:
    """One given-name character replaced by another that sounds the same."""
    table = _homophones()
    positions = [i for i in range(1, len(name)) if table.get(name[i])]
    rng.shuffle(positions)
    for i in positions:
        options = table[name[i]]
        out = name[:i] + options[int(rng.integers(0, len(options)))] + name[i + 1:]
        if normalise_name(out) != name and pinyin_key(out) == pinyin_key(name):
            return out
    return None


def placeholder(rng: np.random.Generator, name: str) -> str | None:
    """A given-name character a system could not store, shown as ? or *."""
    if len(name) < 2 or "·" in name:
        return None
    i = int(rng.integers(1, len(name)))
    return name[:i] + ("?" if rng.random() < 0.5 else "*") + name[i + 1:]


def separator(rng: np.random.Generator, name: str) -> str | None:
    """A minority name with a look-alike separator instead of the middle dot."""
    if "·" not in name:
        return None
    return name.replace("·", SEPARATORS[int(rng.integers(0, len(SEPARATORS)))])


def spaced(rng: np.random.Generator, name: str) -> str:
    """Stray spaces or a full-width space inside a name."""
    i = int(rng.integers(1, len(name))) if len(name) > 1 else 1
    return name[:i] + (" " if rng.random() < 0.5 else "\u3000") + name[i:]
