"""Every list stays byte-identical on the committed sample and a 50,000-person county."""
from __future__ import annotations

import json

import pytest

from tests.golden.golden import DIGESTS, run_county, run_sample

pytestmark = pytest.mark.e2e


def _want(key):
    return json.loads(DIGESTS.read_text(encoding="utf-8"))[key]


def test_sample_lists_are_byte_identical(tmp_path, prefect_harness):
    assert run_sample(tmp_path) == _want("sample")


def test_county_50k_lists_are_byte_identical(tmp_path, prefect_harness):
    assert run_county(tmp_path) == _want("county_50k")
