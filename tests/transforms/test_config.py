"""The config tree validates at start-up; errors name the file and the key."""
from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
import yaml

from transforms.config import DEFAULT_CONFIG_DIR, ConfigError, load_config


@pytest.fixture
def config_dir(tmp_path):
    target = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, target)
    return target


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_committed_config_is_the_county_of_the_notice():
    config = load_config()
    assert (config.county.name, config.county.code) == ("靖远县", "620421")
    assert len(config.county.townships) == 18
    assert sum(t.name.endswith("镇") for t in config.county.townships) == 13
    assert sum(t.name.endswith("乡") for t in config.county.townships) == 5
    codes = {t.name: t.code for t in config.county.townships}
    assert codes["北湾镇"] == "620421101" and codes["三滩镇"] == "620421113"
    assert codes["若笠乡"] == "620421216"
    assert config.county.townships[0].code12 == "620421101000"
    assert config.county.aliases == {"城关镇": "乌兰镇", "平堡乡": "平堡镇"}
    assert set(config.sources.tables) == {
        "participants", "contributions", "benefit_payments", "funeral_grants",
        "household_registry", "cremations", "assistance", "death_certificates",
        "family_planning", "enrollment", "enterprise_pension", "poverty_monitoring",
        "township_targets"}


def test_policy_of_a_year_merges_its_overrides_onto_the_defaults():
    policy = load_config().policy
    assert policy.for_year(2022).basic_pension_monthly == Decimal("98.00")
    assert policy.for_year(2022).tiers[0] == Decimal(300)
    assert policy.for_year(1999).basic_pension_monthly == policy.defaults.basic_pension_monthly
    assert policy.target_rate == Decimal("0.98")
    assert str(policy.funeral_grant.start_date) == "2014-07-01"


def test_a_wrong_value_names_the_file_and_the_key(config_dir):
    _edit(config_dir / "policy.yaml", lambda d: d["defaults"].update(tiers=[300, "abc"]))
    with pytest.raises(ConfigError, match=r"policy\.yaml: defaults\.tiers\.1"):
        load_config(config_dir)


def test_an_unknown_key_is_refused(config_dir):
    _edit(config_dir / "policy.yaml", lambda d: d.update(target_rat=0.9))
    with pytest.raises(ConfigError, match=r"policy\.yaml: target_rat"):
        load_config(config_dir)


def test_an_alias_to_no_township_is_refused(config_dir):
    _edit(config_dir / "county.yaml", lambda d: d["aliases"].update({"旧镇": "不存在镇"}))
    with pytest.raises(ConfigError, match=r"county\.yaml: .*旧镇 -> 不存在镇"):
        load_config(config_dir)


def test_an_enum_column_without_values_names_its_table(config_dir):
    _edit(config_dir / "sources.yaml",
          lambda d: d["tables"]["participants"]["columns"]["enrol_status"].pop("values"))
    with pytest.raises(ConfigError, match=r"sources\.yaml: tables\.participants\.columns\.enrol_status"):
        load_config(config_dir)


def test_match_scores_must_lie_in_zero_to_one(config_dir):
    _edit(config_dir / "matching.yaml", lambda d: d["scores"].update(id=1.5))
    with pytest.raises(ConfigError, match=r"matching\.yaml: scores\.id"):
        load_config(config_dir)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("worker_share", 1.5, "less than or equal to 1"),
    ("worker_share", -0.1, "greater than or equal to 0"),
    ("worker_share", "half", "a valid number"),
    ("worker_rows", -1, "greater than or equal to 0"),
    ("worker_rows", 2.5, "a valid integer"),
])
def test_the_export_tuning_is_bounded(config_dir, key, value, message):
    _edit(config_dir / "operations.yaml", lambda d: d["export"].update({key: value}))
    with pytest.raises(ConfigError, match=rf"operations\.yaml: export\.{key}: .*{message}"):
        load_config(config_dir)


def test_a_missing_file_is_named(config_dir):
    (config_dir / "county.yaml").unlink()
    with pytest.raises(ConfigError, match=r"county\.yaml: file not found"):
        load_config(config_dir)


def test_operations_defaults_are_the_contract_schedules(config):
    ops = config.operations
    assert (ops.schedules.nightly, ops.schedules.weekly, ops.schedules.timezone) == \
        ("0 2 * * *", "0 7 * * 1", "Asia/Shanghai")
    assert (ops.server.host, ops.server.port) == ("127.0.0.1", 4200)
    assert ops.audit.retention_days == 400
    assert (ops.export.worker_rows, ops.export.worker_share) == (5000, 0.2)
    assert config.policy.decision_grace_days == 30
