"""Identity cases (RULES §1-§2): pairs with the same name and birthday, damaged
and legacy IDs, garbled names, records that must go to the review queue."""
from __future__ import annotations

import numpy as np
import pandas as pd

from synth import ids, names
from synth.oracle.names import compare
from synth.world import World, objectify

FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
DEPARTMENT = ("household_registry", "cremations", "assistance", "death_certificates",
              "family_planning", "enrollment", "enterprise_pension", "poverty_monitoring")


def _recipients(world: World) -> np.ndarray:
    p = world.people
    return ((p["benefit_status"] == "正常发放") & (p["age"] >= 66) & ~p["ent"]
            & p["asst_cat"].isna() & ~p["returned"] & p["fp_cat"].isna()).to_numpy() \
        & (p["benefit_start"].to_numpy("datetime64[M]") < world.first_pay_month - 1)


def make_pairs(world: World) -> None:
    """Two ledger recipients with the same name, birth date and sex whose IDs
    differ in digit 16 (and the check): a damaged ID one digit from both."""
    p, rng = world.people, world.rng("pairs")
    world.pairs = []
    pool = _recipients(world)
    known = set(p["id"])
    for a in world.pick("pair_a", pool, world.n_cases(0.00005)):
        same = pool & (p["sex"].to_numpy() == p.at[a, "sex"])
        bs = world.pick(f"pair_b{a}", same, 1)
        if not len(bs):
            continue
        b = int(bs[0])
        while True:
            twin = ids.twin_id(p.at[a, "id"], rng)
            if twin not in known and not ids.repair_ambiguity(p.at[a, "id"], twin).endswith("000"):
                break
        known.add(twin)
        p.at[b, "id"] = twin
        for col in ("name", "birth", "age", "enrol_date", "benefit_start", "first_year",
                    "last_year"):
            p.at[b, col] = p.at[a, col]
        if pd.isna(p.at[a, "med_type"]):
            p.at[a, "med_type"], p.at[a, "med_status"] = "城乡居民基本医疗保险", "参保缴费"
        world.pairs.append((int(a), b))
        exp = [("review_queue", "fuzzy_match", "health"),
               ("review_queue", "id_repaired", "medical_insurance")]
        for who in (a, b):
            world.case("same_name_dob_pair", who, list(exp), f"同名同生日 {p.at[a, 'name']}")


def _append(world: World, table: str, row: dict) -> None:
    df = world.records[table]
    new = pd.DataFrame([row]).astype({k: df[k].dtype for k in row if k in df and df[k].dtype.kind == "M"})
    world.records[table] = objectify(pd.concat([df, new], ignore_index=True))


def _certificate(world: World, pid: int, name: str, rng) -> None:
    p = world.people
    _append(world, "death_certificates", {
        "id_number": "", "name": name, "sex": p.at[pid, "sex"], "birth_date": p.at[pid, "birth"],
        "death_date": np.datetime64(world.today - int(rng.integers(40, 300)), "s"),
        "death_place": "家中", "issuer": "乡镇卫生院", "_pid": pid, "_id_num": False, "_bad": None})


def damage_records(world: World) -> None:
    rng = world.rng("identity")
    p, rec = world.people, world.records
    enr = rec["enrollment"]
    for a, b in world.pairs:
        _certificate(world, a, p.at[a, "name"], rng)
        row = np.flatnonzero(enr["_pid"].to_numpy() == a)[0]
        enr.at[row, "id_number"] = ids.repair_ambiguity(p.at[a, "id"], p.at[b, "id"])
    pool = _recipients(world)
    for a in world.pick("fuzzy", pool, world.n_cases(0.0001)):
        garbled = names.homophone(rng, p.at[a, "name"]) or names.placeholder(rng, p.at[a, "name"])
        _certificate(world, a, garbled, rng)
        world.case("fuzzy_close_name", a, [("review_queue", "fuzzy_match", "health")],
                   f"死亡证明无身份证号, 姓名 {garbled}")
    has_med = pool & p["med_type"].notna().to_numpy()
    for a in world.pick("mismatch_a", pool, world.n_cases(0.0001)):
        for b in world.pick(f"mismatch_b{a}", has_med, 3):
            if compare(p.at[a, "name"], p.at[b, "name"]) == "differ":
                row = np.flatnonzero(enr["_pid"].to_numpy() == b)[0]
                enr.at[row, "id_number"] = p.at[a, "id"]
                world.case("id_name_mismatch", a, [("review_queue", "id_name_mismatch",
                                                    "medical_insurance")],
                           f"医保记录身份证号为本人, 姓名为 {p.at[b, 'name']}")
                break
    world.records["enrollment"] = enr
    _damage(world, rng)


