"""RULES.md §2: a department record to the ledger, step by step.

The easy majority (a valid ID equal to a ledger ID with the same raw name) is
decided set-wise; everything else goes through ``decide`` one record at a time.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from synth.oracle.identity import CONVERTED_15, INVALID_CHECKSUM, VALID
from synth.oracle.names import compare

DEPARTMENT = ("household_registry", "cremations", "assistance", "death_certificates",
              "family_planning", "enrollment", "enterprise_pension", "poverty_monitoring")
DIGITS = "0123456789"


class Ledger:
    def __init__(self, participants: pd.DataFrame) -> None:
        self.name = dict(zip(participants["idn"], participants["name"]))
        self.sex = dict(zip(participants["idn"], participants["sex"]))
        by_birth: dict = {}
        for i, b in zip(participants["idn"], participants["birth_date"].to_numpy("datetime64[D]")):
            by_birth.setdefault(b, []).append(i)
        self.by_birth = by_birth

    def neighbours(self, idn: str) -> list[str]:
        """Ledger IDs one substituted character or one adjacent swap away."""
        out = set()
        for pos in range(len(idn)):
            for d in DIGITS + ("X" if pos == 17 else ""):
                if d != idn[pos]:
                    cand = idn[:pos] + d + idn[pos + 1:]
                    if cand in self.name:
                        out.add(cand)
        for pos in range(len(idn) - 1):
            if idn[pos] != idn[pos + 1]:
                cand = idn[:pos] + idn[pos + 1] + idn[pos] + idn[pos + 2:]
                if cand in self.name:
                    out.add(cand)
        return sorted(out)


def decide(ledger: Ledger, idn, status, name, birth, sex) -> tuple[str, str | None, list]:
    """(method, ledger id, review rows [(ledger id, reason)]) for one record."""
    if status in (VALID, CONVERTED_15):
        if idn in ledger.name:
            if compare(name, ledger.name[idn]) != "differ":
                return ("id" if status == VALID else "id15"), idn, []
            return "review", None, [(idn, "id_name_mismatch")]
        return "none", None, []
    if status == INVALID_CHECKSUM and idn and len(idn) == 18:
        agreeing = [c for c in ledger.neighbours(idn) if compare(name, ledger.name[c]) == "agree"]
        if len(agreeing) == 1:
            return "id_repaired", agreeing[0], []
        if len(agreeing) > 1:
            return "review", None, [(c, "id_repaired") for c in agreeing]
    if birth is None or pd.isna(birth):
        return "none", None, []
    cands = []
    for c in ledger.by_birth.get(np.datetime64(birth, "D"), []):
        if sex and ledger.sex.get(c) and ledger.sex[c] != sex:
            continue
        verdict = compare(name, ledger.name[c])
        if verdict != "differ":
            cands.append((c, verdict))
    if len(cands) == 1 and cands[0][1] == "agree":
        return "name_dob", cands[0][0], []
    if cands:
        return "review", None, [(c, "fuzzy_match") for c, _ in cands]
    return "none", None, []


def match_table(ledger: Ledger, df: pd.DataFrame, table: str) -> tuple[pd.DataFrame, list]:
    """Per record: method, ledger_id, key (ledger ID, else own valid ID); review rows."""
    idn = df["idn"].to_numpy()
    status = df["id_status"].to_numpy()
    names = df["name"].to_numpy()
    ok = np.isin(status, (VALID, CONVERTED_15))
    lname = pd.Series(idn).map(ledger.name).to_numpy()
    fast = ok & (lname == names)
    method = np.where(fast, np.where(status == VALID, "id", "id15"), None).astype(object)
    lid = np.where(fast, idn, None).astype(object)
    own_birth = df["birth_date"].to_numpy("datetime64[D]") if "birth_date" in df else None
    id_birth = df["id_birth"].to_numpy("datetime64[D]")
    sexes = df["sex"].to_numpy() if "sex" in df else None
    reviews = []
    for r in np.flatnonzero(~fast):
        birth = own_birth[r] if own_birth is not None and not np.isnat(own_birth[r]) else id_birth[r]
        birth = None if np.isnat(birth) else birth
        m, l, rv = decide(ledger, idn[r], status[r], names[r], birth,
                          sexes[r] if sexes is not None else None)
        method[r], lid[r] = m, l
        reviews += [(table, r, c, reason) for c, reason in rv]
    key = np.where(lid != None, lid, np.where(ok, idn, None))
    return pd.DataFrame({"method": method, "ledger_id": lid, "key": key}, index=df.index), reviews
