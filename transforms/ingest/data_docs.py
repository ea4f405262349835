"""Data docs of the data contracts: an index and one HTML page per suite.

Rendered from the GX validation results with our own templates (Chinese, for
the county's data officer) rather than GX's site builder, so the pages hold no
run ids or timestamps: the same inputs give byte-identical pages.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import jinja2

from transforms.ingest.result import IngestResult
from transforms.normalise.id import mask

log = logging.getLogger(__name__)

LABELS = {
    "expect_column_values_to_be_in_set": "取值在允许的范围内",
    "expect_column_values_to_not_be_in_set": "取值不在排除的范围内",
    "expect_column_values_to_match_regex": "格式正确",
    "expect_column_values_to_be_between": "数值或日期在合理区间内",
    "expect_column_pair_values_a_to_be_greater_than_b": "前一列的日期不早于后一列",
    "expect_column_values_to_not_be_null": "不为空",
}
SAMPLES = 10
_HIDDEN_KWARGS = {"column", "column_A", "column_B", "result_format", "batch_id",
                  "include_config", "catch_exceptions"}
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True, keep_trailing_newline=True)


def _params(kwargs: dict) -> str:
    shown = {k: v for k, v in kwargs.items() if k not in _HIDDEN_KWARGS and v is not None}
    return json.dumps(shown, ensure_ascii=False, default=_text, sort_keys=True)


def _text(value) -> str:
    """A sample value as an officer reads it (a date without 00:00:00, 12.5 not 12.50000)."""
    if value is None:
        return "空"
    if hasattr(value, "isoformat") and hasattr(value, "hour"):
        return value.date().isoformat() if value.hour == value.minute == value.second == 0 \
            else value.isoformat(sep=" ")
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _samples(column: str, result: dict) -> list[dict]:
    counts = result.get("partial_unexpected_counts") or []
    out = []
    for item in counts[:SAMPLES]:
        value = item.get("value")
        if column in ("id_number", "id_raw") and isinstance(value, str):
            value = mask(value)
        out.append({"value": _text(value), "count": item.get("count")})
    return out


def _merged(results: list[dict]) -> dict:
    """One expectation's result over a table staged in several batches: counts summed,
    the sample values' counts added up (one batch: GX's own result)."""
    if len(results) == 1:
        return results[0]
    unexpected = sum(r.get("unexpected_count", 0) or 0 for r in results)
    elements = sum(r.get("element_count", 0) or 0 for r in results)
    missing = sum(r.get("missing_count", 0) or 0 for r in results)
    counted = elements - missing if any("missing_count" in r for r in results) else elements
    samples: dict = {}
    for r in results:
        for item in r.get("partial_unexpected_counts") or []:
            value = item.get("value")
            samples[value] = samples.get(value, 0) + (item.get("count") or 0)
    return {"unexpected_count": unexpected, "element_count": elements,
            "unexpected_percent": 100 * unexpected / counted if counted else None,
            "partial_unexpected_counts": sorted(
                ({"value": v, "count": c} for v, c in samples.items()),
                key=lambda item: -item["count"])}


def _expectation_rows(validations: list) -> list[dict]:
    """The rows of a suite's page; ``validations`` holds one result per staged batch."""
    rows = []
    for items in zip(*(v.results for v in validations)):
        config = items[0].expectation_config
        kwargs = dict(config.kwargs)
        columns = kwargs.get("column") or ", ".join(
            kwargs[k] for k in ("column_A", "column_B") if kwargs.get(k))
        result = _merged([item.result or {} for item in items])
        percent = result.get("unexpected_percent")
        rows.append({
            "type": config.type, "label": LABELS.get(config.type, ""), "columns": columns,
            "params": _params(kwargs), "success": all(bool(item.success) for item in items),
            "unexpected_count": result.get("unexpected_count", 0) or 0,
            "unexpected_percent": "" if percent is None else f"{percent:.2f}%",
            "samples": _samples(kwargs.get("column", ""), result),
        })
    return rows


def write_data_docs(result: IngestResult, out_dir: Path) -> Path:
    """Write ``out_dir/data_docs/index.html`` and a page per validated suite; returns the index."""
    docs = Path(out_dir) / "data_docs"
    docs.mkdir(parents=True, exist_ok=True)
    for old in docs.glob("suite_*.html"):  # pages of an earlier run into the same folder
        old.unlink()
    suites = []
    for table, info in result.tables.items():
        validations = result.validations.get(table) or []
        entry = {"table": table, "source": info.source, "files": info.files, "rows": info.rows,
                 "validated": bool(validations), "quarantined": info.gx_failed_rows,
                 "page": f"suite_{table}.html", "evaluated": 0, "failed": 0}
        if validations:
            expectations = _expectation_rows(validations)
            entry["evaluated"] = len(expectations)
            entry["failed"] = sum(not e["success"] for e in expectations)
            checked = sum(max((e.result.get("element_count", 0) or 0 for e in v.results),
                              default=0) for v in validations)
            page = _ENV.get_template("data_docs_suite.html.j2").render(
                table=table, source=info.source, as_of=result.as_of.isoformat(),
                rows_checked=checked, evaluated=entry["evaluated"],
                passed=entry["evaluated"] - entry["failed"], failed=entry["failed"],
                quarantined=info.gx_failed_rows, expectations=expectations)
            (docs / entry["page"]).write_text(page, encoding="utf-8")
        suites.append(entry)
    index = docs / "index.html"
    index.write_text(_ENV.get_template("data_docs_index.html.j2").render(
        as_of=result.as_of.isoformat(), suites=suites), encoding="utf-8")
    log.info("data docs: %s (%d suites validated)", index,
             sum(s["validated"] for s in suites))
    return index
