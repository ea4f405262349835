"""Resident ID normalisation (RULES §1): given/expect cases and properties."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.normalise.id import check_char, convert15, is_valid18, mask, normalise_id, sex_of

# 620421 19700520 400 + check: the check of 62042119700520400 is 4.
VALID = "620421197005204004"


@pytest.mark.parametrize("raw, number, status", [
    (VALID, VALID, "valid"),
    ("６２０４２１１９７００５２０４００４", VALID, "valid"),         # full-width digits
    (" 620421 1970 0520 4004\t", VALID, "valid"),                   # spaces and a tab
    ("'620421197005204004", VALID, "valid"),                        # leading apostrophe
    ('="620421197005204004"', VALID, "valid"),                      # Excel text formula
    ("620421700520400", VALID, "converted_15"),                     # legacy 15 digits
    ("620421197005204005", "620421197005204005", "invalid_checksum"),
    ("620421197002304005", "620421197002304005", "invalid_checksum"),  # 02-30, bad check
    ("6.20421197005204E+17", "620421197005204000", "precision_lost"),
    ("6.20421E+17", "620421000000000000", "precision_lost"),
    ("620421197005204000", "620421197005204000", "precision_lost"),  # zeros, failing check
    ("", None, "missing"), (None, None, "missing"), ("无", None, "missing"),
    ("12345", "12345", "invalid_checksum"),
    ("1E999999999", "1E999999999", "invalid_checksum"),            # no 10**999999999 string
    ("1E" + "9" * 5000, "1E" + "9" * 5000, "invalid_checksum"),     # nor int() of 5000 digits
])
def test_normalise_id_cases(raw, number, status):
    result = normalise_id(raw)
    assert (result.id_number, result.status) == (number, status)


def test_lower_case_x_is_upper_cased():
    # 6*7+2*9+0*10+4*5+2*8+1*4+1*2+9*1+8*6+0*3+0*7+1*9+0*10+1*5+0*8+0*4+8*2 = 189;
    # 189 mod 11 = 2 -> "10X98765432"[2] = "X"
    first17 = "62042119800101008"
    assert check_char(first17) == "X"
    assert normalise_id(first17 + "x").id_number == first17 + "X"
    assert normalise_id(first17 + "x").status == "valid"


def test_check_char_by_hand():
    # 6*7+2*9+0*10+4*5+2*8+1*4+1*2+9*1+7*6+0*3+0*7+5*9+2*10+0*5+4*8+0*4+0*2 = 250;
    # 250 mod 11 = 8 -> "10X98765432"[8] = "4"
    assert check_char("62042119700520400") == "4"


def test_a_number_cell_is_precision_lost_whatever_its_check():
    result = normalise_id(VALID, from_number=True)
    assert result.status == "precision_lost"
    assert result.birth_date == dt.date(1970, 5, 20)  # digits 7-14 survive


def test_damaged_ids_keep_their_birth_date():
    assert normalise_id("620421197005204005").birth_date == dt.date(1970, 5, 20)
    assert normalise_id("6.20421197005204E+17").birth_date == dt.date(1970, 5, 20)
    assert normalise_id("6.20421E+17").birth_date is None


def test_sex_and_mask():
    assert sex_of(VALID) == "女"               # digit 17 is 0: even
    assert mask(VALID) == "620421********4004"


_birth = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31))
_seq = st.integers(min_value=0, max_value=999)


def _make(birth: dt.date, seq: int) -> str:
    first17 = f"620421{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


@given(_birth, _seq)
def test_15_to_18_round_trips(birth, seq):
    full = _make(birth, seq)
    legacy = full[:6] + full[8:17]                 # drop "19" and the check character
    assert convert15(legacy) == full
    result = normalise_id(legacy)
    assert (result.id_number, result.status, result.birth_date) == (full, "converted_15", birth)


@given(_birth, _seq, st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=10))
def test_check_digit_rejects_every_single_digit_change(birth, seq, position, delta):
    full = _make(birth, seq)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    current = alphabet.index(full[position])
    changed = alphabet[(current + delta) % len(alphabet)]
    if changed == full[position]:
        return
    damaged = full[:position] + changed + full[position + 1:]
    assert not is_valid18(damaged)
    assert normalise_id(damaged).status != "valid"


_noise = st.sampled_from(["", " ", "\t", "'", "\u3000", "\u200b"])


@given(_birth, _seq, st.lists(_noise, min_size=19, max_size=19), st.booleans())
def test_noisy_ids_normalise_to_the_clean_one(birth, seq, noise, full_width):
    full = _make(birth, seq)
    text = full.lower()
    if full_width:
        text = text.translate(str.maketrans("0123456789x", "０１２３４５６７８９ｘ"))
    noisy = "".join(n + c for n, c in zip(noise, text)) + noise[-1]
    assert normalise_id(noisy).id_number == full
    assert normalise_id(noisy).status == "valid"


_id_text = st.text(alphabet="0123456789０１２３４５６７８９xXｘ .E+'\t张", max_size=22)


@given(_id_text)
@settings(max_examples=300)
def test_normalising_is_idempotent(raw):
    once = normalise_id(raw)
    twice = normalise_id(once.id_number)
    assert twice.id_number == once.id_number
    if once.status in ("valid", "converted_15"):
        assert twice.status == "valid"


def test_control_characters_are_dropped_from_ids():
    assert normalise_id("620421197005204004\x00").id_number == "620421197005204004"
    assert normalise_id("\x01620421197005204004").status == "valid"
