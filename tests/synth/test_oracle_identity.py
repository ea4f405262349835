"""The oracle's own RULES §1 normalisation: hand cases, then agreement with the product
on every shape of damage the synthetic county writes (two implementations, one rule)."""
import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from synth.oracle.identity import check_char, normalise_id, normalise_name, pinyin_key
from transforms.normalise import id as product_id
from transforms.normalise import name as product_name

GB_EXAMPLE = "11010519491231002X"  # the GB 11643 example; 15-digit form 110105491231002


def test_check_character_of_the_standard_example():
    assert check_char("11010519491231002") == "X"


def test_id_statuses_from_the_rules_wording():
    assert normalise_id(GB_EXAMPLE) == (GB_EXAMPLE, "valid", dt.date(1949, 12, 31))
    # NFKC (full-width digits), spaces, a tab, an apostrophe, a zero-width space, lower x
    assert normalise_id("'１１0105 19491231\t002x\u200b").idn == GB_EXAMPLE
    assert normalise_id("110105491231002") == (GB_EXAMPLE, "converted_15", dt.date(1949, 12, 31))
    assert normalise_id("110105194912310021").status == "invalid_checksum"
    assert normalise_id("110105194912310021").birth == dt.date(1949, 12, 31)
    assert normalise_id("110105194913310021") == ("110105194913310021", "invalid_date", None)
    # Excel: a number shown in scientific notation, or its last three digits zeroed
    sci = normalise_id("1.10105194912310E+17")
    assert sci == ("110105194912310000", "precision_lost", dt.date(1949, 12, 31))
    assert normalise_id("110105194912310000").status == "precision_lost"
    for empty in (None, "", "  ", "无", "\ufeff"):
        assert normalise_id(empty) == (None, "missing", None)


def test_name_normalisation_from_the_rules_wording():
    assert normalise_name("阿依古丽•买买提") == "阿依古丽·买买提"
    assert normalise_name("艾力．吐尔逊") == "艾力·吐尔逊"  # full-width full stop
    assert normalise_name("巴图・斯琴") == "巴图·斯琴"
    assert normalise_name("張　三\u200b") == "张三"  # traditional, ideographic space, invisible
    assert normalise_name(" \t") is None
    assert pinyin_key("张三") == pinyin_key("章三") == "zhangsan"


def _id18(first17: str) -> str:
    return first17 + check_char(first17)


people = st.builds(lambda prefix, day, seq: _id18(f"{prefix}{day:%Y%m%d}{seq:03d}"),
                   st.sampled_from(["620421", "110105", "620402"]),
                   st.dates(dt.date(1900, 1, 1), dt.date(1999, 12, 31)),
                   st.integers(0, 999))
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


DAMAGES = (
    lambda s, i: s,
    lambda s, i: s[:6] + s[8:17],                               # 15-digit form
    lambda s, i: s[:i] + str((int(s[i]) + 1) % 10) + s[i + 1:],  # one digit substituted
    lambda s, i: s[:i] + s[i + 1:i + 2] + s[i] + s[i + 2:],      # adjacent swap
    lambda s, i: f"{float(s):.14E}",                             # a number, as Excel shows it
    lambda s, i: f"{float(s):.5E}",                              # ... in its general format
    lambda s, i: s[:15] + "000",                                 # zeroed by a round trip
    lambda s, i: s.translate(FULLWIDTH),
    lambda s, i: s[:6] + " " + s[6:14] + " " + s[14:],
    lambda s, i: "'" + s,
    lambda s, i: s.replace("X", "x"),
    lambda s, i: "",
    lambda s, i: "无",
)
NUMERIC = (4, 5, 6)  # only all-digit IDs are stored as numbers


@settings(max_examples=300, deadline=None)
@given(people, st.integers(0, len(DAMAGES) - 1), st.integers(0, 15))
def test_oracle_and_product_agree_on_every_damage_the_county_writes(id18, kind, pos):
    """The damage the generator does (synth/cases_identity.py), one kind at a time."""
    assume(kind not in NUMERIC or id18.isdigit())
    raw = DAMAGES[kind](id18, pos)
    ours, theirs = normalise_id(raw), product_id.normalise_id(raw)
    assert (ours.idn, ours.status, ours.birth) == \
        (theirs.id_number, theirs.status, theirs.birth_date), raw


HAN = st.sampled_from("张王李赵马艾力古丽買賣提張?*")
NOISE = st.text(st.sampled_from("张王李買賣　 \u200b\t"), max_size=3)
part = st.builds(lambda first, rest: first + rest, HAN, NOISE)
names = st.one_of(part, st.builds(lambda a, sep, b: a + sep + b, part,
                                  st.sampled_from("·•・.．"), part))


@settings(max_examples=300, deadline=None)
@given(names)
def test_oracle_and_product_agree_on_names(raw):
    """Names as the county writes them: a separator, if any, between two parts."""
    ours, theirs = normalise_name(raw), product_name.normalise_name(raw)
    assert ours == theirs, raw
    assert pinyin_key(ours) == product_name.pinyin_key(theirs)
