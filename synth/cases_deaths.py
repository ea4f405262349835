"""Injected deaths and signs of life (RULES §3). Each is a tracked case whose
``expect`` says which list rows it must produce."""
from __future__ import annotations

import numpy as np
import pandas as pd

from synth.groups import close_medical
from synth.world import World

SOURCES = ("d_ps", "d_health", "d_civil", "d_med")  # RULES §3 order of precedence
SOURCE_KEYS = {"d_ps": "public_security", "d_health": "health", "d_civil": "civil_affairs",
               "d_med": "medical_insurance"}
DEC, FUN = ("deceased_accounts", "deceased", ""), ("funeral_grants", "funeral_grant_owed", "")

# kind: (rate, who, expectation, description)
KINDS = {
    "dead_recipient_paid_on": (0.0012, "recipient", [DEC, FUN], "领取人死亡后仍在发放"),
    "dead_recipient_suspended": (0.0004, "recipient", [DEC, FUN], "领取人死亡, 已暂停发放未终止"),
    "dead_recipient_closed_owed": (0.0003, "recipient", [FUN], "已终止发放, 丧葬补助未发"),
    "dead_recipient_grant_paid": (0.0001, "recipient", [DEC], "丧葬补助已发, 账户未终止"),
    "dead_before_funeral_start": (0.00005, "old", [DEC], "丧葬补助政策开始前死亡, 账户未终止"),
    "dead_contributor": (0.0003, "payer", [DEC], "缴费人死亡, 账户未终止"),
    "dead_contributor_closed": (0.0001, "payer", [], "缴费人死亡, 已终止参保"),
    "dead_non_participant": (0.0002, "payer", [], "未参保人员死亡 (户籍未注销)"),
    "late_signal_contribution": (0.0001, "payer", [DEC], "死亡后31天内银行扣缴"),
    "late_signal_claim": (0.0001, "recipient", [DEC, FUN], "死亡后31天内医保结算"),
    "alive_signal_contribution": (0.00005, "payer", None, "死亡记录后仍有缴费 (>31天)"),
    "alive_signal_claim": (0.00005, "recipient", None, "死亡记录后仍有医保结算 (>31天)"),
}


def _offsets(rng: np.random.Generator, k: int, conflict: bool, window: int) -> list[int]:
    """Day offsets of k sources from the death: all within the window of each other,
    or one of them more than the window away."""
    out = [0] + [int(rng.integers(0, window + 1)) for _ in range(k - 1)]
    if conflict and k > 1:
        out[int(rng.integers(1, k))] = int(rng.integers(window + 10, window + 120))
    return out


def kill(world: World, i: int, d: np.datetime64, sources: list[str], offsets: list[int],
         rng: np.random.Generator) -> np.datetime64:
    """Record a death on ``d`` in the given sources; returns the rule's death date."""
    p = world.people
    p.at[i, "death"] = d
    for src, off in zip(sources, offsets):
        when = d + off
        if src == "d_ps":
            p.at[i, "hukou"], p.at[i, "cancel_reason"], p.at[i, "cancel_date"] = "注销", "死亡", when
            p.at[i, "d_ps"] = when
        elif src == "d_med":
            if pd.isna(p.at[i, "med_type"]):
                p.at[i, "med_type"], p.at[i, "med_status"] = "城乡居民基本医疗保险", "参保缴费"
            p.at[i, "med_status"], p.at[i, "med_end_reason"] = "终止参保", "死亡"
            p.at[i, "d_med"] = p.at[i, "med_end_date"] = when
        else:
            p.at[i, src] = when
    rule = rule_death(world, i)
    close_medical(world, i, min(d, rule), rng, as_death=False)
    return rule


def rule_death(world: World, i: int) -> np.datetime64:
    for src in SOURCES:
        v = world.people.at[i, src]
        if pd.notna(v):
            return np.datetime64(v, "D")
    raise ValueError(f"no death source for person {i}")


def pools(world: World) -> dict[str, np.ndarray]:
    p, ages = world.people, world.ages
    clean = ~p["ent"].to_numpy() & p["asst_cat"].isna().to_numpy() & ~p["returned"].to_numpy() \
        & p["fp_cat"].isna().to_numpy()
    age = p["age"].to_numpy()
    drawing = (p["benefit_status"] == "正常发放").to_numpy()
    bstart = p["benefit_start"].to_numpy("datetime64[M]")
    rec = clean & drawing & (bstart < world.first_pay_month - 1) & (age >= 66)
    payer = clean & (p["role"] == "payer").to_numpy() & p["ledger"].to_numpy() \
        & (age >= max(ages.contribute_min, 20)) & (age < ages.pension_age - 1) \
        & (p["first_year"] <= world.year - 2).to_numpy()
    old = rec & (bstart <= np.datetime64(world.policy.funeral_grant.start_date, "M") - 6)
    return {"recipient": rec, "payer": payer, "old": old}


