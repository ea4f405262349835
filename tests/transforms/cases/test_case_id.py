"""case_id: a list prefix, a serial and a Damm check digit; read back as typed."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from transforms.cases.case_id import PREFIX, check_digit, format_case_id, normalise_case_id


def test_the_format_reads_out_on_the_telephone():
    assert format_case_id("deceased_accounts", 123) == "SW-000123-" + check_digit("000123")
    assert check_digit("572") == "4"  # the Damm algorithm's published example
    assert format_case_id("review_queue", 1_234_567).startswith("FH-1234567-")
    assert len(set(PREFIX.values())) == len(PREFIX)


def test_typed_variants_are_the_same_case_and_misreadings_are_refused():
    case = format_case_id("lapsed_payers", 42)
    assert normalise_case_id(" dj－000042－" + case[-1] + " ") == case
    assert normalise_case_id("DJ000042" + case[-1]) == case
    wrong = str((int(case[-1]) + 1) % 10)
    assert normalise_case_id("DJ-000042-" + wrong) is None
    assert normalise_case_id("XX-000042-" + case[-1]) is None
    assert normalise_case_id("=1+1") is None and normalise_case_id(None) is None


@given(st.integers(min_value=1, max_value=999_999), st.integers(min_value=0, max_value=5),
       st.integers(min_value=1, max_value=9))
def test_one_wrong_digit_or_a_swap_is_always_caught(serial, position, bump):
    digits = f"{serial:06d}"
    check = check_digit(digits)
    typo = digits[:position] + str((int(digits[position]) + bump) % 10) + digits[position + 1:]
    assert check_digit(typo) != check
    if position < 5 and digits[position] != digits[position + 1]:
        swapped = (digits[:position] + digits[position + 1] + digits[position]
                   + digits[position + 2:])
        assert check_digit(swapped) != check
