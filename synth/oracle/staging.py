"""Ingest as CONTRACT §1 describes it, on the typed records the generator wrote:
quarantine, ID normalisation and exact duplicates. The files themselves are
not re-read: the oracle sees each value as the writer rendered it."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from synth.oracle.identity import CONVERTED_15, VALID, WEIGHTS, excel_rendering, normalise_id
from synth.world import objectify

ID_OK = (VALID, CONVERTED_15)


def normalise_ids(raw: pd.Series, numeric: np.ndarray) -> pd.DataFrame:
    """idn, id_status, id_birth for every raw ID: clean 18-character IDs set-wise,
    anything else through the oracle's own ``identity.normalise_id``."""
    text = raw.fillna("").astype(str).to_numpy(dtype=object)
    n = len(text)
    idn = np.empty(n, dtype=object)
    status = np.empty(n, dtype=object)
    birth = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    fast = pc.match_substring_regex(pa.array(text, type=pa.string()), "^[0-9]{17}[0-9X]$")
    fast = fast.to_numpy(zero_copy_only=False) & ~numeric
    f = np.flatnonzero(fast)
    good = np.zeros(0, dtype=bool)
    if len(f):
        digits = np.frombuffer("".join(text[f]).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
        d = digits[:, :17].astype(np.int64) - 48
        check = np.frombuffer(b"10X98765432", dtype=np.uint8)[(d @ np.array(WEIGHTS)) % 11]
        y = d[:, 6] * 1000 + d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
        m = d[:, 10] * 10 + d[:, 11]
        day = d[:, 12] * 10 + d[:, 13]
        ok_m = (m >= 1) & (m <= 12) & (day >= 1) & (y >= 1800)
        first = (np.clip(y, 1800, 2200) - 1970).astype("datetime64[Y]").astype("datetime64[M]") \
            + (np.clip(m, 1, 12) - 1)
        bd = first.astype("datetime64[D]") + (day - 1)
        ok_d = ok_m & (bd.astype("datetime64[M]") == first)
        good = (check == digits[:, 17]) & ok_d
        g = f[good]
        idn[g], status[g], birth[g] = text[g], VALID, bd[good]
    slow = np.concatenate([np.flatnonzero(~fast), f[~good]]).astype(int)
    for i in slow:
        value = excel_rendering(text[i]) if numeric[i] else text[i]
        res = normalise_id(value)
        idn[i], status[i] = res.idn, res.status
        if res.birth is not None:
            birth[i] = np.datetime64(res.birth, "D")
    return pd.DataFrame({"idn": pd.Series(idn, dtype=object), "id_status": pd.Series(status, dtype=object),
                         "id_birth": birth})


def stage(records: dict[str, pd.DataFrame], tables: dict, file_order: dict[str, int]) -> dict:
    """Accepted, de-duplicated rows per table (columns + idn/id_status/id_birth)."""
    out = {}
    for name, df in records.items():
        cfg = tables[name]
        df = df[df["_bad"].isna()].copy()
        if "id_number" in cfg.columns:
            numeric = df["_id_num"].to_numpy(dtype=bool)
            raw = df["id_number"].fillna("").astype(str).to_numpy(dtype=object)
            codes, uniq = pd.factorize(np.where(numeric, "#" + raw, raw))  # each ID once
            uniq = pd.Series(uniq, dtype=object)
            ids = normalise_ids(uniq.str.removeprefix("#"), uniq.str.startswith("#").to_numpy())
            ids = ids.iloc[codes].reset_index(drop=True)
            for c in ids.columns:
                df[c] = ids[c].to_numpy()
            ok = df["id_status"].isin(ID_OK).to_numpy()
            if cfg.kind == "ledger":
                df = df[df["id_status"] == VALID]
            else:
                has_bd = ~np.isnat(df["id_birth"].to_numpy())
                if "birth_date" in df:
                    has_bd |= df["birth_date"].notna().to_numpy()
                df = df[ok | has_bd]
        df = df.assign(_order=df["_file"].map(file_order)).sort_values(["_order", "_row"],
                                                                        kind="stable")
        value_cols = [c for c in cfg.columns if c != "id_number"] + \
            (["idn"] if "id_number" in cfg.columns else [])
        # Rows are equal when every value is: compared through a 64-bit row hash.
        row_hash = pd.util.hash_pandas_object(df[value_cols], index=False).to_numpy()
        if cfg.money_table:  # copies within the file holding most copies (first on a tie) kept
            per_file = pd.DataFrame({"h": row_hash, "o": df["_order"].to_numpy()})
            n = per_file.groupby(["h", "o"])["o"].transform("size")
            best = per_file.assign(n=n.to_numpy()).sort_values(["h", "n", "o"],
                                                              ascending=[True, False, True])
            kept = best.drop_duplicates("h").set_index("h")["o"]
            df = df[df["_order"].to_numpy() == kept.reindex(row_hash).to_numpy()]
        else:
            df = df[~pd.Series(row_hash).duplicated(keep="first").to_numpy()]
        out[name] = objectify(df.drop(columns="_order").reset_index(drop=True))
    return out
