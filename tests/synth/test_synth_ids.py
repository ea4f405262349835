"""Synthetic IDs and the damage departments do to them."""
import datetime as dt

import numpy as np
import pandas as pd

from synth import ids
from synth.oracle.match import Ledger
from transforms.normalise.id import (
    INVALID_CHECKSUM,
    PRECISION_LOST,
    check_char,
    convert15,
    is_valid18,
    normalise_id,
)


def test_check_chars_agree_with_the_scalar_rule():
    first17 = np.array(["11010519491231002", "62042119700520396", "62042119900101123"])
    assert list(ids.check_chars(first17)) == [check_char(s) for s in first17]
    assert ids.check_chars(first17)[0] == "X"  # the GB 11643 example 11010519491231002X


def test_ids_are_valid_unique_and_carry_sex_and_birth_date():
    rng = np.random.default_rng(1)
    n = 600  # many people on one birthday force re-draws of the order code
    births = np.full(n, np.datetime64("1970-05-20"))
    male = rng.random(n) < 0.5
    out = ids.build_ids(rng, np.full(n, "620421"), births, male)
    assert len(set(out)) == n
    assert all(is_valid18(x) for x in out)
    assert all(x[6:14] == "19700520" for x in out)
    assert all((int(x[16]) % 2 == 1) == m for x, m in zip(out, male))


def test_fifteen_digit_form_converts_back():
    assert convert15(ids.to15("62042119700520396X"[:17] + check_char("62042119700520396"))) \
        == "62042119700520396" + check_char("62042119700520396")


def test_typo_and_swap_fail_the_check_and_are_one_step_from_the_original():
    rng = np.random.default_rng(3)
    good = "620421197005203961"[:17] + check_char("62042119700520396")
    ledger = Ledger(pd.DataFrame({"idn": [good], "name": ["张三"], "sex": ["男"],
                                  "birth_date": [pd.Timestamp("1970-05-20")]}))
    for damaged in [ids.substitute_digit(rng, good) for _ in range(20)] + \
            [ids.swap_adjacent(rng, good) for _ in range(20)]:
        assert normalise_id(damaged).status == INVALID_CHECKSUM
        assert ledger.neighbours(damaged) == [good]


def test_excel_damage_keeps_fifteen_significant_digits():
    good = "62042119700520396" + check_char("62042119700520396")
    shown = ids.excel_rendering(good)
    assert shown == f"{float(good):.14E}" and shown.endswith("E+17")
    res = normalise_id(shown)
    assert res.status == PRECISION_LOST and res.birth_date == dt.date(1970, 5, 20)
    assert ids.excel_zeroed(good) == res.id_number and res.id_number.endswith("000")


def test_a_twin_pair_has_a_damaged_id_one_digit_from_both():
    rng = np.random.default_rng(5)
    a = "62042119500101123" + check_char("62042119500101123")
    b = ids.twin_id(a, rng)
    d = ids.repair_ambiguity(a, b)
    assert is_valid18(b) and a[:15] == b[:15] and a[16] == b[16]
    assert sum(x != y for x, y in zip(d, a)) == 1 and sum(x != y for x, y in zip(d, b)) == 1
