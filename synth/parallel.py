"""A big county's blocks (``blocks.py``) in worker processes, and their truths as one.

Each worker writes one block's files straight into the inbox and its truth
into ``<truth>/.blocks/NN``; the parent then writes the county's truth: the
blocks' lists (sorted as one county's are), links, cases and quarantine rows
concatenated in block order, and ``truth.json`` with the summed counts and
the block plan. Every block is a fresh forked process (at most ``workers`` at
once), so memory is bounded by the block size, not by the county; a block
that fails stops the county with its exit code.
"""
from __future__ import annotations

import collections
import datetime as dt
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import shutil
import time
from pathlib import Path

import pandas as pd

from synth import blocks as blocks_mod
from synth import layout
from synth.world import Params, World, object_strings

log = logging.getLogger(__name__)
LIST_KEYS = ["list", "id_number", "reason", "key"]
_JOB: dict = {}  # set in the parent before the workers fork


def _one(block: blocks_mod.Block) -> None:
    """One block in a worker process; its counts go to ``<parts>/NNNN.json``."""
    from synth.generate import _generate

    job = _JOB
    t, cpu = time.perf_counter(), time.process_time()
    with object_strings():
        counts = _generate(block.people, job["seed"], job["as_of"], job["out"],
                           job["parts"] / f"{block.index:04d}", job["config"], job["params"],
                           block)
    counts["seconds"] = round(time.perf_counter() - t, 2)
    counts["cpu_seconds"] = round(time.process_time() - cpu, 2)
    counts["block"] = block.index
    log.info("block %d/%d: %d people in %.1fs", block.index + 1, block.count, block.people,
             counts["seconds"])
    (job["parts"] / f"{block.index:04d}.json").write_text(json.dumps(counts), encoding="utf-8")


def _run(plan: list, workers: int) -> list[dict]:
    """Every block in its own forked process, ``workers`` at a time. A block that
    fails (an exception, or a worker killed for memory) stops the county with
    its exit code instead of leaving the parent waiting."""
    ctx = multiprocessing.get_context("fork")
    queue, running = list(plan), {}
    try:
        while queue or running:
            while queue and len(running) < workers:
                block = queue.pop(0)
                proc = ctx.Process(target=_one, args=(block,), name=f"synth-block-{block.index}")
                proc.start()
                running[proc.sentinel] = (proc, block)
            for sentinel in multiprocessing.connection.wait(list(running)):
                proc, block = running.pop(sentinel)
                proc.join()
                if proc.exitcode != 0:
                    raise RuntimeError(f"synth block {block.index} failed (exit {proc.exitcode})")
    finally:
        for proc, _ in running.values():
            proc.terminate()
            proc.join()
    parts = _JOB["parts"]
    return [json.loads((parts / f"{b.index:04d}.json").read_text(encoding="utf-8")) for b in plan]


def generate_blocks(people: int, seed: int, as_of: dt.date, out: Path, truth: Path,
                    config, params: Params, workers: int | None) -> dict:
    t0 = time.perf_counter()
    plan = blocks_mod.plan(people, params.block_people)
    out.mkdir(parents=True, exist_ok=True)
    layout.clear(out, layout.source_folders(World(1, seed, as_of, config, params)))
    parts = truth / ".blocks"
    if parts.is_dir():
        shutil.rmtree(parts)
    parts.mkdir(parents=True)
    _JOB.update(seed=seed, as_of=as_of, out=out, parts=parts, config=config, params=params)
    workers = max(1, min(workers or os.cpu_count() or 1, len(plan)))
    results = _run(plan, workers)
    t1 = time.perf_counter()
    counts = merge(plan, results, parts, truth, as_of, seed, people, params)
    shutil.rmtree(parts)
    counts["timings"] = {"blocks": round(t1 - t0, 2), "merge": round(time.perf_counter() - t1, 2),
                         "block_seconds": [c["seconds"] for c in results],
                         "block_cpu_seconds": [c["cpu_seconds"] for c in results]}
    log.info("synth: %s people in %d blocks, %s files, timings %s", people, len(plan),
             len(counts["files"]), counts["timings"])
    return counts


def _concat_csv(sources: list[Path], target: Path) -> None:
    """CSV files with one header, streamed (links.csv of a province is gigabytes)."""
    with open(target, "wb") as dst:
        for i, src in enumerate(sources):
            with open(src, "rb") as f:
                header = f.readline()
                if i == 0:
                    dst.write(header)
                shutil.copyfileobj(f, dst, 16 << 20)


def merge(plan, results: list[dict], parts: Path, truth: Path, as_of, seed, people,
          params: Params) -> dict:
    dirs = [parts / f"{b.index:04d}" for b in plan]
    for name in ("lists.csv", "lists_detail.csv"):
        frames = [pd.read_csv(d / name, dtype=str, keep_default_na=False) for d in dirs]
        df = pd.concat(frames, ignore_index=True).sort_values(LIST_KEYS, kind="stable")
        df.to_csv(truth / name, index=False)
    for name in ("links.csv", "cases.csv", "quarantine.csv"):
        _concat_csv([d / name for d in dirs], truth / name)
    tables, cases, lists, check = (collections.Counter() for _ in range(4))
    files, encodings = {}, {}
    for c, d in zip(results, dirs):
        tables.update(c["tables"])
        cases.update(c["cases"])
        lists.update(c["lists"])
        check.update(c["check"])
        files.update(c["files"])
        encodings.update(json.loads((d / "truth.json").read_text("utf-8"))["encodings"])
    counts = {"tables": dict(tables), "files": files, "cases": dict(sorted(cases.items())),
              "lists": dict(sorted(lists.items())),
              "check": {k: int(check[k]) for k in ("oracle_only", "cases_only")}}
    meta = {"as_of": as_of.isoformat(), "seed": seed, "people": people,
            "payment_months": params.payment_months,
            "contribution_years": [as_of.year - params.history_years, as_of.year],
            "encodings": encodings, **counts,
            "blocks": [{"index": b.index, "people": b.people, "tag": b.tag,
                        "birth_days": f"day % {b.count} == {b.index}",
                        "area_codes": b.prefixes} for b in plan]}
    (truth / "truth.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n",
                                      encoding="utf-8")
    return counts