def _damage(world: World, rng: np.random.Generator) -> None:
    """Damage that matching must see through: every such record still resolves to
    its person (legacy, repaired or name-and-birth-date matches, garbled names)."""
    p = world.people
    safe = p["ledger"].to_numpy() & ~world.close_groups
    for a, b in world.pairs:
        safe[[a, b]] = False
    born19 = p["birth"].dt.year.between(1900, 1999).to_numpy()
    plan = {  # table: [(kind, share of the table's eligible rows)]
        "household_registry": [("id15", .003), ("id_typo", .0003), ("id_swap", .0003),
                               ("missing", .0002), ("excel_zeroed", .0002), ("sci_short", .0001)],
        "enrollment": [("id15", .001), ("id_typo", .0003), ("id_swap", .0002), ("excel_number", .2)],
        "assistance": [("id15", .01), ("id_typo", .002), ("id_swap", .002)],
        "death_certificates": [("id15", .15), ("id_typo", .08), ("missing", .1),
                               ("excel_zeroed", .05)],
        "cremations": [("id15", .15), ("id_typo", .08), ("excel_number", .3)],
        "family_planning": [("id15", .02), ("id_typo", .005)],
        "enterprise_pension": [("id15", .01)],
        "poverty_monitoring": [("id15", .002)],
    }
    for table in DEPARTMENT:
        df = world.records[table]
        pid = df["_pid"].to_numpy()
        free = (df["id_number"].to_numpy() == p["id"].to_numpy()[pid]) & (pid >= 0)
        for kind, share in plan.get(table, []):
            ok = free & born19[pid] if kind == "id15" else free & safe[pid]
            if kind == "excel_number" and table == "enrollment":
                ok &= (df["insurance_type"] == "职工基本医疗保险").to_numpy()
            rows = np.flatnonzero(ok)
            k = min(len(rows), max(1, round(len(rows) * share))) if len(rows) else 0
            done = 0
            for r in rng.permutation(rows):
                if done == k:
                    break
                if kind in ("excel_number", "excel_zeroed", "sci_short") and not ids.excel_safe(df.at[r, "id_number"]):
                    continue
                _apply(world, df, int(r), kind, rng)
                free[r] = False
                done += 1
        _garble_names(world, df, free, rng, table)


def _apply(world: World, df: pd.DataFrame, r: int, kind: str, rng) -> None:
    raw = df.at[r, "id_number"]
    if kind == "id15":
        df.at[r, "id_number"] = ids.to15(raw)
    elif kind == "id_typo":
        df.at[r, "id_number"] = ids.substitute_digit(rng, raw)
    elif kind == "id_swap":
        df.at[r, "id_number"] = ids.swap_adjacent(rng, raw) or ids.substitute_digit(rng, raw)
    elif kind == "missing":
        df.at[r, "id_number"] = "" if rng.random() < 0.7 else "无"
    elif kind == "excel_number":
        df.at[r, "_id_num"] = True
    elif kind == "excel_zeroed":
        df.at[r, "id_number"] = ids.excel_zeroed(raw)
    elif kind == "sci_short":
        df.at[r, "id_number"] = f"{float(raw):.5E}"  # Excel general format: 6.20421E+17
    world.case(kind if kind.startswith("id") else f"id_{kind}", int(df.at[r, "_pid"]), [],
               f"{kind}: {raw} -> {df.at[r, 'id_number']}")


def _garble_names(world: World, df: pd.DataFrame, free: np.ndarray, rng, table: str) -> None:
    """Name noise on records whose ID is intact: the ID match stands (RULES §2)."""
    n = len(df)
    for kind, share, fn in (("name_traditional", .002, names.traditional),
                            ("name_homophone", .0005, lambda s: names.homophone(rng, s)),
                            ("name_placeholder", .0003, lambda s: names.placeholder(rng, s)),
                            ("name_spaces", .001, lambda s: names.spaced(rng, s)),
                            ("name_separator", 1.0, lambda s: names.separator(rng, s))):
        rows = np.flatnonzero(free)
        if kind == "name_separator":
            dotted = df["name"].str.contains("·", regex=False).fillna(False).to_numpy(dtype=bool)
            rows = rows[dotted[rows]]
            rows = rows[rng.random(len(rows)) < 0.5]
        else:
            k = min(len(rows), max(1, round(n * share)))
            rows = np.sort(rng.choice(rows, k, replace=False)) if k else rows[:0]
        for r in rows:
            new = fn(df.at[r, "name"])
            if new and new != df.at[r, "name"]:
                world.case(kind, int(df.at[r, "_pid"]), [], f"{table}: {df.at[r, 'name']} -> {new}")
                df.at[r, "name"] = new
                free[r] = False
    noise = np.flatnonzero(free)
    k = min(len(noise), round(n * .002))
    for r in (np.sort(rng.choice(noise, k, replace=False)) if k else []):
        raw = df.at[r, "id_number"]
        style = int(rng.integers(0, 4))
        df.at[r, "id_number"] = (raw.translate(FULLWIDTH), raw[:6] + " " + raw[6:14] + " " + raw[14:],
                                 "'" + raw, raw.replace("X", "x"))[style]
