"""The one config tree under data/config, validated with pydantic.

Errors name the file and the key (``policy.yaml: defaults.tiers.0: ...``).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_CONFIG_DIR = Path(__file__).resolve().parent.parent / "data" / "config"
ColumnType = Literal["id", "name", "text", "sex", "date", "month", "money", "year", "int",
                     "township", "enum"]


class ConfigError(ValueError):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Township(_Strict):
    code: str = Field(pattern=r"^\d{9}$")
    name: str

    @property
    def code12(self) -> str:
        return self.code + "000"


class County(_Strict):
    name: str
    code: str = Field(pattern=r"^\d{6}$")
    unknown_township: str = "未知乡镇"
    townships: list[Township]
    aliases: dict[str, str] = {}

    @model_validator(mode="after")
    def _check(self) -> County:
        names = {t.name for t in self.townships}
        if len(names) != len(self.townships):
            raise ValueError("township names must be unique")
        for legacy, current in self.aliases.items():
            if current not in names:
                raise ValueError(f"alias {legacy} -> {current}: no such township")
        for t in self.townships:
            if not t.code.startswith(self.code):
                raise ValueError(f"township {t.name}: code {t.code} is not in county {self.code}")
        return self

    @cached_property
    def township_names(self) -> frozenset[str]:
        return frozenset(t.name for t in self.townships)


class SubsidyBand(_Strict):
    min_tier: Decimal
    max_tier: Decimal
    provincial: Decimal
    county: Decimal


class YearPolicy(_Strict):
    tiers: list[Decimal] | None = None
    special_tier: Decimal | None = None
    subsidy_bands: list[SubsidyBand] | None = None
    basic_pension_monthly: Decimal | None = None


class Ages(_Strict):
    contribute_min: int = 16
    contribute_max: int = 59
    pension_age: int = 60
    student_max: int = 22
    eligible_min: int = 16


class FuneralGrant(_Strict):
    amount: Decimal
    start_date: dt.date


class Policy(_Strict):
    defaults: YearPolicy
    years: dict[int, YearPolicy] = {}
    ages: Ages = Ages()
    target_rate: Decimal = Decimal("0.98")
    funeral_grant: FuneralGrant
    date_conflict_days: int = 31
    alive_signal_days: int = 31
    inheritable_subsidy_since: dt.date = dt.date(2014, 2, 21)
    county_paid_minimum: Decimal = Decimal(100)
    stale_extract_days: int = 45
    decision_grace_days: int = Field(default=30, ge=0)  # RULES §8 已处理

    @model_validator(mode="after")
    def _check(self) -> Policy:
        d = self.defaults
        if d.tiers is None or d.special_tier is None or d.subsidy_bands is None \
                or d.basic_pension_monthly is None:
            raise ValueError("defaults must set tiers, special_tier, subsidy_bands and "
                             "basic_pension_monthly")
        return self

    def for_year(self, year: int) -> YearPolicy:
        """The policy of one year: its overrides on top of the defaults."""
        override = self.years.get(year)
        if override is None:
            return self.defaults
        merged = self.defaults.model_dump()
        merged.update({k: v for k, v in override.model_dump().items() if v is not None})
        return YearPolicy(**merged)


class Column(_Strict):
    header: str
    type: ColumnType
    aliases: list[str] = []
    required: bool = False
    values: list[str] | None = None

    @model_validator(mode="after")
    def _check(self) -> Column:
        if self.type == "enum" and not self.values:
            raise ValueError("an enum column needs `values`")
        return self


class DeathRule(_Strict):
    date_column: str
    status_column: str | None = None
    status_value: str | None = None
    reason_column: str | None = None
    reason_value: str | None = None


class Table(_Strict):
    source: str
    kind: Literal["ledger", "department", "reference"]
    money_table: bool = False
    death: DeathRule | None = None
    columns: dict[str, Column]

    @model_validator(mode="after")
    def _check(self) -> Table:
        if self.death:
            for col in (self.death.date_column, self.death.status_column,
                        self.death.reason_column):
                if col and col not in self.columns:
                    raise ValueError(f"death rule names unknown column {col}")
        return self


class Sources(_Strict):
    tables: dict[str, Table]

    def by_source(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, table in self.tables.items():
            out.setdefault(table.source, []).append(name)
        return out


class MatchScores(_Strict):
    id: float = Field(ge=0, le=1)
    id15: float = Field(ge=0, le=1)
    id_repaired: float = Field(ge=0, le=1)
    name_dob: float = Field(ge=0, le=1)


class Matching(_Strict):
    scores: MatchScores


class Schedules(_Strict):
    timezone: str = "Asia/Shanghai"
    nightly: str = "0 2 * * *"
    weekly: str = "0 7 * * 1"
    wait_seconds: int = Field(default=3600, ge=0)


class Server(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=4200, ge=1, le=65535)


class Audit(_Strict):
    retention_days: int = Field(default=400, ge=183)  # the law asks for at least 6 months


class FeedbackLimits(_Strict):
    max_file_bytes: int = Field(default=20_000_000, gt=0)
    max_unzipped_bytes: int = Field(default=200_000_000, gt=0)


class ReadRetry(_Strict):
    attempts: int = Field(default=4, ge=1)
    backoff_seconds: float = Field(default=0.5, ge=0)
    settle_seconds: float = Field(default=2.0, ge=0)


class Ingest(_Strict):
    batch_rows: int = Field(default=1_000_000, ge=1)


class Warehouse(_Strict):
    # DuckDB's memory limit for a run's warehouse connection (a size or a share of RAM):
    # beyond it, DuckDB spills to <warehouse>.tmp instead of growing.
    memory_limit: str = Field(default="50%", pattern=r"^\d+(\.\d+)?\s*(%|[KMGT]i?B)$")


class Export(_Strict):
    # county.xlsx is written by a worker process from this many list rows on (when a
    # core is free); the worker also writes the smallest township workbooks, up to
    # worker_share of their rows (docs/decisions.md fast-steps2, tidy8, floor)
    worker_rows: int = Field(default=5000, ge=0)
    worker_share: float = Field(default=0.2, ge=0, le=1)


class Operations(_Strict):
    schedules: Schedules = Schedules()
    read_retry: ReadRetry = ReadRetry()
    ingest: Ingest = Ingest()
    warehouse: Warehouse = Warehouse()
    export: Export = Export()
    server: Server = Server()
    audit: Audit = Audit()
    feedback: FeedbackLimits = FeedbackLimits()


class Config(_Strict):
    county: County
    policy: Policy
    sources: Sources
    matching: Matching
    operations: Operations
    directory: Path


_FILES = {"county": (County, "county.yaml"), "policy": (Policy, "policy.yaml"),
          "sources": (Sources, "sources.yaml"), "matching": (Matching, "matching.yaml"),
          "operations": (Operations, "operations.yaml")}


def load_config(directory: Path | str = DEFAULT_CONFIG_DIR) -> Config:
    """Read and validate county.yaml, policy.yaml, sources.yaml, matching.yaml and
    operations.yaml."""
    directory = Path(directory)
    parts = {}
    for key, (model, filename) in _FILES.items():
        path = directory / filename
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"{path}: file not found") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
        try:
            parts[key] = model.model_validate(raw or {})
        except ValidationError as exc:
            lines = [f"{path}: {'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}"
                     for e in exc.errors()]
            raise ConfigError("\n".join(lines)) from exc
    return Config(directory=directory, **parts)
