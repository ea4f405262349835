"""Injected person-level cases: lapsed payers, unenrolled residents, the
enterprise scheme, special groups, contribution rows (RULES §4-§6)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from synth.groups import refresh_categories
from synth.schemes import NAT, employers
from synth.world import World

LEGACY = {"乌兰镇": "城关镇", "平堡镇": "平堡乡"}


def _m(y: int, m: int) -> np.datetime64:
    return np.datetime64(f"{y}-{m:02d}", "M")


def pools(world: World) -> dict[str, np.ndarray]:
    p, ages = world.people, world.ages
    age = p["age"].to_numpy()
    no_group = p["asst_cat"].isna().to_numpy() & ~p["returned"].to_numpy() \
        & p["fp_cat"].isna().to_numpy() & ~p["ent"].to_numpy()
    payer = no_group & (p["role"] == "payer").to_numpy() & p["ledger"].to_numpy() \
        & (p["enrol_status"] == "正常参保").to_numpy() & (age < ages.pension_age - 1)
    early = payer & (p["first_year"] <= world.year - 3).to_numpy() & (age >= 21)
    young = payer & (age <= ages.student_max)
    rec = no_group & (p["benefit_status"] == "正常发放").to_numpy() & (age >= 66) \
        & (p["benefit_start"].to_numpy("datetime64[M]") < world.first_pay_month - 1)
    return {"payer": early & ~p["tuopin"].to_numpy(), "young": young,
            "tuopin": early & p["tuopin"].to_numpy(), "recipient": rec,
            "legacy": early & p["town"].isin(list(LEGACY)).to_numpy()}


def inject(world: World) -> None:
    world.row_edits = []
    pl = pools(world)
    _lapsed(world, pl)
    _unenrolled(world, pl)
    _enterprise(world, pl)
    _special(world, pl)
    _contribution_rows(world, pl)


def _lapsed(world: World, pl) -> None:
    p, y, rng = world.people, world.year, world.rng("lapsed")
    for kind, rate in (("unpaid_this_year", 0.012), ("lapsed", 0.004), ("never_paid", 0.001),
                       ("never_paid_new", 0.0005), ("lapsed_bad_tier", 0.0002)):
        for i in world.pick(kind, pl["payer"], world.n_cases(rate)):
            p.at[i, "gap_year"] = 0
            reason = "lapsed"
            if kind == "unpaid_this_year":
                p.at[i, "last_year"], reason = y - 1, "unpaid_this_year"
            elif kind in ("lapsed", "lapsed_bad_tier"):
                p.at[i, "last_year"] = y - 2 if kind == "lapsed_bad_tier" else y - int(rng.integers(2, 4))
                if rng.random() < 0.4:
                    p.at[i, "enrol_status"] = "暂停缴费"
            else:
                yr = y - 2 if kind == "never_paid" else y
                hi = world.today if yr == y else np.datetime64(f"{yr}-12-31", "D")
                lo = np.datetime64(f"{yr}-01-01", "D")
                p.at[i, "enrol_date"] = lo + int(rng.integers(0, (hi - lo).astype(int) + 1))
                p.at[i, "first_year"], p.at[i, "last_year"] = yr, yr - 1
                reason = "lapsed" if kind == "never_paid" else "unpaid_this_year"
            expect = [("lapsed_payers", reason, "")]
            if kind == "lapsed_bad_tier":
                world.row_edits.append((i, y - 2, "invalid_tier"))
                expect.append(("contribution_issues", "invalid_tier", str(y - 2)))
            world.case(kind, i, expect, f"最后缴费年度 {p.at[i, 'last_year']}")


def _unenrolled(world: World, pl) -> None:
    p, y = world.people, world.year
    for kind, pool, rate in (("unenrolled", "payer", 0.006), ("unenrolled_student", "young", 0.002),
                             ("unenrolled_legacy_township", "legacy", 0.001),
                             ("unenrolled_closed", "payer", 0.001)):
        for i in world.pick(kind, pl[pool], world.n_cases(rate)):
            if kind == "unenrolled_closed":
                p.at[i, "enrol_status"], p.at[i, "last_year"] = "终止参保", y - 2
            else:
                p.at[i, "ledger"] = False
            if kind == "unenrolled_legacy_township":
                p.at[i, "legacy_town"] = True
            world.case(kind, i, [("unenrolled_residents", "unenrolled", "")],
                       f"年龄 {p.at[i, 'age']}, 户籍 {p.at[i, 'town']}")


def _enterprise(world: World, pl) -> None:
    p, y, rng = world.people, world.year, world.rng("ent_cases")
    rows = []
    last_m = int(str(world.asof_month)[5:7])
    for kind, pool, rate in (("ent_seal", "payer", 0.0003), ("ent_seal_overlap", "payer", 0.0003),
                             ("ent_refund_overlap", "payer", 0.0003),
                             ("ent_terminate_dual", "recipient", 0.0002),
                             ("ent_candidate", "payer", 0.0005)):
        for i in world.pick(kind, pl[pool], world.n_cases(rate)):
            ident = "企业职工" if rng.random() < 0.5 else "灵活就业人员"
            if kind == "ent_seal":
                rows.append((i, ident, "参保缴费", _m(y, int(rng.integers(1, last_m + 1))), NAT, NAT))
                p.at[i, "last_year"] = y - 1
                exp = [("enterprise_scheme", "seal", "")]
            elif kind == "ent_seal_overlap":
                rows.append((i, ident, "参保缴费", _m(y - 1, int(rng.integers(3, 10))), NAT, NAT))
                exp = [("enterprise_scheme", "seal", ""), ("enterprise_scheme", "refund_overlap", "")]
            elif kind == "ent_refund_overlap":
                rows.append((i, ident, "终止", _m(y - 3, int(rng.integers(6, 10))),
                             _m(y - 1, int(rng.integers(2, 6))), NAT))
                exp = [("enterprise_scheme", "refund_overlap", "")]
            elif kind == "ent_terminate_dual":
                pension = world.first_pay_month + int(rng.integers(1, world.params.payment_months - 1))
                rows.append((i, "灵活就业人员", "终止", _m(y - 17, 1), pension - 1, pension))
                exp = [("enterprise_scheme", "terminate_dual_pension", "")]
            else:
                p.at[i, "med_type"], p.at[i, "med_status"] = "职工基本医疗保险", "参保缴费"
                p.at[i, "med_employer"] = employers(rng, 1)[0]
                exp = [("enterprise_scheme", "candidate", "")]
            p.at[i, "ent"] = kind != "ent_candidate"
            world.case(kind, i, exp, "城乡居保与企业职工养老保险重复")
    new = pd.DataFrame(rows, columns=["pid", "identity", "status", "start", "end", "pension"])
    for c in ("start", "end", "pension"):
        new[c] = new[c].to_numpy().astype("datetime64[M]").astype("datetime64[s]")
    new["employer"] = np.where(new["identity"] == "企业职工", employers(rng, len(new)), None)
    world.ent = pd.concat([world.ent, new], ignore_index=True)


def _special(world: World, pl) -> None:
    p, y, rng = world.people, world.year, world.rng("sg_cases")
    stale = []
    for kind, pool, rate in (("sg_not_enrolled", "payer", 0.0003),
                             ("sg_not_enrolled_closed", "payer", 0.0001),
                             ("sg_not_paid_by_county", "payer", 0.0005),
                             ("sg_county_paid_ended", "payer", 0.0003),
                             ("sg_ended_clean", "payer", 0.0005),
                             ("sg_stale_category", "payer", 0.0003),
                             ("tuopin_county_paid", "tuopin", 0.0002)):
        for i in world.pick(kind, pl[pool], world.n_cases(rate)):
            key = str(y)
            exp: list[tuple[str, str, str]] = []
            if kind.startswith("sg_not_enrolled") or kind == "sg_not_paid_by_county":
                _join_group(p, i, rng, _m(y - 1, int(rng.integers(1, 13))))
                if kind == "sg_not_enrolled":
                    p.at[i, "ledger"] = False
                    exp = [("special_groups", "not_enrolled", key),
                           ("unenrolled_residents", "unenrolled", "")]
                elif kind == "sg_not_enrolled_closed":
                    p.at[i, "enrol_status"], p.at[i, "last_year"] = "终止参保", y - 2
                    exp = [("special_groups", "not_enrolled", key),
                           ("unenrolled_residents", "unenrolled", "")]
                else:
                    if rng.random() < 0.5:
                        p.at[i, "last_year"] = y - 1
                    else:
                        world.row_edits.append((i, y, "personal_only"))
                    exp = [("special_groups", "not_paid_by_county", key)]
            elif kind in ("sg_county_paid_ended", "sg_ended_clean"):
                p.at[i, "asst_cat"], p.at[i, "asst_start"] = "城乡低保", _m(y - 4, int(rng.integers(1, 13)))
                p.at[i, "asst_end"] = _m(y - 2, int(rng.integers(1, 7)))
                if kind == "sg_county_paid_ended":
                    t100 = rng.random() < 0.7
                    for yr in (y - 1, y):
                        world.row_edits.append((i, yr, "county_100" if t100 else "county_part"))
                        exp.append(("special_groups", "county_paid_not_eligible", str(yr)))
                        if t100:
                            exp.append(("contribution_issues", "tier_100_not_eligible", str(yr)))
                    if rng.random() < 0.5:
                        stale.append(i)
                        exp.append(("special_groups", "ledger_category_unsupported", key))
            elif kind == "sg_stale_category":
                stale.append(i)
                exp = [("special_groups", "ledger_category_unsupported", key)]
            else:  # 已脱贫人口 whose 100 the county still paid
                world.row_edits.append((i, y, "county_100"))
                exp = [("special_groups", "county_paid_not_eligible", key)]
            world.case(kind, i, exp, "特殊群体代缴")
    refresh_categories(world)
    p.loc[stale, "category"] = "低保对象"


def _join_group(p: pd.DataFrame, i: int, rng, since: np.datetime64) -> None:
    """A special group of the as-of year: assistance since last year, 返贫致贫 or
    family planning (these two count for every year; the contributions, made
    after this, are county-paid wherever the person is in a group)."""
    u = rng.random()
    if u < 0.6:
        p.at[i, "asst_cat"], p.at[i, "asst_start"] = "城乡低保", since
    elif u < 0.8:
        p.at[i, "returned"] = True
    else:
        p.at[i, "fp_cat"] = "独生子女父母"


def _contribution_rows(world: World, pl) -> None:
    rng = world.rng("ci_cases")
    p = world.people
    for kind, issue in (("ci_invalid_tier", "invalid_tier"), ("ci_tier100", "tier_100_not_eligible"),
                        ("ci_amount", "amount_mismatch"), ("ci_provincial", "provincial_subsidy_mismatch"),
                        ("ci_county", "county_subsidy_mismatch")):
        for i in world.pick(kind, pl["payer"], world.n_cases(0.0003)):
            yr = int(rng.integers(max(p.at[i, "first_year"], world.first_year), world.year + 1))
            if p.at[i, "gap_year"] == yr:
                p.at[i, "gap_year"] = 0
            world.row_edits.append((i, yr, issue))
            world.case(kind, i, [("contribution_issues", issue, str(yr))], f"{yr}年度缴费")
