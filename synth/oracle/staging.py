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


def _text(values: pd.Series) -> np.ndarray:
    """Raw values as text, missing as '' (``fillna('').astype(str)``, without a
    Python call per value when they are text already)."""
    arr = values.to_numpy(dtype=object, na_value="").copy()
    arr[pd.isna(arr)] = ""
    if pd.api.types.infer_dtype(arr, skipna=False) != "string":
        arr = np.array([str(v) for v in arr], dtype=object)
    return arr


def row_groups(df: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """A number per row, equal exactly when every value of ``cols`` is (missing
    equals missing). Column by column, the rows already unique are numbered and
    set aside, so the later columns are compared only among the few rows that
    still have a twin."""
    n = len(df)
    label = np.empty(n, dtype=np.int64)
    rows = np.arange(n)
    sub = np.zeros(n, dtype=np.int64)
    done = 0
    for c in cols:
        col = df[c] if len(rows) == n else df[c].iloc[rows]
        codes, uniq = pd.factorize(col, use_na_sentinel=True)
        sub, _ = pd.factorize(sub * (len(uniq) + 1) + (codes + 1))
        twin = pd.Series(sub).duplicated(keep=False).to_numpy()
        single = rows[~twin]
        label[single] = done + np.arange(len(single))
        done += len(single)
        rows, sub = rows[twin], sub[twin]
        if not len(rows):
            break
    label[rows] = done + sub
    return label


def stage(records: dict[str, pd.DataFrame], tables: dict, file_order: dict[str, int]) -> dict:
    """Accepted, de-duplicated rows per table (columns + idn/id_status/id_birth)."""
    out = {}
    for name, df in records.items():
        cfg = tables[name]
        bad = df["_bad"].notna().to_numpy()
        df = df[~bad] if bad.any() else df
        if "id_number" in cfg.columns:
            numeric = df["_id_num"].to_numpy(dtype=bool)
            raw = _text(df["id_number"])
            tagged = raw.copy()
            tagged[numeric] = "#" + raw[numeric]
            codes, uniq = pd.factorize(tagged)  # each ID once
            uniq = pd.Series(uniq, dtype=object)
            ids = normalise_ids(uniq.str.removeprefix("#"), uniq.str.startswith("#").to_numpy())
            df = df.assign(**{c: ids[c].to_numpy()[codes] for c in ids.columns})
            ok = df["id_status"].isin(ID_OK).to_numpy()
            if cfg.kind == "ledger":
                keep = df["id_status"].to_numpy() == VALID
            else:
                keep = ~np.isnat(df["id_birth"].to_numpy())
                if "birth_date" in df:
                    keep |= df["birth_date"].notna().to_numpy()
                keep |= ok
            df = df[keep]
        fcodes, files = pd.factorize(df["_file"])
        order_of = np.array([file_order[f] for f in files], dtype=np.int64)[fcodes]
        perm = np.lexsort((df["_row"].to_numpy(), order_of))
        df, order_of = df.iloc[perm], order_of[perm]
        value_cols = (["idn"] if "id_number" in cfg.columns else []) + \
            [c for c in cfg.columns if c != "id_number"]
        # Rows are equal when every value is.
        row_hash = row_groups(df, value_cols)
        if cfg.money_table:  # copies within the file holding most copies (first on a tie) kept
            per_file = pd.DataFrame({"h": row_hash, "o": order_of})
            n = per_file.groupby(["h", "o"])["o"].transform("size")
            best = per_file.assign(n=n.to_numpy()).sort_values(["h", "n", "o"],
                                                              ascending=[True, False, True])
            kept = best.drop_duplicates("h").set_index("h")["o"]
            df = df[order_of == kept.reindex(row_hash).to_numpy()]
        else:
            df = df[~pd.Series(row_hash).duplicated(keep="first").to_numpy()]
        out[name] = objectify(df.reset_index(drop=True))
    return out
