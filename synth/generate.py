"""`recon synth`: a synthetic county inbox and its ground truth.

    generate(people, seed, as_of, out, truth, config) -> counts

Steps: base population -> schemes and groups -> injected person cases ->
money tables -> row cases -> typed records -> record-level damage ->
oracle (RULES.md on what was written) -> files -> truth.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

import numpy as np

from synth import (
    cases_deaths,
    cases_identity,
    cases_people,
    cases_rows,
    groups,
    layout,
    money,
    population,
    records,
    schemes,
)
from synth import truth as truth_out
from synth.oracle import run_oracle
from synth.world import Params, World, object_strings, objectify
from transforms.config import Config

log = logging.getLogger(__name__)


def build_world(people: int, seed: int, as_of: dt.date, config: Config,
                params: Params | None = None, block=None) -> World:
    """Everything up to the typed records and the file plan (no disk I/O)."""
    world = World(people, seed, as_of, config, params, block)
    t = time.perf_counter()
    world.people = population.build_people(world)
    world.people["legacy_town"] = False
    for step in (schemes.assign_roles, schemes.enterprise, groups.special_groups, groups.medical,
                 groups.settled_deaths):
        objectify(world.people)
        step(world)
    objectify(world.people)
    p = world.people
    world.used = (p["settled_dead"] | p["switcher"] | p["role"].isin(["moved"])).to_numpy().copy()
    world.used |= world.close_groups
    for i in np.flatnonzero(p["settled_dead"].to_numpy()):
        world.case("death_settled", i, [], "往年死亡, 已注销已终止")
    cases_identity.make_pairs(world)
    cases_deaths.inject_deaths(world)
    objectify(world.people)
    cases_people.inject(world)
    objectify(world.people)
    money.contributions(world)
    cases_rows.apply_row_edits(world)
    cases_rows.apply_signals(world)
    log.info("population and cases: %.1fs", time.perf_counter() - t)
    world.records = {t: objectify(df) for t, df in records.build(world).items()}
    cases_identity.damage_records(world)
    layout.plan(world)
    return world


def generate(people: int, seed: int, as_of: dt.date, out: Path, truth: Path,
             config: Config, params: Params | None = None, workers: int | None = None) -> dict:
    """Write a full inbox to ``out`` and its ground truth to ``truth``; return counts.

    A county of more than ``Params.block_people`` people is written as
    independent blocks, ``workers`` processes at once (default: every core);
    see ``blocks.py``. Smaller counties are one world, as they always were."""
    out, truth = Path(out), Path(truth)
    if truth.resolve().is_relative_to(out.resolve()):
        raise ValueError("the truth directory must not be inside the inbox")
    params = params or Params()
    if people > params.block_people:
        from synth import parallel
        return parallel.generate_blocks(people, seed, as_of, out, truth, config, params, workers)
    with object_strings():
        return _generate(people, seed, as_of, out, truth, config, params)


def _generate(people, seed, as_of, out, truth, config, params, block=None) -> dict:
    timings = {}
    t = time.perf_counter()
    world = build_world(people, seed, as_of, config, params, block)
    timings["build"] = time.perf_counter() - t
    t = time.perf_counter()
    result = run_oracle(world)
    timings["oracle"] = time.perf_counter() - t
    t = time.perf_counter()
    files = layout.write(world, out, replace=block is None)
    timings["write"] = time.perf_counter() - t
    counts = truth_out.write(world, result, files, truth)
    counts["timings"] = {k: round(v, 2) for k, v in timings.items()}
    log.info("synth: %s people, %s files, timings %s", people, len(files), counts["timings"])
    return counts