def inject_deaths(world: World) -> None:
    rng = world.rng("deaths")
    pl = pools(world)
    p = world.people
    win = world.window
    start = np.datetime64(world.policy.funeral_grant.start_date, "D")
    for kind, (rate, who, expect, desc) in KINDS.items():
        for i in world.pick(f"death:{kind}", pl[who], world.n_cases(rate)):
            signal = kind.startswith(("alive", "late"))
            k = 1 if signal else int(rng.integers(1, 5))
            if kind == "dead_non_participant":  # the registry still shows them as resident
                choices = ["d_health", "d_civil", "d_med"]
            elif signal:  # the medical record must stay open to carry a claim
                choices = ["d_ps", "d_health", "d_civil"]
            else:
                choices = list(SOURCES)
            sources = sorted(rng.choice(choices, min(k, len(choices)), replace=False).tolist(),
                             key=SOURCES.index)
            conflict = rng.random() < 0.35 and kind != "dead_before_funeral_start"
            offs = _offsets(rng, len(sources), conflict, win)
            if kind == "dead_before_funeral_start":
                d = start - int(rng.integers(60, 700))
            elif signal and who == "payer":
                lo = max(np.datetime64(f"{world.year - 1}-01-01", "D"), world.today - 400)
                hi = world.today - (win + 10 if kind.startswith("alive") else 2)
                d = lo + int(rng.integers(0, max(1, (hi - lo).astype(int))))
            else:
                lo = (world.first_pay_month + 2).astype("datetime64[D]")
                hi = world.today - max(offs) - 45
                d = lo + int(rng.integers(0, max(1, (hi - lo).astype(int))))
            rule = kill(world, i, d, sources, offs, rng)
            rule_m = rule.astype("datetime64[M]")
            if who in ("recipient", "old"):
                _recipient(world, i, kind, rule_m, d, rng)
            else:
                _payer(world, i, kind, rule, rng)
            if kind.startswith("alive"):
                exp = [("review_queue", "alive_signal_after_death",
                        "pension" if who == "payer" else "medical_insurance")]
                claim = int(rng.integers(win + 5, max(win + 6, (world.today - rule).astype(int))))
                if who != "payer":
                    if pd.isna(p.at[i, "med_type"]):
                        p.at[i, "med_type"] = "城乡居民基本医疗保险"
                    p.at[i, "med_status"] = "参保缴费"
                    p.at[i, "med_claim"] = rule + claim
            else:
                exp = expect
            if kind == "late_signal_claim":
                if pd.isna(p.at[i, "med_type"]):
                    p.at[i, "med_type"] = "城乡居民基本医疗保险"
                if p.at[i, "med_end_reason"] != "死亡":
                    p.at[i, "med_status"] = "参保缴费"
                p.at[i, "med_claim"] = rule + int(rng.integers(1, win + 1))
            srcs = "|".join(sorted(SOURCE_KEYS[s] for s in sources))
            world.case(kind, i, list(exp), f"{desc}; 死亡 {rule} ({srcs}); 冲突={conflict}")


def _recipient(world: World, i: int, kind: str, rule_m, d, rng) -> None:
    p = world.people
    if kind == "dead_recipient_suspended":
        p.at[i, "benefit_status"] = "暂停发放"
        p.at[i, "pay_to"] = rule_m - int(rng.integers(0, 2))
    elif kind == "dead_recipient_closed_owed":
        p.at[i, "enrol_status"], p.at[i, "benefit_status"] = "终止参保", "终止发放"
        p.at[i, "pay_to"] = rule_m - int(rng.integers(0, 2))
    elif kind == "dead_recipient_grant_paid":
        p.at[i, "pay_to"] = rule_m
        p.at[i, "grant"], p.at[i, "grant_date"] = True, min(d + 40, world.today)
    elif kind == "dead_before_funeral_start":
        p.at[i, "benefit_status"] = "暂停发放"
        p.at[i, "pay_to"] = np.datetime64("NaT")
    elif kind.startswith("alive"):
        pass  # alive in fact: the pension goes on
    # paid_on and late_signal_claim: payments go on to the as-of month


def _payer(world: World, i: int, kind: str, rule, rng) -> None:
    p = world.people
    y = int(str(rule)[:4])
    p.at[i, "gap_year"] = 0
    if kind == "dead_contributor_closed":
        p.at[i, "enrol_status"] = "终止参保"
    if kind == "dead_non_participant":
        p.at[i, "ledger"] = False
        p.at[i, "category"] = None
    if kind.startswith(("alive", "late")):
        world.signals.append((i, kind, rule))
        p.at[i, "last_year"] = world.year
    else:
        p.at[i, "last_year"] = y - 1
