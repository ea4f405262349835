"""The shared state of one synthetic county: config, dates, random streams, cases.

Generator parameters (shares, rates) live in ``Params``; they describe the
synthetic county, not policy. Every policy figure (ages, tiers, bands, basic
pension, funeral grant, day windows) is read from ``Config.policy``.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import warnings
import zlib
from decimal import Decimal

import numpy as np
import pandas as pd

from transforms.config import Config


@dataclasses.dataclass(frozen=True)
class Params:
    history_years: int = 4          # contributions for the as-of year and this many before
    payment_months: int = 24        # benefit_payments: the last 24 months up to the as-of month
    share_enterprise: float = 0.08  # of residents aged 16-59: in the enterprise scheme
    share_switcher: float = 0.15    # of those: earlier resident participants, account closed
    share_ent_retiree: float = 0.06  # of people 60+: drawing an enterprise pension
    share_elder_none: float = 0.03  # of people 60+: in no scheme (never enrolled)
    share_moved: float = 0.015      # of people 16+: household moved out of the county
    share_settled_dead: float = 0.006  # died in the last years, accounts settled properly
    share_no_medical: float = 0.05
    share_dibao: float = 0.04
    share_tekun: float = 0.004
    share_disabled: float = 0.008
    share_tuopin: float = 0.09
    share_returned_poor: float = 0.003
    share_edge_poor: float = 0.01
    share_family_planning: float = 0.015
    share_suspended_alive: float = 0.002  # living recipients whose pension is suspended
    share_gap_year: float = 0.02    # payers who skipped one past year (not a list case)
    case_scale: float = 1.0         # multiplies every anomaly rate
    min_cases: int = 2              # every anomaly kind at least this often
    block_people: int = 500_000     # a bigger county is written as independent blocks (blocks.py)


@dataclasses.dataclass
class Case:
    kind: str
    pid: int
    expect: list[tuple[str, str, str]]   # (list, reason, key) rows this case puts on lists
    description: str


class World:
    """Everything the generator steps share."""

    def __init__(self, people: int, seed: int, as_of: dt.date, config: Config,
                 params: Params | None = None, block=None) -> None:
        self.block = block  # a blocks.Block when this world is one block of a big county
        self.n = people
        self.seed = seed
        self.as_of = as_of
        self.cfg = config
        self.policy = config.policy
        self.params = params or Params()
        self.year = as_of.year
        self.first_year = as_of.year - self.params.history_years
        self.today = np.datetime64(as_of, "D")
        self.asof_month = np.datetime64(as_of.strftime("%Y-%m"), "M")
        self.first_pay_month = self.asof_month - (self.params.payment_months - 1)
        self.people: pd.DataFrame = pd.DataFrame()
        self.ent: pd.DataFrame = pd.DataFrame()
        self.contrib: pd.DataFrame = pd.DataFrame()
        self.cases: list[Case] = []
        self.used = np.zeros(0, dtype=bool)
        self.records: dict[str, pd.DataFrame] = {}
        self.files: list = []
        self.signals: list = []  # (pid, kind, rule death date): rows to place after death
        self.close_groups = np.zeros(0, dtype=bool)

    def rng(self, stream: str) -> np.random.Generator:
        """An independent random stream per step, so steps do not shift each other."""
        key = [self.seed, zlib.crc32(stream.encode())]
        return np.random.default_rng(key if self.block is None else key + [self.block.index])

    # policy figures -------------------------------------------------------------
    @property
    def ages(self):
        return self.policy.ages

    def tiers(self, year: int) -> list[int]:
        return [int(t) for t in self.policy.for_year(year).tiers]

    def special_tier(self, year: int) -> int:
        return int(self.policy.for_year(year).special_tier)

    def subsidy(self, year: int, tier: int) -> tuple[int, int]:
        for band in self.policy.for_year(year).subsidy_bands:
            if band.min_tier <= tier <= band.max_tier:
                return int(band.provincial), int(band.county)
        return 0, 0

    def basic_pension_fen(self, year: int) -> int:
        return int(self.policy.for_year(year).basic_pension_monthly * 100)

    @property
    def window(self) -> int:
        return self.policy.date_conflict_days

    @property
    def grant_fen(self) -> int:
        return int(self.policy.funeral_grant.amount * Decimal(100))

    # cases ------------------------------------------------------------------------
    def n_cases(self, rate: float) -> int:
        return max(self.params.min_cases, round(self.n * rate * self.params.case_scale))

    def pick(self, stream: str, mask: np.ndarray, k: int) -> np.ndarray:
        """k unused people among ``mask``, marked used (fewer when not enough)."""
        pool = np.flatnonzero(mask & ~self.used)
        k = min(k, len(pool))
        chosen = np.sort(self.rng(stream).choice(pool, k, replace=False)) if k else pool[:0]
        self.used[chosen] = True
        return chosen

    def case(self, kind: str, pid: int, expect: list[tuple[str, str, str]],
             description: str) -> None:
        self.cases.append(Case(kind, int(pid), expect, description))

    def case_file(self, kind: str, description: str) -> None:
        """A case about a file or a row rather than a person."""
        self.cases.append(Case(kind, -1, [], description))

    def age_at(self, when: np.datetime64) -> np.ndarray:
        return completed_years(self.people["birth"].to_numpy("datetime64[D]"), when)


@contextlib.contextmanager
def object_strings():
    """Text as plain object arrays while the generator runs: it reads and writes
    single cells a lot, which Arrow-backed strings (pandas 3's default) make
    slow. Where pandas no longer offers the switch, ``objectify`` still keeps
    the generator's frames as object arrays (slower, same output)."""
    with contextlib.ExitStack() as stack, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            stack.enter_context(pd.option_context("future.infer_string", False))
        except (KeyError, pd.errors.OptionError):
            pass
        yield


def objectify(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain object arrays: the generator reads and writes single
    cells a lot, which Arrow-backed strings (pandas 3's default) make slow."""
    for col in df.columns:
        if isinstance(df[col].dtype, pd.StringDtype):
            df[col] = pd.Series(df[col].to_numpy(dtype=object, na_value=None), index=df.index,
                                dtype=object)
    return df


def completed_years(birth: np.ndarray, when: np.datetime64) -> np.ndarray:
    """Completed years at ``when`` (vectorised; a birthday on ``when`` counts)."""
    b = pd.DatetimeIndex(birth)
    w = pd.Timestamp(when)
    before = (b.month > w.month) | ((b.month == w.month) & (b.day > w.day))
    return (w.year - b.year - before.astype(int)).to_numpy()
