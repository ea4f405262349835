"""The contracts of the output lists: THE Python entry point to them.

Each list of CONTRACT §3 has a contract file beside its SQL,
``transforms/sql/lists/list_<name>.yml`` (dbt style: columns with types, descriptions
and tests, and ``case_key``); progress.csv has ``progress.yml``. This module reads them:

- ``LISTS``: the list names, in CONTRACT §3 order.
- ``columns(name)``: the exported columns, in CSV order (internal columns left out):
  ``CASE`` (``case_id``, ``case_status``, put in front by the cases step,
  transforms/cases) and then the contract's exported columns.
- ``rule_columns(name)``: the contract's exported columns, what the rule writes.
- ``sort_columns(name)``: the row order of the list (rule columns, then the case columns).
- ``column_types(name)``: every column of the table (exported, then internal) -> DuckDB type.
- ``internal_columns(name)``: the columns in the table that the export never writes.
- ``case_key(name)``: the columns naming a case of the list (RULES §8).
- ``table(name)``: the warehouse table (``list_<name>``; ``review_queue``; ``progress``).
- ``contract(name)``: the whole parsed file (for the GX suite generator).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

CONTRACT_DIR = Path(__file__).resolve().parent / "sql" / "lists"

LISTS = ("deceased_accounts", "funeral_grants", "lapsed_payers", "enterprise_scheme",
         "special_groups", "contribution_issues", "unenrolled_residents", "review_queue")
OUTPUTS = LISTS + ("progress",)  # every table with a contract file
QUARANTINE = ("source", "table", "file", "row", "reason", "raw")


class ContractFileError(ValueError):
    """A contract file is malformed (a bug in the repository, not in the data)."""


def contract_path(name: str) -> Path:
    return CONTRACT_DIR / ("progress.yml" if name == "progress" else f"list_{name}.yml")


@cache
def contract(name: str) -> dict:
    """The parsed contract of ``name`` (one of OUTPUTS), checked for shape."""
    if name not in OUTPUTS:
        raise KeyError(f"no list {name!r}")
    path = contract_path(name)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("name") != name or not data.get("columns"):
        raise ContractFileError(f"{path.name}: name must be {name!r} and columns given")
    names = [c["name"] for c in data["columns"]]
    if len(set(names)) != len(names) or any("type" not in c for c in data["columns"]):
        raise ContractFileError(f"{path.name}: every column needs a unique name and a type")
    internal = [c.get("internal", False) for c in data["columns"]]
    if internal != sorted(internal):
        raise ContractFileError(f"{path.name}: internal columns come after the exported ones")
    missing = set(data.get("case_key") or ()) - set(names)
    if missing or (name in LISTS) != bool(data.get("case_key")):
        raise ContractFileError(f"{path.name}: case_key must name columns of a list "
                                f"(unknown: {sorted(missing)})")
    return data


def table(name: str) -> str:
    return contract(name)["table"]


CASE = ("case_id", "case_status")  # RULES §8, first on every list (CONTRACT §3)


def rule_columns(name: str) -> tuple[str, ...]:
    return tuple(c["name"] for c in contract(name)["columns"] if not c.get("internal"))


def columns(name: str) -> tuple[str, ...]:
    if name not in LISTS:
        return rule_columns(name)
    return CASE + rule_columns(name)


def sort_columns(name: str) -> tuple[str, ...]:
    """The case columns sort last, so that adding them moves no row."""
    return rule_columns(name) + CASE


def internal_columns(name: str) -> tuple[str, ...]:
    return tuple(c["name"] for c in contract(name)["columns"] if c.get("internal"))


def column_types(name: str) -> dict[str, str]:
    return {c["name"]: c["type"] for c in contract(name)["columns"]}


def case_key(name: str) -> tuple[str, ...]:
    if name not in LISTS:
        raise KeyError(f"{name!r} is not a list of CONTRACT §3 (no cases)")
    return tuple(contract(name)["case_key"])


PROGRESS = columns("progress")
